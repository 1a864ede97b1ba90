import { describe, expect, it } from 'vitest';
import { generateInstance } from './instance.ts';
import { summarizeInstance } from './summary.ts';
import { handCheapest, handRoutes, syntheticProfile } from '../testing/generator-helpers.ts';
import type { ScenarioId } from '../solvers/problem/types.ts';

const gen = (scenario: ScenarioId, sizes = { I: 6, J: 6, K: 10 }) =>
  generateInstance({ sizes, seed: 4, scenario, sloMode: 'per-route', profile: syntheticProfile(), profileName: 'synthetic' });

describe('summarizeInstance', () => {
  it('reports the instance identity, budget and reference cost', () => {
    const inst = gen('S3');
    const s = summarizeInstance(inst);
    expect(s).toMatchObject({
      id: 'I6-J6-K10-seed4-S3-per-route', sizes: { I: 6, J: 6, K: 10 }, scenario: 'S3', slo_mode: 'per-route',
      demand_scale: 3, profile: 'synthetic', horizon_h: 24, budget_factor: 0.72,
      budget_usd: inst.system.budget_usd, reference_cost_usd_per_h: inst.meta.reference_cost_usd_per_h,
    });
    expect(s.reference_cost_usd_per_horizon).toBeCloseTo(24 * inst.meta.reference_cost_usd_per_h, 9);
    expect(s.total_rate_per_h).toBeCloseTo(inst.types.reduce((a, t) => a + t.rate_per_h, 0), 6);
  });

  it('counts memory-valid configurations and feasible routes as the formulas say', () => {
    const inst = gen('S1');
    const hand = handRoutes(inst);
    const s = summarizeInstance(inst);
    expect(s.memory_valid_configs).toBe(hand.length / inst.types.length);
    expect(s.slo_feasible_routes).toBe(hand.filter((r) => r.feasible).length);
    s.types.forEach((t, i) => expect(t.feasible_routes).toBe(hand.filter((r) => r.i === i && r.feasible).length));
  });

  it('names the own-replica route of each type with its whole replicas and rental', () => {
    const inst = gen('S1', { I: 8, J: 7, K: 12 });
    const cheapest = handCheapest(inst, 'own_rental');
    const s = summarizeInstance(inst);
    expect(cheapest.some((r) => r !== null)).toBe(true);
    s.types.forEach((t, i) => {
      const r = cheapest[i];
      if (r === null) return expect(t.own_route).toBeNull();
      expect(t.own_route).toEqual({
        model: inst.models[r.j].name, tier: inst.tiers[r.k].name, n: r.n, m: r.m,
        replicas: expect.any(Number), rental_usd_per_h: expect.closeTo(r.own_rental, 9),
      });
      expect(t.own_route!.rental_usd_per_h).toBeCloseTo(t.own_route!.replicas * inst.gpus[inst.tiers[r.k].gpu].price_usd_per_gpu_h * r.n * r.m, 9);
    });
  });

  it('judges unservable types by the instance\'s own SLOs: S2 tightens them', () => {
    const s1 = summarizeInstance(gen('S1'));
    const s2 = summarizeInstance(gen('S2'));
    expect(s2.slo_feasible_routes).toBeLessThan(s1.slo_feasible_routes);
    expect(s2.unservable_types).toEqual(s2.types.filter((t) => t.feasible_routes === 0).map((t) => t.name));
    for (const name of s1.unservable_types) expect(s2.unservable_types).toContain(name);
  });

  it('lists each GPU model with its pool and number of tiers', () => {
    const s = summarizeInstance(gen('S1', { I: 1, J: 1, K: 30 }));
    expect(s.gpus.map((g) => [g.name, g.pool_gpus, g.tiers])).toEqual([
      ['RTX-A6000', 48, 6], ['RTX-4090', 64, 6], ['A100-40GB', 32, 2], ['H100-80GB', 16, 2], ['L4', 32, 2], ['L40S', 32, 2],
      ['A100-80GB', 32, 2], ['H200', 32, 2], ['T4', 32, 3], ['A10', 32, 2], ['V100-32GB', 32, 1],
    ]);
  });
});
