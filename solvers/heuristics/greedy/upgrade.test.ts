import { describe, expect, it } from 'vitest';
import { evaluate } from '../../problem/evaluator.ts';
import { candidateTable } from './candidates.ts';
import { gh } from '../gh.ts';
import { oneModelOneTier } from '../../../testing/heuristic-fixtures.ts';
import { PlanState } from './state.ts';
import { Target, UPGRADE } from './target.ts';
import { layoutChange, upgradeLayout, upgradeTarget } from './upgrade.ts';

describe('M3 upgrade', () => {
  const inst = oneModelOneTier([{ rate_per_h: 3600, delay_slo_s: 2 }, { rate_per_h: 1800, delay_slo_s: 0.6 }]);
  const s = new PlanState(inst);
  const d = s.pre.d;
  const n1 = d.configIndex({ j: 0, k: 0, n: 1, m: 1 });
  const n2 = d.configIndex({ j: 0, k: 0, n: 2, m: 1 });
  s.addShare(0, 0, n1, 1);

  it('raises TP to the smallest degree that meets the new type’s delay, same PP depth', () => {
    expect(upgradeLayout(s.pre, 1, 0, n1)).toBe(n2);
    expect(upgradeLayout(s.pre, 0, 0, n2)).toBe(d.configIndex({ j: 0, k: 0, n: 4, m: 1 })); // only upward
  });

  it('re-prices every replica of the pair and the delay of the types on it', () => {
    const tg = new Target();
    expect(upgradeTarget(s, 1, 0, tg)).toBe(true);
    expect(tg.kind).toBe(UPGRADE);
    // T0's 0.577 replicas of n1 become 0.289 of n2: still one replica, now of two GPUs.
    expect([tg.baseR, tg.extraGpus]).toEqual([1, 1]);
    expect(tg.extraBudget).toBeCloseTo(0.35, 12);
    expect(tg.extraPenalty).toBeCloseTo(d.delay_penalty_usd_per_h[n2] - d.delay_penalty_usd_per_h[n1], 12);
    expect(tg.extraPenalty).toBeLessThan(0);
  });

  it('refuses a layout on which a type already on the pair would break its delay SLO (per-route)', () => {
    const t = new PlanState(inst);
    t.addShare(1, 0, n2, 1); // T1 (Δ 0.6) on n2
    expect(layoutChange(t, 0, n1, new Target())).toBe(false); // n1: 1.036 s
  });

  it('fires in GH where a shared pair needs a faster layout: M1 puts T0 on n1, T1 (Δ 0.6 s) raises the pair to n2', async () => {
    expect(d.configs[candidateTable(s.pre, false)[0 * s.P + 0]].n).toBe(1);
    expect(d.configs[candidateTable(s.pre, false)[1 * s.P + 0]].n).toBe(2);
    const r = await gh.solve(inst, {});
    const plan = r.plan!;
    expect(plan.deployments.map((x) => [x.n, x.m, x.replicas])).toEqual([[2, 1, 1]]);
    expect(plan.unmet).toEqual([0, 0]);
    expect(evaluate(inst, plan).feasible).toBe(true);
  });
});
