import { describe, expect, it } from 'vitest';
import { tinyInstance } from '../../../testing/problem-fixtures.ts';
import { candidateTable, prepare } from './candidates.ts';

const key = (inst: ReturnType<typeof tinyInstance>, c: number) => {
  const { n, m } = prepare(inst).d.configs[c];
  return `n${n} m${m}`;
};

describe('M1 candidate table', () => {
  const inst = tinyInstance(); // pairs: 0 = 8B/FP16, 1 = 8B/INT8, 2 = 70B/FP16, 3 = 70B/INT8
  const pre = prepare(inst);

  it('carries the whole demand most cheaply in whole replicas: one 1-GPU replica (0.577 needed), not TP 8', () => {
    // Every 8B/FP16 layout needs one replica at λ = 3600/h; n1 m1 rents 1 GPU ($0.35), n8 m1 8 ($2.80).
    expect(key(inst, candidateTable(pre, false)[0])).toBe('n1 m1');
  });

  it('breaks ties in whole-replica cost to fewer GPUs: at λ = 36,000/h n1 m1, n2 m1 and n1 m2 all cost $2.10', () => {
    // 8B/FP16 load 5.77 replicas of n1 (6 × $0.35) or 2.89 of a 2-GPU layout (3 × $0.70); n4 2 × $1.40, n8 1 × $2.80.
    const busy = tinyInstance();
    busy.types[0].rate_per_h = 36000;
    expect(key(busy, candidateTable(prepare(busy), false)[0])).toBe('n1 m1');
  });

  it('raises TP only as far as the delay SLO needs: Δ = 0.6 s takes n2 m1 (0.532 s; n1 takes 1.036 s)', () => {
    const tight = tinyInstance();
    tight.types[0].delay_slo_s = 0.6;
    expect(key(tight, candidateTable(prepare(tight), false)[0])).toBe('n2 m1');
  });

  it('keeps the capacity-priced table (agh-lns only) on its own rule: load-bound ties go to fewer GPUs', () => {
    expect(key(inst, candidateTable(pre, false, true)[0])).toBe('n1 m1');
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
