import { describe, expect, it } from 'vitest';
import { tinyInstance } from '../problem/fixtures.ts';
import { candidateTable, prepare } from './candidates.ts';

const key = (inst: ReturnType<typeof tinyInstance>, c: number) => {
  const { n, m } = prepare(inst).d.configs[c];
  return `n${n} m${m}`;
};

describe('M1 candidate table', () => {
  const inst = tinyInstance(); // pairs: 0 = 8B/FP16, 1 = 8B/INT8, 2 = 70B/FP16, 3 = 70B/INT8
  const pre = prepare(inst);

  it('takes the cheapest layout per unit of capacity, load-bound ties going to the lowest delay (TP 8, PP 1)', () => {
    // Load-bound: price and throughput both scale with n·m, so every 8B layout ties on capacity price.
    expect(key(inst, candidateTable(pre, false)[0])).toBe('n8 m1');
  });

  it('admits only layouts that meet Δ on their own: 70B/FP16 fits on 8 GPUs as n2 m4, but only n8 is fast enough', () => {
    // n2 m4: prefill 2048·141.2e9/(2·165e12·0.5) = 1.75 s alone exceeds Δ = 2 s with decode; n8 m1 takes 1.25 s.
    expect(key(inst, candidateTable(pre, false)[2])).toBe('n8 m1');
  });

  it('noM1 takes the smallest memory-valid layout whatever its delay', () => {
    const table = candidateTable(pre, true);
    expect(key(inst, table[0])).toBe('n1 m1');
    expect(key(inst, table[2])).toBe('n2 m4'); // 141 GB of weights need 8 GPUs; fewest TP among them
  });

  it('drops pairs whose error breaks ε in per-route mode (error does not depend on the layout)', () => {
    const strict = tinyInstance();
    strict.system.slo_mode = 'per-route';
    strict.types[0].error_slo = 0.02; // 8B: 0.1/3 = 0.033 > 0.02; 70B: 0.1/8 = 0.0125
    const table = candidateTable(prepare(strict), false);
    expect([table[0], table[1]]).toEqual([-1, -1]);
    expect(table[2]).toBeGreaterThanOrEqual(0);
  });
});
