import { describe, expect, it } from 'vitest';
import { generateInstance } from '../../../generators/instance.ts';
import { evaluate } from '../../problem/evaluator.ts';
import { DEFAULT_PROFILE_PATH, loadProfileBundle } from '../../../traces/profile.ts';
import { searchFor, stateOf } from '../../../testing/heuristic-fixtures.ts';
import { aghLns } from '../agh-lns.ts';
import { dropStep, subsets } from './drop.ts';

describe('subsets', () => {
  it('lists every non-empty subset up to the size, smallest first', () => {
    expect(subsets([1, 2, 3], 2)).toEqual([[1], [2], [3], [1, 2], [1, 3], [2, 3]]);
    expect(subsets(['a', 'b'], 3)).toEqual([['a'], ['b'], ['a', 'b']]);
    expect(subsets([], 3)).toEqual([]);
    expect(subsets([1, 2, 3, 4, 5, 6], 3)).toHaveLength(6 + 15 + 20);
  });
});

describe('drop and re-descend', () => {
  // Base S2 average tuning seed 306: without the move (and without exact polishing) agh-lns ends at
  // $7,382.69, 12.6% above the optimum HiGHS proves ($6,556.42), which keeps none of three of its
  // six deployments.
  const profile = loadProfileBundle(DEFAULT_PROFILE_PATH);
  const inst = generateInstance({ sizes: { I: 6, J: 6, K: 10 }, seed: 306, scenario: 'S2', sloMode: 'average', profile, profileName: 'default' });

  it("takes agh-lns's plan without it to the optimum's cost, and the evaluator agrees", async () => {
    const without = await aghLns.solve(inst, { drop: 0, mip_polish: 0, time_budget_s: 60 });
    expect(without.diagnostics?.drops).toBe(0);
    const s = stateOf(inst, without.plan!);
    const start = evaluate(inst, without.plan!).cost_usd;
    expect(start).toBeGreaterThan(7000);
    expect(dropStep(s, searchFor(s), 3, 3000, new Map())).toBe(true);
    const ev = evaluate(inst, s.toPlan('test'));
    expect(ev.feasible, ev.violated_families.join(';')).toBe(true);
    expect(ev.cost_usd).toBeCloseTo(s.cost(), 6);
    expect(ev.cost_usd).toBeLessThan(6556.42 * (1 + 1e-6));
  });

  it('is what agh-lns does by default', async () => {
    const on = await aghLns.solve(inst, { time_budget_s: 60 });
    expect(on.diagnostics?.drops).toBeGreaterThan(0);
    expect(evaluate(inst, on.plan!).cost_usd).toBeLessThan(6556.42 * (1 + 1e-6));
  });

  it('drops at most one deployment at a time with drop = 1, and then misses this optimum', async () => {
    // The optimum is three drops away: with single drops the step finds nothing better.
    const r = await aghLns.solve(inst, { drop: 1, mip_polish: 0, time_budget_s: 60 });
    expect(evaluate(inst, r.plan!).cost_usd).toBeGreaterThan(7000);
  });
});
