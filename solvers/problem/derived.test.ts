import { describe, expect, it } from 'vitest';
import { derive } from './derived.ts';
import { tinyInstance } from '../../testing/problem-fixtures.ts';

// Expected values are worked out by hand from docs/model.md §2, not read off the code.
describe('derived quantities (docs/model.md §2)', () => {
  const inst = tinyInstance();
  const d = derive(inst);
  const c = d.configIndex({ j: 0, k: 0, n: 1, m: 1 }); // Llama-3.1-8B FP16 on RTX-4090, TP1/PP1

  it('matches the worked example: prefill ≈ 0.40 s, decode ≈ 22.8 ms/token, D ≈ 1.04 s', () => {
    const cfg = d.configs[c];
    // T_pre = 2048 · 2·8.03e9 / (1 · 165e12 · 0.5) = 0.398677 s
    expect(2048 * cfg.prefill_s_per_token).toBeCloseTo(0.398677, 5);
    // t_tok = 8.03·2 / (1 · 1008 · 0.7) = 0.0227608 s (no TP or PP overhead at n = m = 1)
    expect(cfg.decode_s_per_token).toBeCloseTo(0.0227608, 6);
    // D = 0.398677 + 28 · 0.0227608 = 1.035979 s
    expect(d.delay_s[c]).toBeCloseTo(1.035979, 5);
  });

  it('adds the TP all-reduce and PP hop costs to the per-token time', () => {
    const cfg = d.configs[d.configIndex({ j: 0, k: 0, n: 4, m: 2 })];
    // 8.03·2/(4·1008·0.7) + 2·32·8e-6·log2(4) + (2−1)·2e-4 = 0.0056902 + 0.001024 + 0.0002
    expect(cfg.decode_s_per_token).toBeCloseTo(0.0069142, 6);
    // prefill only divides by TP: 2·8.03e9/(4·165e12·0.5) per token
    expect(cfg.prefill_s_per_token).toBeCloseTo(4.86667e-5, 9);
  });

  it('keeps only memory-valid layouts: 70B at FP16 needs ≥ 8 RTX-4090s', () => {
    // weights per GPU 141.2/(n·m) GB must be ≤ 0.9·24 = 21.6 GB → n·m ≥ 6.54 → n·m ∈ {8, 16, 32}
    const layouts = d.pairConfigs[1 * inst.tiers.length + 0].map((x) => d.configs[x].n * d.configs[x].m);
    expect(layouts.sort((a, b) => a - b)).toEqual([8, 8, 8, 16, 16, 32]); // (2,4) (4,2) (8,1) (4,4) (8,2) (8,4)
    expect(d.configIndex({ j: 1, k: 0, n: 4, m: 1 })).toBe(-1);
  });

  it('computes error, work, KV, throughput and free memory as §2 says', () => {
    const cfg = d.configs[c];
    expect(d.errorOf(0, c)).toBeCloseTo(0.1 / 3, 12); // e0/q·π, π = 1 for FP16
    const int8 = d.configIndex({ j: 0, k: 1, n: 1, m: 1 });
    expect(d.errorOf(0, int8)).toBeCloseTo((0.1 / 3) * 1.15, 12);
    expect(d.work_flop[0]).toBeCloseTo(2 * 8.03e9 * 2076, -3); // ω = 2·P·1e9·(h+f)
    expect(d.kv_gb[0]).toBeCloseTo((131072 * 2076) / 1e9, 12); // κ = β·(h+f)/1e9
    expect(cfg.throughput_flop_s).toBeCloseTo(165e12 * 0.35, -3); // Φ = n·m·F·1e12·u_mfu
    expect(cfg.free_kv_gb).toBeCloseTo(0.9 * 24 - 16.06, 9); // n·m·0.9·C − P·b
    expect(cfg.price_usd_per_h).toBeCloseTo(0.35, 12);
    expect(cfg.max_replicas).toBe(64);
    // replicas needed per unit share: (λ/3600)·ω/Φ and (λ/3600)·D·κ/free, λ = 3600/h
    expect(d.load_replicas[c]).toBeCloseTo((2 * 8.03e9 * 2076) / (165e12 * 0.35), 9);
    expect(d.kv_replicas[c]).toBeCloseTo((1.035979 * ((131072 * 2076) / 1e9)) / (0.9 * 24 - 16.06), 4);
  });

  it('is computed once per instance object', () => {
    expect(derive(inst)).toBe(d);
    expect(derive(tinyInstance())).not.toBe(d);
  });

  it('judges per-route SLO feasibility on delay and error', () => {
    expect(d.sloFeasible(0, c)).toBe(true);
    const slow = tinyInstance();
    slow.types[0].delay_slo_s = 1.0; // D ≈ 1.036 s
    expect(derive(slow).sloFeasible(0, c)).toBe(false);
  });
});
