import { describe, expect, it } from 'vitest';
import { split2 } from './pairmix.ts';

describe('paired mix: the 2×2 split', () => {
  it('serves a type on two routes neither of which is admissible alone', () => {
    // A: fast (d −0.5) but 10% above ε (e +0.1); B: accurate (e −0.5) but 50% over Δ (d +0.5).
    // Max a + b = 1 with −0.5a + 0.5b ≤ 0 and 0.1a − 0.5b ≤ 0: b ∈ [1/6, 1/2] — any split there serves all.
    const ab = split2(1, 1, 1, -0.5, 0.5, 0, 0.1, -0.5, 0)!;
    expect(ab[0] + ab[1]).toBeCloseTo(1, 12);
    expect(-0.5 * ab[0] + 0.5 * ab[1]).toBeLessThanOrEqual(1e-12);
    expect(0.1 * ab[0] - 0.5 * ab[1]).toBeLessThanOrEqual(1e-12);
  });

  it('is limited by the capacity of the route that banks the slack', () => {
    // B can take only 0.1; error row 0.1a − 0.5b ≤ 0 then allows a ≤ 0.5.
    const ab = split2(1, 1, 0.1, -0.5, 0.5, 0, 0.1, -0.5, 0)!;
    expect(ab[1]).toBeCloseTo(0.1, 12);
    expect(ab[0]).toBeCloseTo(0.5, 12);
  });

  it('returns nothing useful when both routes break the same row', () => {
    const ab = split2(1, 1, 1, -0.5, -0.5, 0, 0.1, 0.2, 0)!;
    expect(ab[0] + ab[1]).toBeCloseTo(0, 12);
  });
});
