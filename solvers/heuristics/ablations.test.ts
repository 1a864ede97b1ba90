/**
 * The ablation flags on hand-built instances where each mechanism's effect is known by hand.
 * Finding worth knowing (see upgrade.test.ts): with FORMULATION §2's throughput linear in n·m, M1
 * always picks a pair's top TP degree, so an M3 upgrade can only arise on a layout M1 did not pick
 * — here, the noM1 layout.
 */
import { describe, expect, it } from 'vitest';
import { tinyInstance } from '../problem/fixtures.ts';
import { evaluate } from '../problem/evaluator.ts';
import type { Instance } from '../problem/types.ts';
import { gh } from './gh.ts';
import { oneModelOneTier } from './fixtures.ts';

async function run(inst: Instance, flags: Record<string, boolean>) {
  const plan = (await gh.solve(inst, flags)).plan!;
  return { plan, ev: evaluate(inst, plan) };
}

describe('ablations', () => {
  it('noM1 deploys a too-slow layout: only Llama-70B meets ε, and its smallest layout breaks Δ, so the type goes unmet', async () => {
    const inst = tinyInstance();
    inst.system.slo_mode = 'per-route';
    inst.types[0].error_slo = 0.02; // 8B: 0.033 ✗, 70B: ≤ 0.0144 ✓
    const withM1 = await run(inst, {});
    const without = await run(inst, { noM1: true });
    expect(withM1.ev.feasible && without.ev.feasible).toBe(true);
    expect(withM1.plan.unmet).toEqual([0]);
    expect(withM1.plan.deployments.map((x) => [x.j, x.n, x.m])).toEqual([[1, 8, 1]]);
    expect(without.plan.unmet).toEqual([1]);
    expect(without.ev.cost_usd).toBeGreaterThan(10 * withM1.ev.cost_usd);
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

  it('noM3 skips a deployed pair whose layout is too slow: the tight type goes unmet where M3 raises TP to 2', async () => {
    // T0 (λ 3600, Δ 2 s) is placed first on the noM1 layout n1 m1 (1.036 s); T1 needs Δ 0.6 s: n2 gives 0.532 s.
    const inst = oneModelOneTier([{ rate_per_h: 3600, delay_slo_s: 2 }, { rate_per_h: 1800, delay_slo_s: 0.6 }]);
    const withM3 = await run(inst, { noM1: true });
    const without = await run(inst, { noM1: true, noM3: true });
    expect(withM3.ev.feasible && without.ev.feasible).toBe(true);
    expect(withM3.plan.unmet).toEqual([0, 0]);
    expect(withM3.plan.deployments.map((x) => [x.n, x.m])).toEqual([[2, 1]]);
    expect(without.plan.unmet).toEqual([0, 1]);
    expect(without.ev.cost_usd).toBeGreaterThan(withM3.ev.cost_usd);
  });
});
