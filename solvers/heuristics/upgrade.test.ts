import { describe, expect, it } from 'vitest';
import { candidateTable } from './candidates.ts';
import { oneModelOneTier } from './fixtures.ts';
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

  it('is what M1 never needs: M1 already picks the top TP degree (load-bound ties go to the lowest delay)', () => {
    expect(d.configs[candidateTable(s.pre, false)[1 * s.P + 0]].n).toBe(8);
  });
});
