/**
 * The ablation flags with guard semantics (docs/heuristics.md, "Which constraint family each
 * mechanism guards" and "Ablations"): each removes a mechanism together with
 * its guard, and the evaluator names the family the mechanism protected. Hand-built instances show
 * the mechanics; generated base-size instances show that each ablation matters where it should.
 */
import { describe, expect, it } from 'vitest';
import { generateInstance } from '../../generators/instance.ts';
import { tinyInstance } from '../../testing/problem-fixtures.ts';
import { evaluate } from '../problem/evaluator.ts';
import { parsePlan } from '../problem/schema.ts';
import type { Instance } from '../problem/types.ts';
import { DEFAULT_PROFILE_PATH, loadProfileBundle } from '../../traces/profile.ts';
import type { Solver } from '../solver.ts';
import { agh } from './agh.ts';
import { aghLns } from './agh-lns.ts';
import { gh } from './gh.ts';
import { oneModelOneTier } from '../../testing/heuristic-fixtures.ts';

async function run(inst: Instance, flags: Record<string, boolean>, solver: Solver = gh) {
  const plan = (await solver.solve(inst, flags)).plan!;
  return { plan, ev: evaluate(inst, plan) };
}

const magnitude = (ev: ReturnType<typeof evaluate>, family: string) =>
  ev.violations.filter((v) => v.family === family).reduce((a, v) => Math.max(a, v.magnitude), 0);

describe('ablations on hand-built instances', () => {
  it('noM1 places the smallest layout without a delay check: 70B on n2 m4 serves the type and breaks Δ', async () => {
    const inst = tinyInstance();
    inst.system.slo_mode = 'per-route';
    inst.types[0].error_slo = 0.02; // 8B: 0.033 ✗, 70B: ≤ 0.0144 ✓
    const withM1 = await run(inst, {});
    const without = await run(inst, { noM1: true });
    expect(withM1.ev.feasible).toBe(true);
    // M1: 70B/INT8 n4 m1 (1.21 s ≤ Δ 2 s) in one 4-GPU replica.
    expect(withM1.plan.deployments.map((x) => [x.j, x.k, x.n, x.m])).toEqual([[1, 1, 4, 1]]);
    expect(without.plan.unmet).toEqual([0]);
    expect(without.ev.violated_families).toEqual(['delay_slo']);
    expect(magnitude(without.ev, 'delay_slo')).toBeGreaterThan(0);
  });

  it('noM3 opens a second layout beside the active pair instead of raising its TP degree', async () => {
    // T0 (λ 3600, Δ 2 s) is placed first on n1 m1 (1.036 s); T1 needs Δ 0.6 s: M3 raises the pair to n2 (0.532 s).
    const inst = oneModelOneTier([{ rate_per_h: 3600, delay_slo_s: 2 }, { rate_per_h: 1800, delay_slo_s: 0.6 }]);
    const withM3 = await run(inst, {});
    const without = await run(inst, { noM3: true });
    expect(withM3.ev.feasible).toBe(true);
    expect(withM3.plan.deployments.map((x) => [x.n, x.m])).toEqual([[2, 1]]);
    expect(without.plan.deployments.map((x) => [x.n, x.m])).toEqual([[1, 1], [2, 1]]);
    expect(without.plan.unmet).toEqual([0, 0]);
    expect(without.ev.violated_families).toEqual(['layout']);
    expect(magnitude(without.ev, 'layout')).toBe(1); // two layouts where one is allowed
    // Well-formed though infeasible: the plan schema accepts it, and the evaluator scores it.
    expect(() => parsePlan(JSON.parse(JSON.stringify(without.plan)), inst)).not.toThrow();
  });

  it('noM2 ranks by raw replica price and rents the cheap-per-GPU but 4× slower tier, paying more', async () => {
    const inst = oneModelOneTier([{ rate_per_h: 72_000 }]);
    inst.gpus = [
      { name: 'Cheap', memory_gb: 24, bandwidth_gb_s: 1008, price_usd_per_gpu_h: 0.3, pool_gpus: 64 },
      { name: 'Fast', memory_gb: 24, bandwidth_gb_s: 1008, price_usd_per_gpu_h: 0.35, pool_gpus: 64 },
    ];
    inst.tiers = [
      { name: 'Cheap/FP16', gpu: 0, precision: 'FP16', tflops: 165, bytes_per_param: 2, error_factor: 1 },
      { name: 'Fast/FP16', gpu: 1, precision: 'FP16', tflops: 660, bytes_per_param: 2, error_factor: 1 },
    ];
    inst.meta.sizes.K = 2;
    const withM2 = await run(inst, {});
    const without = await run(inst, { noM2: true });
    expect(withM2.plan.deployments.map((x) => x.k)).toEqual([1]);
    expect(without.plan.deployments.map((x) => x.k)).toEqual([0]);
    expect(without.ev.cost_usd).toBeGreaterThan(withM2.ev.cost_usd);
    expect(withM2.ev.unmet_rate + without.ev.unmet_rate).toBe(0);
  });

  it('claims feasibility only where every guard is on: not for noM1 or noM3 runs', () => {
    for (const s of [gh, agh, aghLns]) {
      expect(s.claimsFeasibility({})).toBe(true);
      expect(s.claimsFeasibility({ noM2: true })).toBe(true);
      expect(s.claimsFeasibility({ noM1: true })).toBe(false);
      expect(s.claimsFeasibility({ noM3: true })).toBe(false);
    }
  });
});

describe('ablations on a generated base instance ((6,6,10) S1 per-route seed 1)', () => {
  const profile = loadProfileBundle(DEFAULT_PROFILE_PATH);
  const inst = generateInstance({ sizes: { I: 6, J: 6, K: 10 }, seed: 1, scenario: 'S1', sloMode: 'per-route', profile, profileName: 'default' });

  it.each([['gh', gh], ['agh', agh]] as const)('%s:noM1 breaks a delay SLO, and only that family', async (_, solver) => {
    const { ev } = await run(inst, { noM1: true }, solver);
    expect(ev.violated_families).toEqual(['delay_slo']);
    expect(magnitude(ev, 'delay_slo')).toBeGreaterThan(0);
  });

  it('gh:noM3 breaks the one-layout row, and only that family', async () => {
    const { ev } = await run(inst, { noM3: true });
    expect(ev.violated_families).toEqual(['layout']);
    expect(magnitude(ev, 'layout')).toBeGreaterThanOrEqual(1);
  });

  it('gh:noM2 stays feasible and costs more than gh', async () => {
    const [withM2, without] = [await run(inst, {}), await run(inst, { noM2: true })];
    expect(withM2.ev.feasible && without.ev.feasible).toBe(true);
    expect(without.ev.cost_usd).toBeGreaterThan(withM2.ev.cost_usd);
  });
});
