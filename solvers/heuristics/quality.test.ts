/**
 * AGH against the proven optimum (HiGHS through the registry) on pinned base-size instances.
 * See quality.ts for the whole table (AGH within 5% on all 50 base instances). Per-route seeds 1 and 4
 * were 2,019% and 342% above the optimum before ruin-and-recreate (a type left unmet); the heavier
 * pins (average mode, more seeds) run with LLM_ALLOC_FULL=1.
 */
import { describe, expect, it } from 'vitest';
import { generateInstance } from '../../generators/instance.ts';
import { evaluate } from '../problem/evaluator.ts';
import type { ScenarioId, SloMode } from '../problem/types.ts';
import { listSolvers, parseSolverSpec } from '../registry.ts';
import { DEFAULT_PROFILE_PATH, loadProfileBundle } from '../../traces/profile.ts';

const hasHighs = listSolvers().some((s) => s.name === 'highs');
const full = process.env.LLM_ALLOC_FULL === '1';
const PINS: [ScenarioId, SloMode, number][] = [
  ['S1', 'per-route', 1],
  ['S1', 'per-route', 2],
  ['S1', 'per-route', 4],
  // 11.7% above the optimum before ruin-and-recreate's targeted insertion of unmet demand.
  ['S5', 'per-route', 4],
  // 43.2% and 12.0% above the optimum before the re-deploy move (redeploy.ts).
  ['S3', 'per-route', 2],
  ['S3', 'per-route', 4],
  // 832% above the optimum before the re-deploy move tried a finer layout with one replica more
  // than the GPUs it replaces (8B on 3 × 1 GPU instead of 1 × 2 GPUs plus another tier's GPU).
  ['S4', 'per-route', 1],
  // 10.6% above the optimum before the deployment starts (redeploy.ts, deploymentStarts).
  ['S5', 'per-route', 1],
  ...(full
    ? ([
      ['S1', 'per-route', 3], ['S1', 'per-route', 5], ['S4', 'per-route', 2], ['S4', 'per-route', 5],
      ['S1', 'average', 2], ['S1', 'average', 5], ['S4', 'average', 2],
      // 1,976% and 979% above the optimum before the deployment starts (a type left unmet).
      ['S5', 'average', 1], ['S3', 'average', 4],
    ] as [ScenarioId, SloMode, number][])
    : []),
];

describe.runIf(hasHighs)('AGH within 5% of the optimum on pinned instances', () => {
  const profile = loadProfileBundle(DEFAULT_PROFILE_PATH);
  it.each(PINS)('%s %s seed %i', async (scenario, sloMode, seed) => {
    const inst = generateInstance({ sizes: { I: 6, J: 6, K: 10 }, seed, scenario, sloMode, profile, profileName: 'default' });
    const exact = parseSolverSpec('highs', { time_limit_s: 100 });
    const r = await exact.solver.solve(inst, exact.options);
    expect(r.status).toBe('optimal');
    const optimum = evaluate(inst, r.plan!).cost_usd;
    const heuristic = parseSolverSpec('agh', { time_budget_s: 60 });
    const a = await heuristic.solver.solve(inst, heuristic.options);
    expect(evaluate(inst, a.plan!).cost_usd).toBeLessThanOrEqual(1.05 * optimum);
  });
});
