import { describe, expect, it } from 'vitest';
import { InputError } from '../lib/errors.ts';
import { parseInstance } from '../solvers/problem/schema.ts';
import type { Instance, ScenarioId } from '../solvers/problem/types.ts';
import { generateInstance, type GenerateOptions } from './instance.ts';
import { handReferenceCost, syntheticProfile } from '../testing/generator-helpers.ts';

const profile = syntheticProfile();
const gen = (I: number, J: number, K: number, over: Partial<GenerateOptions> = {}): Instance =>
  generateInstance({ sizes: { I, J, K }, seed: 7, scenario: 'S1', sloMode: 'average', profile, profileName: 'synthetic', ...over });
const sig6 = (x: number) => Number(x.toPrecision(6));
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300);

describe('generateInstance', () => {
  it('is a pure function: the same inputs give byte-identical JSON, another seed differs', () => {
    expect(JSON.stringify(gen(8, 8, 12))).toBe(JSON.stringify(gen(8, 8, 12)));
    expect(JSON.stringify(gen(8, 8, 12, { seed: 8 }))).not.toBe(JSON.stringify(gen(8, 8, 12)));
  });

  it.each([
    [1, 1, 1, 1],
    [6, 6, 10, 4],
    [12, 12, 12, 5],
    [50, 50, 50, 11],
  ])('(%i,%i,%i) passes the schema with the right counts and %i GPU models', (I, J, K, G) => {
    const inst = parseInstance(JSON.parse(JSON.stringify(gen(I, J, K))));
    expect([inst.types.length, inst.models.length, inst.tiers.length, inst.gpus.length]).toEqual([I, J, K, G]);
    expect(inst.meta.id).toBe(`I${I}-J${J}-K${K}-seed7-S1-average`);
    expect(inst.meta.generator).toBe('llm-alloc-bench generator v1');
    expect(inst.meta.profile).toBe('synthetic');
  });

  it('records the §2 constants, parallelism and §6 system defaults', () => {
    const inst = gen(6, 6, 10);
    expect(inst.constants).toEqual({ eta_pre: 0.5, eta_bw: 0.7, tp_allreduce_s: 8e-6, pp_hop_s: 2e-4, u_mfu: 0.35, r_mem: 0.1, tau_ret_h: 1 });
    expect(inst.parallelism).toEqual({ tp_degrees: [1, 2, 4, 8], pp_depths: [1, 2, 4] });
    expect(inst.system.horizon_h).toBe(24);
    expect(inst.system.storage_capacity_gb).toBe(1000);
    expect(inst.system.storage_price_usd_per_gb_h).toBeGreaterThanOrEqual(0.001);
    expect(inst.system.storage_price_usd_per_gb_h).toBeLessThanOrEqual(0.005);
  });

  it('puts the six named types, six models and ten base tiers first, in the spec order', () => {
    const inst = gen(6, 6, 10);
    expect(inst.types.map((t) => t.name)).toEqual(['Summarization', 'Code_Gen', 'Translation', 'Math_Solving', 'Image_Gen', 'Video_Gen']);
    expect(inst.models.map((m) => [m.name, m.params_b, m.layers, m.kv_bytes_per_token / 1024, m.capability])).toEqual([
      ['Llama-3.2-1B', 1.24, 16, 32, 0.5],
      ['Llama-3.2-3B', 3.21, 28, 112, 1.5],
      ['Llama-3.1-8B', 8.03, 32, 128, 3],
      ['Llama-3.2-11B-Vision', 10.6, 40, 160, 2.5],
      ['Llama-31B', 31, 60, 240, 5],
      ['Llama-3.1-70B', 70.6, 80, 320, 8],
    ]);
    expect(inst.tiers.map((t) => t.name)).toEqual([
      'RTX-A6000/FP16', 'RTX-A6000/INT8', 'RTX-A6000/INT4', 'RTX-4090/FP16', 'RTX-4090/INT8', 'RTX-4090/INT4',
      'A100-40GB/FP16', 'A100-40GB/INT8', 'H100-80GB/FP16', 'H100-80GB/INT8',
    ]);
    expect(inst.gpus.map((g) => [g.name, g.memory_gb, g.bandwidth_gb_s, g.pool_gpus])).toEqual([
      ['RTX-A6000', 48, 768, 48], ['RTX-4090', 24, 1008, 64], ['A100-40GB', 40, 1555, 32], ['H100-80GB', 80, 3350, 16],
    ]);
    // Precision facts: INT4 computes at the FP16 rate, INT8 at the INT8 rate.
    expect(inst.tiers.slice(0, 3).map((t) => [t.tflops, t.bytes_per_param, t.error_factor])).toEqual([[155, 2, 1], [310, 1, 1.15], [155, 0.5, 1.35]]);
  });

  it('jitters each GPU price once within ×[0.8, 1.2] of its base price', () => {
    const base = { 'RTX-A6000': 0.65, 'RTX-4090': 0.35, 'A100-40GB': 1.2, 'H100-80GB': 2.5 } as Record<string, number>;
    for (const g of gen(6, 6, 10).gpus) {
      expect(g.price_usd_per_gpu_h / base[g.name]).toBeGreaterThanOrEqual(0.8);
      expect(g.price_usd_per_gpu_h / base[g.name]).toBeLessThanOrEqual(1.2);
    }
  });

  it('calibrates the named types from the profile (§6)', () => {
    const [summ, code, transl, math, image, video] = gen(6, 6, 10).types;
    const textRate = (1000 + 2000) * 3;
    expect([summ.input_tokens, summ.output_tokens, summ.rate_per_h]).toEqual([2600, 71, 0.25 * 2000 * 3]);
    expect([code.input_tokens, code.output_tokens, code.rate_per_h]).toEqual([2000, 31, 1000 * 3]);
    expect([transl.input_tokens, transl.output_tokens, transl.rate_per_h]).toEqual([800, 250, 0.6 * 2000 * 3]);
    expect([math.input_tokens, math.output_tokens, math.rate_per_h]).toEqual([300, 260, 0.15 * 2000 * 3]);
    expect([image.input_tokens, image.output_tokens, image.rate_per_h]).toEqual([32, 1024, 0.02 * textRate]);
    expect([video.input_tokens, video.output_tokens, video.rate_per_h]).toEqual([48, 2048, 0.005 * textRate]);
    // Δ = clamp(0.5 + 2e-4·h + 0.010·f, 1.5, 25).
    expect(summ.delay_slo_s).toBeCloseTo(0.5 + 2e-4 * 2600 + 0.01 * 71, 9);
    expect(code.delay_slo_s).toBe(1.5);
    expect(video.delay_slo_s).toBeCloseTo(0.5 + 2e-4 * 48 + 0.01 * 2048, 9);
    expect([summ.error_slo, code.error_slo, transl.error_slo, math.error_slo, image.error_slo, video.error_slo]).toEqual([0.04, 0.03, 0.03, 0.06, 0.07, 0.08]);
    expect(math.base_error).toBeGreaterThanOrEqual(0.25);
    expect(math.base_error).toBeLessThanOrEqual(0.3);
    expect(video.storage_gb_per_token).toBe(1e-5);
  });

  it('scales every rate with the demand scale and marks a non-default scale in the id', () => {
    const a = gen(8, 6, 10);
    const b = gen(8, 6, 10, { demandScale: 6 });
    a.types.forEach((t, i) => expect(rel(b.types[i].rate_per_h, 2 * t.rate_per_h)).toBeLessThan(1e-5));
    expect(b.meta.id).toBe('I8-J6-K10-seed7-S1-average-scale6');
  });

  it('makes types beyond six from the pooled shape grid, largest cell first, cycling with a suffix', () => {
    const extra = gen(11, 6, 10).types.slice(6);
    expect(extra.map((t) => t.name)).toEqual(['Shape-h1024-f16', 'Shape-h512-f128', 'Shape-h256-f256', 'Shape-h2048-f32', 'Shape-h1024-f16#2']);
    // Pooled cell (10,4): 600 code + 1000 conv requests of 4000, mean h (600·1500 + 1000·1300)/1600.
    expect([extra[0].input_tokens, extra[0].output_tokens, extra[0].rate_per_h]).toEqual([1375, 23, (1600 / 4000) * 9000]);
    expect([extra[4].input_tokens, extra[4].output_tokens, extra[4].rate_per_h]).toEqual([1375, 23, 3600]);
    expect(extra[4].base_error).not.toBe(extra[0].base_error);
    for (const t of extra) {
      expect(t.base_error).toBeGreaterThanOrEqual(0.05);
      expect(t.base_error).toBeLessThanOrEqual(0.3);
      expect(t.error_slo).toBeGreaterThanOrEqual(0.02);
      expect(t.error_slo).toBeLessThanOrEqual(0.08);
      expect(t.delay_penalty_usd_per_req_s).toBeGreaterThanOrEqual(2e-5);
      expect(t.delay_penalty_usd_per_req_s).toBeLessThanOrEqual(1e-4);
      expect(t.unmet_penalty_usd_per_req).toBeGreaterThanOrEqual(0.01);
      expect(t.unmet_penalty_usd_per_req).toBeLessThanOrEqual(0.05);
      expect(t.storage_gb_per_token).toBe(1e-6);
    }
  });

  it('draws synthetic models for J > 6 from the §7 formulas', () => {
    for (const m of gen(1, 30, 1).models.slice(6)) {
      expect(m.params_b).toBeGreaterThanOrEqual(1);
      expect(m.params_b).toBeLessThanOrEqual(70);
      expect(m.layers).toBe(Math.round(8 * m.params_b ** 0.45));
      expect(m.kv_bytes_per_token).toBe(2 * m.layers * 8 * 128 * 2);
      const core = 7.5 * (Math.log(m.params_b) / Math.log(70)) ** 1.2;
      expect(m.capability).toBeGreaterThanOrEqual(0.5 + 0.9 * core - 1e-5);
      expect(m.capability).toBeLessThanOrEqual(0.5 + 1.1 * core + 1e-5);
    }
  });

  it('adds L4 tiers at K = 12 and clones sharing pool and price beyond the 24 distinct tiers', () => {
    const k12 = gen(1, 1, 12);
    expect(k12.tiers.slice(10).map((t) => t.name)).toEqual(['L4/FP16', 'L4/INT8']);
    expect(k12.gpus[4]).toMatchObject({ name: 'L4', memory_gb: 24, bandwidth_gb_s: 300, pool_gpus: 32 });
    expect(k12.tiers.slice(10).map((t) => [t.gpu, t.tflops])).toEqual([[4, 121], [4, 242]]);

    const k30 = gen(1, 1, 30);
    expect(k30.tiers[23].name).toBe('V100-32GB/FP16');
    expect(k30.tiers.slice(24).map((t) => t.name)).toEqual([
      'RTX-A6000/FP16#2', 'RTX-A6000/INT8#2', 'RTX-A6000/INT4#2', 'RTX-4090/FP16#2', 'RTX-4090/INT8#2', 'RTX-4090/INT4#2',
    ]);
    expect(k30.gpus).toHaveLength(11);
    k30.tiers.slice(24).forEach((clone, x) => {
      const { name: _n, ...rest } = clone;
      const { name: _o, ...orig } = k30.tiers[x];
      expect(rest).toEqual(orig); // same GPU index: the same pool and price
    });
  });

  it('keeps an entity the same whatever the sizes (independent streams)', () => {
    const small = gen(6, 6, 10);
    const large = gen(8, 8, 10);
    expect(large.types.slice(0, 6)).toEqual(small.types);
    expect(large.models.slice(0, 6)).toEqual(small.models);
    expect(large.gpus).toEqual(small.gpus);
    expect(large.system.storage_price_usd_per_gb_h).toBe(small.system.storage_price_usd_per_gb_h);
    const larger = gen(12, 12, 30);
    expect(larger.types.slice(0, 8)).toEqual(large.types);
    expect(larger.models.slice(0, 8)).toEqual(large.models);
    expect(larger.gpus.slice(0, 4)).toEqual(small.gpus);
  });

  it('sets the budget to budget_factor · ΔT · B_ref', () => {
    for (const inst of [gen(6, 6, 10), gen(12, 12, 12), gen(6, 6, 10, { scenario: 'S3' })]) {
      const { budget_factor, reference_cost_usd_per_h } = inst.meta;
      expect(inst.system.budget_usd).toBe(sig6(budget_factor * 24 * reference_cost_usd_per_h));
    }
  });

  it('computes B_ref (own-replica) and B_fluid as the formulas say (independent re-derivation)', () => {
    for (const inst of [gen(3, 3, 3), gen(6, 6, 10), gen(10, 8, 14, { seed: 3 })]) {
      const hand = handReferenceCost(inst);
      expect(hand.fluid).toBeGreaterThan(0);
      // Whole replicas, each type alone: never below the fluid rental.
      expect(hand.ownRental).toBeGreaterThan(hand.fluid);
      expect(rel(inst.meta.fluid_rental_usd_per_h, hand.fluid)).toBeLessThan(1e-5);
      expect(rel(inst.meta.reference_cost_usd_per_h, hand.reference)).toBeLessThan(1e-5);
      expect(inst.meta.unservable_types).toEqual(hand.unservable);
    }
  });

  it('lets an unservable type add only its token storage to B_ref (1,1,1 by hand)', () => {
    // Summarization on Llama-3.2-1B: error 0.08–0.12 / 0.5 > ε = 0.04 on every tier.
    const inst = gen(1, 1, 1);
    const t = inst.types[0];
    const tokenStorage = inst.system.storage_price_usd_per_gb_h * 1 * 1e-6 * (t.input_tokens + t.output_tokens) * t.rate_per_h;
    expect(inst.meta.unservable_types).toEqual(['Summarization']);
    expect(inst.meta.fluid_rental_usd_per_h).toBe(0);
    expect(rel(inst.meta.reference_cost_usd_per_h, tokenStorage)).toBeLessThan(1e-5);
  });

  it('applies the §9 scenario multipliers to the S1 data; S1 and S2 share a budget', () => {
    const s = Object.fromEntries((['S1', 'S2', 'S3', 'S4', 'S5'] as ScenarioId[]).map((id) => [id, gen(8, 6, 10, { scenario: id })]));
    // Scenario values are the S1 values times the multiplier, stored at six significant digits.
    type Field = 'delay_slo_s' | 'error_slo' | 'delay_penalty_usd_per_req_s' | 'unmet_penalty_usd_per_req';
    const check = (id: string, field: Field, x: number) =>
      expect(s[id].types.map((t) => t[field])).toEqual(s.S1.types.map((t) => sig6(t[field] * x)));
    check('S2', 'delay_slo_s', 0.7);
    check('S2', 'error_slo', 0.7);
    check('S2', 'delay_penalty_usd_per_req_s', 1);
    check('S4', 'delay_penalty_usd_per_req_s', 10);
    check('S4', 'unmet_penalty_usd_per_req', 10);
    check('S4', 'delay_slo_s', 1);
    check('S5', 'delay_penalty_usd_per_req_s', 10);
    check('S5', 'unmet_penalty_usd_per_req', 10);
    expect(s.S2.system.budget_usd).toBe(s.S1.system.budget_usd);
    expect(s.S4.system.budget_usd).toBe(s.S1.system.budget_usd);
    expect([s.S1, s.S2, s.S3, s.S4, s.S5].map((x) => x.meta.budget_factor)).toEqual([1, 1, 0.72, 1, 0.72]);
    expect(rel(s.S3.system.budget_usd, 0.72 * s.S1.system.budget_usd)).toBeLessThan(1e-5);
    expect(s.S5.system.budget_usd).toBe(s.S3.system.budget_usd);
    for (const x of Object.values(s)) expect(x.meta.reference_cost_usd_per_h).toBe(s.S1.meta.reference_cost_usd_per_h);
    expect(s.S3.meta.id).toBe('I8-J6-K10-seed7-S3-average');
    // Everything a scenario does not touch is the S1 data.
    expect(s.S5.models).toEqual(s.S1.models);
    expect(s.S5.tiers).toEqual(s.S1.tiers);
    expect(s.S5.types.map((t) => [t.rate_per_h, t.delay_slo_s, t.error_slo])).toEqual(s.S1.types.map((t) => [t.rate_per_h, t.delay_slo_s, t.error_slo]));
  });

  it('stores exactly what the budget was computed from (six significant digits)', () => {
    const inst = gen(12, 12, 12, { scenario: 'S2' });
    for (const t of inst.types) for (const v of Object.values(t)) if (typeof v === 'number') expect(v).toBe(sig6(v));
    for (const g of inst.gpus) expect(g.price_usd_per_gpu_h).toBe(sig6(g.price_usd_per_gpu_h));
    expect(inst.system.budget_usd).toBe(sig6(inst.system.budget_usd));
  });

  it('rejects bad options and a profile without the text traces', () => {
    expect(() => gen(0, 6, 10)).toThrow(InputError);
    expect(() => gen(6, 6, 10, { seed: -1 })).toThrow(/seed/);
    expect(() => gen(6, 6, 10, { demandScale: 0 })).toThrow(/demand scale/);
    const noCode = { ...profile, traces: { conv: profile.traces.conv } };
    expect(() => gen(6, 6, 10, { profile: noCode })).toThrow(/no "code" trace/);
  });

  it('refuses sizes beyond its limit, and a demand scale that overflows rates and costs', () => {
    expect(() => gen(1_000_000_000, 1, 1)).toThrow(/^sizes 1000000000,1,1: too large; the generator builds at most I, J, K ≤ 1000 and I·J·K ≤ 1,000,000 routes/);
    expect(() => gen(3, 3, 4, { demandScale: 1e308 })).toThrow(
      /^generated instance I3-J3-K4-seed\d+-S1-average-scale1e\+308: meta\.demand_scale: expected a number > 0 and ≤ 1000000, got 1e\+308; .*expected a smaller demand scale than 1e\+308$/,
    );
  });
});
