import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { simplex } from '../../problem/routing-lp.ts';
import { typeLpValue } from './type-lp.ts';

/** The same LP through the general tableau simplex, capacities below 1 as rows. */
function reference(cost: Float64Array, delay: Float64Array, error: Float64Array, cap: Float64Array, n: number, unmet: number): number {
  const m = n + 1;
  const c = new Float64Array(m);
  const a = new Float64Array(m);
  const e = new Float64Array(m);
  const ineq = [{ a, b: 0 }, { a: e, b: 0 }];
  for (let v = 0; v < n; v++) {
    c[v] = cost[v];
    a[v] = delay[v];
    e[v] = error[v];
    if (cap[v] < 1) {
      const row = new Float64Array(m);
      row[v] = 1;
      ineq.push({ a: row, b: cap[v] });
    }
  }
  c[n] = unmet;
  return simplex(c, [new Float64Array(m).fill(1)], ineq, () => n).value;
}

describe('typeLpValue', () => {
  it('all demand unmet without routes, and a lone cheap route that meets the SLOs takes all it can', () => {
    const none = new Float64Array(0);
    expect(typeLpValue(none, none, none, none, 0, 7)).toBe(7);
    const one = (x: number) => Float64Array.of(x);
    expect(typeLpValue(one(2), one(-1), one(-1), one(0.25), 1, 10)).toBeCloseTo(0.25 * 2 + 0.75 * 10, 12);
    // A route too slow on its own carries nothing: the delay mean must stay ≤ 0.
    expect(typeLpValue(one(2), one(0.5), one(-1), one(1), 1, 10)).toBeCloseTo(10, 12);
  });

  it('mixes a slow cheap route with a fast dear one to meet the delay mean', () => {
    // x0 (cheap, +1 s) and x1 (dear, −1 s): the optimum is x0 = x1 = 0.5, cost 0.5·1 + 0.5·3.
    const v = typeLpValue(Float64Array.of(1, 3), Float64Array.of(1, -1), Float64Array.of(0, 0), Float64Array.of(1, 1), 2, 100);
    expect(v).toBeCloseTo(2, 12);
  });

  it('equals the general simplex on 3,000 random LPs, degenerate ones included', () => {
    const rng = seedrandom('type-lp');
    for (let k = 0; k < 3000; k++) {
      const n = Math.floor(rng() * 12);
      const cost = new Float64Array(n);
      const delay = new Float64Array(n);
      const error = new Float64Array(n);
      const cap = new Float64Array(n);
      for (let v = 0; v < n; v++) {
        cost[v] = rng() < 0.2 ? 1 : rng() * 20;
        // Zero, negative and positive excesses, with repeats, so that ties and degenerate pivots occur.
        delay[v] = rng() < 0.2 ? 0 : rng() < 0.5 ? -rng() : rng() < 0.5 ? 0.5 : rng();
        error[v] = rng() < 0.3 ? 0 : rng() - 0.5;
        cap[v] = rng() < 0.3 ? 1 + rng() : rng() < 0.1 ? 0 : rng();
      }
      const unmet = 1 + rng() * 30;
      const want = reference(cost, delay, error, cap, n, unmet);
      expect(typeLpValue(cost, delay, error, cap, n, unmet)).toBeCloseTo(want, 9);
    }
  });
});
