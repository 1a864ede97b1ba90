import { describe, expect, it } from 'vitest';
import type { ScenarioId, SloMode } from '../problem/types.ts';
import { backendOptions } from './backend.ts';
import { lpRelaxationBound, perTypeBound } from './bound.ts';
import { bruteForce } from '../../testing/brute-force.ts';
import { solveWithHighs } from './highs.ts';
import { buildModel } from './model.ts';
import { testInstance, tinyInstance } from '../../testing/exact-instances.ts';

const tick = () => new Promise((r) => setImmediate(r));
const SCENARIOS: ScenarioId[] = ['S1', 'S2', 'S3', 'S4', 'S5'];
const tiny = Array.from({ length: 12 }, (_, n) => n + 1).flatMap((seed) =>
  (['average', 'per-route'] as SloMode[]).map((mode) => ({ seed, mode, scenario: SCENARIOS[seed % 5] })),
);

describe('lower bounds', () => {
  it('per-type ≤ LP relaxation ≤ the brute-force optimum on the tiny corpus, and the LP bound is not trivial', async () => {
    let positive = 0;
    for (const { seed, mode, scenario } of tiny) {
      const inst = tinyInstance(seed, mode, scenario);
      const optimum = bruteForce(inst).cost_usd;
      await tick();
      const perType = perTypeBound(inst);
      const lp = (await lpRelaxationBound(inst, 60))!;
      const at = `seed ${seed} ${mode}`;
      expect(perType, at).toBeLessThanOrEqual(lp + 1e-6 * Math.max(1, lp));
      expect(lp, at).toBeLessThanOrEqual(optimum + 1e-6 * Math.max(1, optimum));
      // Tiny pools and budgets force unmet demand, which the per-type relaxation ignores: it is
      // weak here (a few % of the optimum) but must stay positive; the LP relaxation keeps them.
      expect(perType, at).toBeGreaterThan(0);
      if (lp > 0.5 * optimum) positive++;
      await tick();
    }
    expect(positive).toBeGreaterThanOrEqual(tiny.length / 2);
  });

  it.each([
    [2, 'per-route', 'S2'],
    [3, 'per-route', 'S3'],
    [1, 'average', 'S1'],
  ] as const)('(6,6,10) seed %i %s: per-type ≤ LP relaxation ≤ the HiGHS optimum', async (seed, mode, scenario) => {
    const inst = testInstance({ I: 6, J: 6, K: 10 }, seed, mode, scenario);
    const perType = perTypeBound(inst);
    const lp = (await lpRelaxationBound(inst, 60))!;
    await tick();
    const exact = await solveWithHighs(buildModel(inst), backendOptions(60, 0));
    expect(exact.status).toBe('optimal');
    expect(perType).toBeGreaterThan(0);
    expect(perType).toBeLessThanOrEqual(lp + 1e-6 * lp);
    expect(lp).toBeLessThanOrEqual(exact.objective! + 1e-6 * exact.objective!);
  });
});
