/**
 * The multi-start machinery `agh` and `agh-lns` share (docs/heuristics.md, "AGH — adaptive greedy
 * heuristic"): their common options, the starts (GH constructions under the five fixed orders and
 * R seeded permutations), the constructions keeping the K cheapest distinct ones, and the result
 * row. `agh` polishes the cheapest start with AGH_PASSES (local-search.ts); `agh-lns` more of them,
 * with its own passes.
 */
import type { Instance } from '../../problem/types.ts';
import type { OptionSpec, SolveOptions, SolveResult } from '../../solver.ts';
import { ABLATION_OPTIONS, claimsWithoutAblation, typeNames } from '../ablations.ts';
import { construct, type Mechanisms } from './construct.ts';
import type { SearchStats } from './local-search.ts';
import { namedOrders, randomOrders } from './orders.ts';
import type { Search } from './relocate.ts';
import { PlanState } from './state.ts';
import { yieldToEventLoop } from '../../../lib/yield.ts';

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

export interface Start {
  name: string;
  order: number[];
  mech: Mechanisms;
}

/** AGH's starts: the five fixed orders, then `restarts` seeded permutations. */
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
      relocations: stats.moves.relocations ?? 0,
      consolidations: stats.moves.consolidations ?? 0,
      ...extra,
      iteration_cap_hit: stats.iterationCapHit,
      time_cap_hit: search.timedOut,
      uncoverable_types: typeNames(inst, run.uncoverable),
    },
  };
}
