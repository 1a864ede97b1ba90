import { describe, expect, it } from 'vitest';
import { chargedTimes, shiftedGeometricMean } from './sgm.ts';

describe('shifted geometric mean', () => {
  it('is exp(mean(ln(t + s))) − s, computed by hand', () => {
    // (2 + 10)(8 + 10) = 216; √216 − 10
    expect(shiftedGeometricMean([2, 8], 10)).toBeCloseTo(Math.sqrt(216) - 10, 12);
    // ∛(1.5 · 2 · 5) − 1 = ∛15 − 1
    expect(shiftedGeometricMean([0.5, 1, 4], 1)).toBeCloseTo(Math.cbrt(15) - 1, 12);
    expect(shiftedGeometricMean([7, 7, 7], 10)).toBeCloseTo(7, 12);
    expect(shiftedGeometricMean([], 10)).toBeNull();
  });

  it('charges a failure its time limit, or the longest observed time when it has none', () => {
    expect(chargedTimes([
      { time_s: 3, failed: false, time_limit_s: 60 },
      { time_s: 0.2, failed: true, time_limit_s: 60 },
      { time_s: null, failed: true, time_limit_s: 60 },
    ])).toEqual([3, 60, 60]);
    expect(chargedTimes([
      { time_s: 0.5, failed: false, time_limit_s: null },
      { time_s: 2, failed: false, time_limit_s: null },
      { time_s: null, failed: true, time_limit_s: null },
    ])).toEqual([0.5, 2, 2]);
    expect(chargedTimes([{ time_s: null, failed: true, time_limit_s: null }])).toBeNull();
  });
});
