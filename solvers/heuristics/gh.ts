/**
 * GH — the greedy heuristic (HEURISTICS.md): one deterministic construction with types in
 * descending arrival rate, candidates from the M1 table, ranked by M2, with M3 upgrades.
 */
import type { Instance } from '../problem/types.ts';
import type { OptionSpec, Solver, SolveOptions, SolveResult } from '../solver.ts';
import { construct, type Mechanisms } from './greedy/construct.ts';
import { rateDescending } from './greedy/orders.ts';
import { PlanState } from './greedy/state.ts';
import { yieldToEventLoop } from '../../lib/yield.ts';

/** The ablation flags shared by GH and AGH. */
export const ABLATION_OPTIONS: Record<'noM1' | 'noM2' | 'noM3', OptionSpec> = {
  noM1: { type: 'boolean', default: false, description: 'ablate M1 and its guard: smallest memory-valid layout per pair, placed without any delay check (plans may break Δ)' },
  noM2: { type: 'boolean', default: false, description: 'ablate M2: rank candidates by raw replica price per hour (coverage caps stay: plans stay feasible)' },
  noM3: { type: 'boolean', default: false, description: 'ablate M3 and its guard: no TP upgrade; a second layout opens beside a too-slow active pair (plans may break one-layout-per-pair)' },
};

export function mechanismsOf(options: SolveOptions): Mechanisms {
  return { noM1: options.noM1 === true, noM2: options.noM2 === true, noM3: options.noM3 === true };
}

/**
 * Plans are feasible by construction (every family has its guard). noM1 and noM3 remove a guard
 * with its mechanism, so their runs claim nothing; noM2 only changes the ranking.
 */
export function claimsWithoutAblation(options: SolveOptions): boolean {
  const m = mechanismsOf(options);
  return !m.noM1 && !m.noM3;
}

export function typeNames(inst: Instance, types: number[]): string[] {
  return types.map((i) => inst.types[i].name);
}

export const gh: Solver = {
  name: 'gh',
  description: "The paper's greedy heuristic (GH): one construction by descending rate, M1 candidates, M2 ranking, M3 upgrades",
  kind: 'heuristic',
  options: ABLATION_OPTIONS,
  deterministic: true,
  claimsFeasibility: claimsWithoutAblation,
  async solve(inst: Instance, options: SolveOptions): Promise<SolveResult> {
    await yieldToEventLoop();
    const t0 = performance.now();
    const state = new PlanState(inst);
    const uncoverable = construct(state, rateDescending(inst), mechanismsOf(options));
    return {
      solver: 'gh',
      status: 'completed',
      plan: state.toPlan('gh'),
      wall_time_s: (performance.now() - t0) / 1000,
      solver_objective_usd: state.cost(),
      diagnostics: { uncoverable_types: typeNames(inst, uncoverable) },
    };
  },
};
