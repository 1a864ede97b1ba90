/**
 * AGH — the adaptive greedy heuristic as HEURISTICS.md describes it, and nothing more: the GH
 * construction under the five fixed type orderings plus R seeded random permutations, the cheapest
 * start kept; then rounds of relocate (relocate.ts) and consolidation (consolidate.ts) until a
 * round improves nothing or the iteration cap is reached. This is the paper's method; this
 * project's search beyond it is `agh-lns` (agh-lns.ts), which reuses the parts exported here.
 *
 * Stopping: the rule is machine-independent (no improvement, or `max_iterations` rounds); the time
 * budget is only a safety cap, set far above the step-bounded effort so that a slower machine does
 * not reach it, and `diagnostics.time_cap_hit` says when it cut a run short — only then does the
 * result depend on the machine's speed. (HEURISTICS.md says "stop on a time budget (default 1 s)";
 * a 1 s cap would make results depend on the machine, so the cap is a guard, not the stopping rule.)
 */
import type { Instance } from '../problem/types.ts';
import type { OptionSpec, Solver, SolveOptions, SolveResult } from '../solver.ts';
import { consolidatePass } from './greedy/consolidate.ts';
import { construct, type Mechanisms } from './greedy/construct.ts';
import { ABLATION_OPTIONS, claimsWithoutAblation, mechanismsOf, typeNames } from './ablations.ts';
import { namedOrders, randomOrders } from './greedy/orders.ts';
import { pairMixPass } from './lns/pairmix.ts';
import { relayoutPass } from './lns/relayout.ts';
import { relocatePass, type Search } from './greedy/relocate.ts';
import { PlanState } from './greedy/state.ts';
import { yieldToEventLoop } from '../../lib/yield.ts';

/** Options the paper's AGH and `agh-lns` share. */
export const AGH_OPTIONS: Record<string, OptionSpec> = {
  ...ABLATION_OPTIONS,
  restarts: { type: 'integer', default: 16, min: 0, max: 10_000, description: 'seeded random type orderings on top of the five fixed ones' },
  seed: { type: 'integer', default: 1, min: 0, description: 'seed of the random orderings' },
  max_iterations: { type: 'integer', default: 50, min: 0, max: 1_000_000, description: 'cap on local-search rounds per polished start' },
  time_budget_s: { type: 'number', default: 60, min: 0, description: 'safety cap on wall-clock seconds, far above the step-bounded effort (results depend on machine speed only when diagnostics.time_cap_hit)' },
};

/** What every AGH-family solver object declares. */
export const AGH_FAMILY = { kind: 'heuristic', deterministic: true, claimsFeasibility: claimsWithoutAblation } as const;

export const agh: Solver = {
  ...AGH_FAMILY,
  name: 'agh',
  description: "The paper's adaptive greedy heuristic (AGH): multi-start GH constructions (5 fixed orders + R seeded), relocate local search, consolidation",
  options: AGH_OPTIONS,
  async solve(inst: Instance, options: SolveOptions): Promise<SolveResult> {
    await yieldToEventLoop();
    const t0 = performance.now();
    const mech = mechanismsOf(options);
    const search = newSearch(inst, mech, t0, options);
    const run = await multiStart(inst, search, startsOf(inst, options, mech), 1);
    const stats = newStats();
    const best = run.elite[0];
    localSearch(best.state, search, Number(options.max_iterations ?? 50), stats, false);
    return aghResult('agh', inst, t0, best, run, stats, search, {});
  },
};

export interface Start {
  name: string;
  order: number[];
  mech: Mechanisms;
}

/** The spec's starts: the five fixed orders, then `restarts` seeded permutations. */
export function startsOf(inst: Instance, options: SolveOptions, mech: Mechanisms): Start[] {
  return [
    ...namedOrders(inst).map(([name, order]) => ({ name, order, mech })),
    ...randomOrders(inst.types.length, Number(options.restarts ?? 16), Number(options.seed ?? 1))
      .map((order, n) => ({ name: `random-${n}`, order, mech })),
  ];
}

export function newSearch(inst: Instance, mech: Mechanisms, t0: number, options: SolveOptions): Search {
  return { mech, undo: new PlanState(inst), deadline: t0 + 1000 * Number(options.time_budget_s ?? 60), timedOut: false };
}

export interface Elite {
  state: PlanState;
  name: string;
}

export interface StartsRun {
  /** The K cheapest starts with distinct objectives, cheapest first. */
  elite: Elite[];
  startsRun: number;
  constructedCost: number;
  uncoverable: number[];
}

/** Runs the constructions (AGH step 1), keeping the K cheapest distinct ones. */
export async function multiStart(inst: Instance, search: Search, starts: Start[], K: number): Promise<StartsRun> {
  const elite: Elite[] = [];
  const cur = new PlanState(inst);
  let uncoverable: number[] = [];
  let startsRun = 0;
  for (const st of starts) {
    // The first start always runs, so the cap never leaves AGH without a plan.
    if (startsRun > 0 && performance.now() > search.deadline) {
      search.timedOut = true;
      break;
    }
    uncoverable = construct(cur, st.order, st.mech);
    startsRun++;
    keepIfElite(elite, cur, st.name, K);
    await yieldToEventLoop();
  }
  return { elite, startsRun, constructedCost: elite[0].state.cost(), uncoverable };
}

/** Keeps `elite` as the K cheapest starts with distinct objectives, cheapest first (copies into spare states). */
function keepIfElite(elite: Elite[], s: PlanState, name: string, K: number): void {
  const cost = s.hourlyCost();
  if (elite.some((e) => Math.abs(e.state.hourlyCost() - cost) <= 1e-9 * Math.max(1, cost))) return;
  if (elite.length < K) elite.push({ state: s.clone(), name });
  else if (cost < elite[K - 1].state.hourlyCost()) {
    elite[K - 1].state.copyFrom(s);
    elite[K - 1].name = name;
  } else return;
  elite.sort((a, b) => a.state.hourlyCost() - b.state.hourlyCost());
}

export interface SearchStats {
  iterations: number;
  relocations: number;
  relayouts: number;
  consolidations: number;
  pairMixes: number;
  iterationCapHit: boolean;
}

export const newStats = (): SearchStats => ({ iterations: 0, relocations: 0, relayouts: 0, consolidations: 0, pairMixes: 0, iterationCapHit: false });

/**
 * Rounds of relocate and consolidation (AGH steps 2–3) until one improves nothing, the cap, or the
 * clock; `lns` adds agh-lns's relayout and paired-mix passes to every round.
 */
export function localSearch(s: PlanState, search: Search, maxIterations: number, stats: SearchStats, lns: boolean): void {
  for (let round = 0; ; round++) {
    if (round >= maxIterations) {
      stats.iterationCapHit = true;
      return;
    }
    if (search.timedOut) return;
    const r = relocatePass(s, search);
    const l = search.timedOut || !lns ? 0 : relayoutPass(s);
    const c = search.timedOut ? 0 : consolidatePass(s, search);
    const m = search.timedOut || !lns ? 0 : pairMixPass(s, search);
    stats.iterations++;
    stats.pairMixes += m;
    stats.relocations += r;
    stats.relayouts += l;
    stats.consolidations += c;
    if (r + l + c + m === 0) return;
  }
}

/** The result row of an AGH-family run; `extra` holds the variant's own diagnostics. */
export function aghResult(
  name: string, inst: Instance, t0: number, best: Elite, run: StartsRun, stats: SearchStats, search: Search,
  extra: Record<string, unknown>,
): SolveResult {
  return {
    solver: name,
    status: 'completed',
    plan: best.state.toPlan(name),
    wall_time_s: (performance.now() - t0) / 1000,
    solver_objective_usd: best.state.cost(),
    diagnostics: {
      starts_run: run.startsRun,
      polished_starts: run.elite.map((e) => e.name),
      best_start: best.name,
      best_construction_cost_usd: run.constructedCost,
      iterations: stats.iterations,
      relocations: stats.relocations,
      consolidations: stats.consolidations,
      ...extra,
      iteration_cap_hit: stats.iterationCapHit,
      time_cap_hit: search.timedOut,
      uncoverable_types: typeNames(inst, run.uncoverable),
    },
  };
}
