import { describe, expect, it } from 'vitest';
import { evaluate } from '../solvers/problem/evaluator.ts';
import type { ScenarioId, SloMode } from '../solvers/problem/types.ts';
import { backendOptions, type Backend } from '../solvers/exact/backend.ts';
import { bruteForce } from './brute-force.ts';
import { decodePlan } from '../solvers/exact/decode.ts';
import { solveWithGlpk } from '../solvers/exact/glpk.ts';
import { solveWithHighs } from '../solvers/exact/highs.ts';
import { buildModel } from '../solvers/exact/model.ts';
import { tinyInstance } from './exact-instances.ts';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));

// 24 tiny instances: both SLO modes, every scenario, glpk and highs against the enumeration.
const SCENARIOS: ScenarioId[] = ['S1', 'S2', 'S3', 'S4', 'S5'];
const cases = Array.from({ length: 12 }, (_, n) => n + 1).flatMap((seed) =>
  (['average', 'per-route'] as SloMode[]).map((mode) => ({ seed, mode, scenario: SCENARIOS[seed % 5] })),
);
const BACKENDS: [string, Backend][] = [['glpk', solveWithGlpk], ['highs', solveWithHighs]];

describe('glpk and highs reach the brute-force optimum on tiny instances', () => {
  let served = 0;
  it.each(cases)('seed $seed, $mode, $scenario', async ({ seed, mode, scenario }) => {
    const inst = tinyInstance(seed, mode, scenario);
    const truth = bruteForce(inst);
    const truthEval = evaluate(inst, truth.plan);
    expect(truthEval.feasible).toBe(true);
    expect(rel(truthEval.cost_usd, truth.cost_usd)).toBeLessThan(1e-9);
    if (truthEval.types.some((t) => t.served_share > 0)) served++;

    const model = buildModel(inst);
    for (const [name, backend] of BACKENDS) {
      const r = await backend(model, backendOptions(60, 0));
      expect(r.status, name).toBe('optimal');
      const ev = evaluate(inst, decodePlan(inst, model, r.values!, name));
      expect(ev.feasible, `${name}: ${ev.violated_families}`).toBe(true);
      expect(rel(ev.cost_usd, truth.cost_usd), name).toBeLessThan(1e-6);
      expect(rel(r.objective!, ev.cost_usd), name).toBeLessThan(1e-6);
    }
  });

  it('most of those instances serve demand (the comparison is not about all-unmet plans)', () => {
    expect(served).toBeGreaterThanOrEqual(cases.length * 0.6);
  });
});
