import { describe, expect, it } from 'vitest';
import { instanceResults, performanceRatios, profilePoints } from './profiles.ts';
import type { KnownLookup, Row } from './summary.ts';

/** Three instances, two solvers; figures chosen so every ratio below is computed by hand. */
const row = (instance: string, solver: string, over: Row): Row => ({
  experiment: 'compare', instance_id: instance, size_i: 2, size_j: 3, size_k: 2, solver_label: solver, solver_kind: 'heuristic',
  headroom: 0, status: 'completed', has_plan: true, feasible: true, cell_key: `${instance}-${solver}`, ...over,
});
const RAW: Row[] = [
  row('A', 'x', { solve_time_s: 1, cost_usd: 100 }),
  row('A', 'y', { solve_time_s: 4, cost_usd: 110 }),
  row('B', 'x', { solve_time_s: 2, cost_usd: 210 }),
  row('B', 'y', { solve_time_s: 1, cost_usd: 200 }),
  row('C', 'x', { solve_time_s: 0.5, status: 'error', has_plan: false, feasible: null, cost_usd: null }),
  row('C', 'y', { solve_time_s: 3, cost_usd: 330 }),
  // a plan made with headroom is not part of the profile
  row('C', 'x', { headroom: 0.25, solve_time_s: 0.1, cost_usd: 1 }),
];
/** C's best-known cost is 300, below either plan of the run; A and B are not in the table. */
const known: KnownLookup = (id) => (id === 'C' ? { best_cost_usd: 300, proven: true, best_bound_usd: 300, bound_relaxation: false } : undefined);

describe('Dolan–Moré performance profiles', () => {
  const results = instanceResults(RAW);

  it('time ratios: each solve against the fastest feasible solve of its instance; a failure never reaches', () => {
    expect(Object.fromEntries(performanceRatios(results, 'time'))).toEqual({ x: [1, 2, Infinity], y: [4, 1, 1] });
  });

  it('cost ratios: against the best-known cost, else the run\'s cheapest plan', () => {
    const r = Object.fromEntries(performanceRatios(results, 'cost', known));
    expect(r.x).toEqual([1, 1.05, Infinity]);
    expect(r.y[0]).toBeCloseTo(1.1, 12);
    expect(r.y[1]).toBe(1);
    expect(r.y[2]).toBeCloseTo(1.1, 12);
  });

  it('ρ(τ) as step corners: the share of instances within τ, out to τ_max', () => {
    const points = profilePoints(performanceRatios(results, 'time'), 8);
    const of = (s: string) => points.filter((p) => p.solver === s).map((p) => [p.tau, p.share]);
    expect(of('x')).toEqual([[1, 1 / 3], [2, 2 / 3], [8, 2 / 3]]);
    expect(of('y')).toEqual([[1, 2 / 3], [4, 1], [8, 1]]);
  });
});
