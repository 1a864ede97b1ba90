import { describe, expect, it } from 'vitest';
import { generateInstance } from '../../generators/instance.ts';
import { perTypeBound } from '../../solvers/exact/bound.ts';
import { evaluate } from '../../solvers/problem/evaluator.ts';
import { withHeadroom } from '../../solvers/problem/headroom.ts';
import { parseSolverSpec } from '../../solvers/registry.ts';
import { DEFAULT_PROFILE_PATH, loadProfileBundle } from '../../traces/profile.ts';
import { runCell } from './cell.ts';
import { expandGrid, resolveGrid } from './grid.ts';

describe('a solve cell with headroom θ', () => {
  it('plans on the headroom instance, scores the plan on the nominal one and records θ in every row', async () => {
    const grid = resolveGrid({ experiment: 'e4', sizes: ['6,6,10'], seeds: [3], solvers: ['agh'], headrooms: [0.25], inflations: [1, 1.25], stage2: { scenarios: 30 } });
    const [cell] = expandGrid(grid.config);
    const rows = await runCell({ experiment: 'e4', profilePath: grid.profilePath, cell });

    const nominal = generateInstance({ sizes: { I: 6, J: 6, K: 10 }, seed: 3, scenario: 'S1', sloMode: 'average', profile: loadProfileBundle(DEFAULT_PROFILE_PATH), profileName: 'test' });
    const planning = withHeadroom(nominal, 0.25);
    const { solver, options } = parseSolverSpec('agh');
    const plan = (await solver.solve(planning, options)).plan!;
    const planned = evaluate(nominal, plan);
    expect(planned.cost_usd).not.toBe(evaluate(planning, plan).cost_usd); // the two scorings differ (delay penalty)

    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({ headroom: 0.25, cost_usd: planned.cost_usd, delay_penalty_usd: planned.terms.delay_penalty_usd, feasible: planned.feasible, unmet_rate: planned.unmet_rate });
      // the solver's side of the row is about the instance it solved
      expect(row.bound_usd).toBe(perTypeBound(planning));
      // κ ≤ 1 + θ: nothing dropped or shed
      expect([row.dropped_rate_mean, row.shed_rate_mean]).toEqual([0, 0]);
    }
    // stage 2 at κ = 1 is the nominal evaluation
    expect(rows[0].realised_cost_mean_usd).toBe(planned.cost_usd);
  }, 60_000);
});
