import { describe, expect, it } from 'vitest';
import { tinyInstance } from '../../../testing/problem-fixtures.ts';
import { candidateTable } from './candidates.ts';
import { assess, NO_RELIEF } from './coverage.ts';
import { newTarget, targetFor, ALL_MECHANISMS } from './construct.ts';
import { oneModelOneTier } from '../../../testing/heuristic-fixtures.ts';
import { PlanState } from './state.ts';
import { Target } from './target.ts';

describe('coverage and marginal cost (M2 inputs)', () => {
  it('prices a new deployment with replicas rounded up, delay penalty, token and model storage', () => {
    const inst = oneModelOneTier([{ rate_per_h: 3600 * 3 }]); // 3 × 0.577 = 1.73 replicas on n1 m1 → 2
    const s = new PlanState(inst);
    const d = s.pre.d;
    const c = d.configIndex({ j: 0, k: 0, n: 1, m: 1 });
    const tg = new Target();
    newTarget(s, 0, c, tg);
    const a = { t: 0, cost: 0 };
    expect(assess(s, 0, tg, 1, false, NO_RELIEF, a)).toBe(true);
    expect(a.t).toBe(1);
    expect(a.cost).toBeCloseTo(2 * 0.35 + d.delay_penalty_usd_per_h[c] + d.token_storage_usd_per_h[0] + d.model_storage_usd_per_h[0], 12);
  });

  it('counts spare capacity on rented replicas as free: only delay penalty and token storage', () => {
    const inst = oneModelOneTier([{ rate_per_h: 3600 }, { rate_per_h: 360 }]);
    const s = new PlanState(inst);
    const d = s.pre.d;
    const c = d.configIndex({ j: 0, k: 0, n: 1, m: 1 });
    s.addShare(0, 0, c, 1); // 0.577 of one replica
    const tg = new Target();
    expect(targetFor(s, candidateTable(s.pre, true), 1, 0, ALL_MECHANISMS, tg)).toBe(true);
    const a = { t: 0, cost: 0 };
    expect(assess(s, 1, tg, 1, true, NO_RELIEF, a)).toBe(true);
    expect(a.t).toBe(1); // 0.0577 fits in the spare 0.423
    expect(a.cost).toBeCloseTo(d.delay_penalty_usd_per_h[1 * d.configs.length + c] + d.token_storage_usd_per_h[1], 12);
  });

  it('limits a route worse than ε to the share that the slack banked by better routes pays for (average mode)', () => {
    const inst = tinyInstance(); // 8B INT8: e = 0.1/3·1.15 = 0.0383; 70B INT8: 0.0144; ε set to 0.02
    inst.types[0].error_slo = 0.02;
    inst.system.budget_usd = 1e6;
    const s = new PlanState(inst);
    const d = s.pre.d;
    const big = d.configIndex({ j: 1, k: 1, n: 8, m: 1 });
    s.addShare(0, 3, big, 0.5); // banks 0.5·(0.0144/0.02 − 1)
    const tg = new Target();
    newTarget(s, 1, d.configIndex({ j: 0, k: 1, n: 8, m: 1 }), tg);
    const a = { t: 0, cost: 0 };
    expect(assess(s, 0, tg, 0.5, false, NO_RELIEF, a)).toBe(true);
    const eBig = (0.1 / 8) * 1.15;
    const eSmall = (0.1 / 3) * 1.15;
    expect(a.t).toBeCloseTo((0.5 * (0.02 - eBig)) / (eSmall - 0.02), 9); // 0.154 < 0.5
  });

  it('takes nothing when the budget cannot pay for a replica', () => {
    const inst = oneModelOneTier([{}]);
    inst.system.budget_usd = 24 * 0.3; // less than one GPU-hour per hour
    const s = new PlanState(inst);
    const tg = new Target();
    newTarget(s, 0, s.pre.d.configIndex({ j: 0, k: 0, n: 1, m: 1 }), tg);
    expect(assess(s, 0, tg, 1, false, NO_RELIEF, { t: 0, cost: 0 })).toBe(false);
  });
});
