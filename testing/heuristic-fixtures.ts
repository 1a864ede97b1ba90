/**
 * Hand-made instances for the heuristics' unit tests, built on the kernel's tiny fixture (one
 * Code type h=2048 f=28 λ=3600/h Δ=2 s ε=0.05, Llama-3.1-8B and -70B, RTX-4090 FP16/INT8).
 * Numbers used by the tests, from docs/model.md §2 by hand for Llama-3.1-8B on RTX-4090/FP16:
 * D(n1,m1) = 0.399 + 28·0.02276 = 1.036 s, D(n2,m1) = 0.532 s, D(n8,m1) = 0.172 s;
 * throughput need at λ=3600/h on n1 m1 = 0.577 replicas (load-bound: KV needs 0.05).
 */
import { tinyInstance } from './problem-fixtures.ts';
import type { Instance, QueryType, SloMode } from '../solvers/problem/types.ts';

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
