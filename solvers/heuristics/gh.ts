/**
 * GH — the greedy heuristic (docs/heuristics.md, "GH — greedy heuristic"): one deterministic
 * construction with types in descending arrival rate, candidates from the M1 table, ranked by M2,
 * with M3 upgrades.
 */
import type { Instance } from '../problem/types.ts';
import type { Solver, SolveOptions, SolveResult } from '../solver.ts';
import { ABLATION_OPTIONS, claimsWithoutAblation, mechanismsOf, typeNames } from './ablations.ts';
import { construct } from './greedy/construct.ts';
import { rateDescending } from './greedy/orders.ts';
import { PlanState } from './greedy/state.ts';
import { yieldToEventLoop } from '../../lib/yield.ts';

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
