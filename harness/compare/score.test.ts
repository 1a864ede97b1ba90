import { describe, expect, it } from 'vitest';
import type { KnownLookup, Row } from '../report/summary.ts';
import { compareRuns, winTieLoss } from './score.ts';
import { instanceResults, performanceRatios, profilePoints } from '../report/profiles.ts';

/**
 * Three instances, a heuristic under test ("mine") against agh and highs; every figure below is
 * computed by hand from these rows.
 * - P: the best-known table proves the optimum, 100.
 * - Q: the table has only a bound, 180; highs stops at its limit without a plan.
 * - R: not in the table; highs proves 290 in this run; mine errors.
 */
const row = (instance: string, solver: string, over: Row): Row => ({
  experiment: 'compare', instance_id: instance, size_i: 6, size_j: 6, size_k: 10, solver_label: solver,
  solver_kind: solver === 'highs' ? 'exact' : 'heuristic', time_limit_s: solver === 'highs' ? 60 : null,
  headroom: 0, status: solver === 'highs' ? 'optimal' : 'completed', has_plan: true, feasible: true, cell_key: `${instance}-${solver}`, ...over,
});
const RAW: Row[] = [
  row('P', 'mine', { solve_time_s: 0.5, cost_usd: 110 }),
  row('P', 'agh', { solve_time_s: 1, cost_usd: 100 }),
  row('P', 'highs', { solve_time_s: 20, cost_usd: 100 }),
  row('Q', 'mine', { solve_time_s: 2, cost_usd: 200 }),
  row('Q', 'agh', { solve_time_s: 1, cost_usd: 200 * (1 + 1e-7) }),
  row('Q', 'highs', { solve_time_s: 60, status: 'time_limit_no_solution', has_plan: false, feasible: null, cost_usd: null }),
  row('R', 'mine', { solve_time_s: 0.1, status: 'error', has_plan: false, feasible: null, cost_usd: null }),
  row('R', 'agh', { solve_time_s: 3, cost_usd: 300 }),
  row('R', 'highs', { solve_time_s: 10, cost_usd: 290 }),
];
const known: KnownLookup = (id) => ({
  P: { best_cost_usd: 100, proven: true, best_bound_usd: 100, bound_relaxation: false },
  Q: { best_cost_usd: 200, proven: false, best_bound_usd: 180, bound_relaxation: false },
}[id]);
const trajectories = new Map([['P-mine', [{ t_s: 0.2, incumbent_usd: 150 }, { t_s: 0.4, incumbent_usd: 120 }]]]);

describe('the figures of a comparison, by hand', () => {
  const c = compareRuns({ raw: RAW, known, trajectories });
  const score = (instance: string, solver: string) => c.instances.find((r) => r.instance_id === instance && r.solver === solver)!;
  const solver = (name: string) => c.solvers.find((s) => s.solver === name)!;

  it('win/tie/loss on the evaluator costs: a relative 1e-7 difference ties, a plan beats no plan', () => {
    expect(winTieLoss(c.instances, ['mine'], ['agh', 'highs'])).toEqual([
      // P: 110 > 100 loss; Q: 200 vs 200.00002 tie; R: no plan vs 300 loss
      { solver: 'mine', against: 'agh', instances: 3, wins: 0, ties: 1, losses: 2 },
      // P: loss; Q: highs has no plan, win; R: loss
      { solver: 'mine', against: 'highs', instances: 3, wins: 1, ties: 0, losses: 2 },
    ]);
  });

  it('gaps: certified against a proven optimum (the table\'s or the run\'s), "≤" against a bound only', () => {
    expect(score('P', 'mine')).toMatchObject({ gap_kind: 'certified', reference_usd: 100 });
    expect(score('P', 'mine').gap).toBeCloseTo(0.1, 12);
    expect(score('Q', 'mine')).toMatchObject({ gap_kind: 'upper_bound', reference_usd: 180 });
    expect(score('Q', 'mine').gap).toBeCloseTo(20 / 180, 12);
    expect(score('R', 'mine')).toMatchObject({ gap: null, gap_kind: null });
    expect(score('R', 'agh')).toMatchObject({ gap_kind: 'certified', reference_usd: 290 });
    expect(score('R', 'agh').gap).toBeCloseTo(10 / 290, 12);
    expect(solver('mine')).toMatchObject({ instances: 3, solved: 2, certified_gaps: 1, bounded_gaps: 1 });
    expect(solver('mine').gap_mean).toBeCloseTo(0.1, 12);
    expect(solver('mine').gap_bound_max).toBeCloseTo(20 / 180, 12);
  });

  it('SGM of times, a run without a feasible plan charged its time limit (or, without one, the longest time)', () => {
    // mine: 0.5, 2 and the failed R charged 2 (its longest time: a heuristic has no limit)
    expect(solver('mine').sgm10_s).toBeCloseTo(Math.cbrt(10.5 * 12 * 12) - 10, 9);
    expect(solver('mine').sgm1_s).toBeCloseTo(Math.cbrt(1.5 * 3 * 3) - 1, 9);
    // highs: 20, Q charged its 60 s limit, 10
    expect(solver('highs').sgm10_s).toBeCloseTo(Math.cbrt(30 * 70 * 20) - 10, 9);
  });

  it('primal integral: γ = 1, then each incumbent\'s primal gap, the last plan held until the longest solve on the instance', () => {
    // P, reference 100, horizon 20 s (highs): 1 on [0, 0.2), 50/150 on [0.2, 0.4), 20/120 on [0.4, 0.5), then the evaluator's 110: 10/110 to 20 s
    expect(score('P', 'mine').primal_integral_s).toBeCloseTo(0.2 + 0.2 / 3 + 0.1 / 6 + 19.5 / 11, 9);
    // agh on P finds the optimum at 1 s
    expect(score('P', 'agh').primal_integral_s).toBeCloseTo(1, 9);
    // no plan: γ = 1 throughout R's horizon of 10 s
    expect(score('R', 'mine').primal_integral_s).toBeCloseTo(10, 9);
  });

  it('performance profiles of the same rows', () => {
    const results = instanceResults(RAW);
    // time: P fastest 0.5 (mine), Q fastest 1 (agh), R fastest 3 (agh)
    expect(Object.fromEntries(performanceRatios(results, 'time'))).toEqual({ mine: [1, 2, Infinity], agh: [2, 1, 1], highs: [40, Infinity, 10 / 3] });
    // cost: P against 100, Q against the best-known 200, R against the run's 290
    const cost = Object.fromEntries(performanceRatios(results, 'cost', known));
    expect(cost.mine.map((x) => Number(x.toFixed(9)))).toEqual([1.1, 1, Infinity]);
    expect(cost.highs.map((x) => Number(x.toFixed(9)))).toEqual([1, Infinity, 1]);
    const points = profilePoints(performanceRatios(results, 'cost', known), 2).filter((p) => p.solver === 'mine');
    expect(points.map((p) => [p.tau, p.share])).toEqual([[1, 1 / 3], [1.1, 2 / 3], [2, 2 / 3]]);
  });
});
