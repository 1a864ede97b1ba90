/**
 * Hand-made instances for the heuristics' unit tests, built on the kernel's tiny fixture (one
 * Code type h=2048 f=28 λ=3600/h Δ=2 s ε=0.05, Llama-3.1-8B and -70B, RTX-4090 FP16/INT8).
 * Numbers used by the tests, from docs/model.md §2 by hand for Llama-3.1-8B on RTX-4090/FP16:
 * D(n1,m1) = 0.399 + 28·0.02276 = 1.036 s, D(n2,m1) = 0.532 s, D(n8,m1) = 0.172 s;
 * throughput need at λ=3600/h on n1 m1 = 0.577 replicas (load-bound: KV needs 0.05).
 */
import { tinyInstance } from './problem-fixtures.ts';
import type { Instance, Plan, QueryType, SloMode } from '../solvers/problem/types.ts';
import { ALL_MECHANISMS } from '../solvers/heuristics/greedy/construct.ts';
import type { Search } from '../solvers/heuristics/greedy/relocate.ts';
import { PlanState } from '../solvers/heuristics/greedy/state.ts';

/** Loads a plan into a heuristic state through the state's own bookkeeping. */
export function stateOf(inst: Instance, plan: Plan): PlanState {
  const s = new PlanState(inst);
  const d = s.pre.d;
  for (const r of plan.routes) {
    const c = d.configIndex(r);
    s.addShare(r.i, d.configs[c].pair, c, r.share);
  }
  return s;
}

/** An unbounded search (no clock) over all mechanisms, for calling one move directly. */
export const searchFor = (s: PlanState): Search => ({ mech: ALL_MECHANISMS, undo: new PlanState(s.inst), deadline: Infinity, timedOut: false });

/** Only Llama-3.1-8B on RTX-4090/FP16, with the given types (fields override the tiny Code type). */
export function oneModelOneTier(types: Partial<QueryType>[], mode: SloMode = 'per-route'): Instance {
  const inst = tinyInstance();
  const base = inst.types[0];
  inst.types = types.map((t, n) => ({ ...base, name: `T${n}`, ...t }));
  inst.models = [inst.models[0]];
  inst.tiers = [inst.tiers[0]];
  inst.meta.sizes = { I: inst.types.length, J: 1, K: 1 };
  inst.system.slo_mode = mode;
  inst.system.budget_usd = 1e6;
  return inst;
}
