import { describe, expect, it } from 'vitest';
import { generateInstance } from '../../../generators/instance.ts';
import { evaluate } from '../../problem/evaluator.ts';
import type { ScenarioId, SloMode } from '../../problem/types.ts';
import type { Sizes } from '../../../generators/sizes.ts';
import { DEFAULT_PROFILE_PATH, loadProfileBundle } from '../../../traces/profile.ts';
import { listSolvers, parseSolverSpec } from '../../registry.ts';
import { aghLns } from '../agh-lns.ts';
import { insertionStep } from './insert.ts';
import { searchFor, stateOf } from '../../../testing/heuristic-fixtures.ts';

const profile = loadProfileBundle(DEFAULT_PROFILE_PATH);
const hasHighs = listSolvers().some((s) => s.name === 'highs');


const instance = (sizes: Sizes, scenario: ScenarioId, sloMode: SloMode, seed: number) =>
  generateInstance({ sizes, seed, scenario, sloMode, profile, profileName: 'default' });

describe('targeted insertion', () => {
  // Tuning instances where agh-lns without the move leaves a type unmet far above the optimum:
  // S5 per-route seed 307 (+73%: the optimum stores a third model for Math_Solving and pays with
  // two changes elsewhere) and S3 average seed 301 at (8,8,10) (27×: the optimum serves a
  // long-context type on two 70B layouts that meet its SLO means only together).
  const cases: [string, Sizes, ScenarioId, SloMode, number][] = [
    ['one new deployment paid by reductions', { I: 6, J: 6, K: 10 }, 'S5', 'per-route', 307],
    ['two new deployments mixed for the SLO means', { I: 8, J: 8, K: 10 }, 'S3', 'average', 301],
  ];
  it.runIf(hasHighs).each(cases)('%s: from the plan without it to the proven optimum, every step accepted by the evaluator', async (_, sizes, scenario, mode, seed) => {
    const inst = instance(sizes, scenario, mode, seed);
    const without = (await aghLns.solve(inst, { insert: false, mip_polish: 0, time_budget_s: 60 })).plan!;
    const s = stateOf(inst, without);
    const start = evaluate(inst, without).cost_usd;
    let steps = 0;
    while (steps < 10 && insertionStep(s, searchFor(s), 3000, new Map())) {
      steps++;
      const ev = evaluate(inst, s.toPlan('test'));
      expect(ev.feasible, ev.violated_families.join(';')).toBe(true);
      expect(ev.cost_usd).toBeCloseTo(s.cost(), 6);
    }
    expect(steps).toBeGreaterThan(0);
    const exact = parseSolverSpec('highs', { time_limit_s: 120 });
    const r = await exact.solver.solve(inst, exact.options);
    expect(r.status).toBe('optimal');
    const optimum = evaluate(inst, r.plan!).cost_usd;
    expect(start).toBeGreaterThan(1.3 * optimum);
    expect(s.cost()).toBeLessThanOrEqual(optimum * (1 + 1e-4));
  });

  it('never returns a dearer or infeasible plan, and changes nothing when it reports no step', async () => {
    for (const [scenario, mode, seed] of [['S2', 'average', 1], ['S3', 'per-route', 2], ['S5', 'average', 3], ['S1', 'per-route', 4]] as const) {
      const inst = instance({ I: 6, J: 6, K: 10 }, scenario, mode, seed);
      const agh = parseSolverSpec('agh');
      const s = stateOf(inst, (await agh.solver.solve(inst, agh.options)).plan!);
      const before = s.cost();
      const plan = JSON.stringify(s.toPlan('x'));
      if (insertionStep(s, searchFor(s), 3000, new Map())) {
        const ev = evaluate(inst, s.toPlan('test'));
        expect(ev.feasible).toBe(true);
        expect(ev.cost_usd).toBeLessThan(before);
      } else {
        expect(JSON.stringify(s.toPlan('x'))).toBe(plan);
      }
    }
  });

  it('is what agh-lns uses by default (insert = false turns it off)', async () => {
    const inst = instance({ I: 6, J: 6, K: 10 }, 'S5', 'per-route', 307);
    // Without polishing on both sides: the polish after it reaches this optimum from either plan.
    const on = await aghLns.solve(inst, { mip_polish: 0, time_budget_s: 60 });
    const off = await aghLns.solve(inst, { insert: false, mip_polish: 0, time_budget_s: 60 });
    expect(on.diagnostics?.insertions).toBeGreaterThan(0);
    expect(off.diagnostics?.insertions).toBe(0);
    expect(evaluate(inst, on.plan!).cost_usd).toBeLessThan(evaluate(inst, off.plan!).cost_usd);
  });
});
