import { describe, expect, it } from 'vitest';
import { simplex } from './routing-lp.ts';

describe('simplex', () => {
  it('solves a small LP with an equality row and a degenerate row', () => {
    // min -x - 2y + 5u  s.t.  x + y + u = 1,  x + 3y <= 2,  y - x <= 0  →  x = y = 0.5, u = 0
    const { value, z } = simplex(Float64Array.of(-1, -2, 5), [Float64Array.of(1, 1, 1)], [
      { a: Float64Array.of(1, 3, 0), b: 2 },
      { a: Float64Array.of(-1, 1, 0), b: 0 },
    ], () => 2);
    expect(value).toBeCloseTo(-1.5, 12);
    expect(Array.from(z)).toEqual([0.5, 0.5, 0].map((v) => expect.closeTo(v, 12)));
  });
});
