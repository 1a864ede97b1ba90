/**
 * A deliberately simple baseline — and the worked example of adding a heuristic: each type, in
 * index order, goes whole to its cheapest route that meets both SLOs on its own (rental per unit
 * of capacity plus delay penalty), among layouts compatible with the pairs already deployed. If
 * the route would break the budget, the pool or storage, the type is left unmet. It shares nothing
 * deliberately and never splits a type, so it shows what the greedy's ranking and sharing buy.
 */
import type { Instance } from '../problem/types.ts';
import type { Solver, SolveResult } from '../solver.ts';
import { admitted } from './greedy/candidates.ts';
import { PlanState } from './greedy/state.ts';
import { yieldToEventLoop } from '../../lib/yield.ts';

export const cheapest: Solver = {
  name: 'cheapest',
  description: 'Baseline: each type whole on its cheapest SLO-feasible route, unmet if it does not fit',
  kind: 'heuristic',
  options: {},
  deterministic: true,
  // Every route meets both SLOs on its own and every placement is checked, so plans are feasible.
  claimsFeasibility: () => true,
  async solve(inst: Instance): Promise<SolveResult> {
    await yieldToEventLoop();
    const t0 = performance.now();
    const s = new PlanState(inst);
    const { d, P, C } = s.pre;
    for (let i = 0; i < s.I; i++) {
      let best = -1;
      let bestCost = Infinity;
      for (let p = 0; p < P; p++) {
        for (const c of d.pairConfigs[p]) {
          // Per-route SLO feasibility in both modes: admitted() checks error only in per-route mode.
          if (!admitted(s.pre, i, p, c) || s.pre.eRel[i * P + p] > 0) continue;
          if (s.layout[p] >= 0 && s.layout[p] !== c) continue;
          const cost = s.pre.unitRental[i * C + c] + d.delay_penalty_usd_per_h[i * C + c];
          if (cost < bestCost) [best, bestCost] = [c, cost];
        }
      }
      if (best < 0) continue;
      const p = d.configs[best].pair;
      s.addShare(i, p, best, 1);
      if (!s.feasible()) s.addShare(i, p, best, -1);
    }
    return { solver: 'cheapest', status: 'completed', plan: s.toPlan('cheapest'), wall_time_s: (performance.now() - t0) / 1000, solver_objective_usd: s.cost() };
  },
};
