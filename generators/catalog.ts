/**
 * The catalogs of docs/model.md §6 (models, GPU models, precisions, tiers, named query types) and the
 * scenario multipliers of §9, as typed constant data. Instance generation draws from here; no
 * figure below is computed from traces or random draws.
 */
import type { Precision, ScenarioId } from '../solvers/problem/types.ts';

export interface ModelSpec {
  name: string;
  params_b: number;
  layers: number;
  kv_heads: number;
  head_dim: number;
  capability: number;
}

/** KV-cache bytes per token at FP16: keys and values (2) · layers · KV heads · head dim · 2 bytes. */
export function kvBytesPerToken(layers: number, kvHeads: number, headDim: number): number {
  return 2 * layers * kvHeads * headDim * 2;
}

export const BASE_MODELS: readonly ModelSpec[] = [
  { name: 'Llama-3.2-1B', params_b: 1.24, layers: 16, kv_heads: 8, head_dim: 64, capability: 0.5 },
  { name: 'Llama-3.2-3B', params_b: 3.21, layers: 28, kv_heads: 8, head_dim: 128, capability: 1.5 },
  { name: 'Llama-3.1-8B', params_b: 8.03, layers: 32, kv_heads: 8, head_dim: 128, capability: 3.0 },
  { name: 'Llama-3.2-11B-Vision', params_b: 10.6, layers: 40, kv_heads: 8, head_dim: 128, capability: 2.5 },
  // Hypothetical mid-size model; the authors' public generator has one.
  { name: 'Llama-31B', params_b: 31, layers: 60, kv_heads: 8, head_dim: 128, capability: 5.0 },
  { name: 'Llama-3.1-70B', params_b: 70.6, layers: 80, kv_heads: 8, head_dim: 128, capability: 8.0 },
];

/** Synthetic models for J > 6 (docs/model.md §6). */
export const SYNTHETIC_MODEL = {
  params_b: [1, 70] as const,
  layers_coef: 8,
  layers_exp: 0.45,
  kv_heads: 8,
  head_dim: 128,
  /** q = base + span · (ln P / ln 70)^exp · U(jitter). */
  capability_base: 0.5,
  capability_span: 7.5,
  capability_exp: 1.2,
  capability_jitter: [0.9, 1.1] as const,
};

export interface GpuSpec {
  name: string;
  memory_gb: number;
  bandwidth_gb_s: number;
  /** Dense tensor TFLOP/s at FP16 and at INT8 (absent: no INT8 tier). */
  tflops_fp16: number;
  tflops_int8?: number;
  /** A W4A16 tier is offered (it computes at the FP16 rate). */
  int4: boolean;
  /** $ per GPU-hour before the per-instance jitter. */
  base_price_usd_per_gpu_h: number;
  pool_gpus: number;
}

const gpu = (
  name: string, memory_gb: number, bandwidth_gb_s: number, tflops_fp16: number,
  tflops_int8: number | undefined, int4: boolean, base_price_usd_per_gpu_h: number, pool_gpus: number,
): GpuSpec => ({
  name, memory_gb, bandwidth_gb_s, tflops_fp16,
  ...(tflops_int8 === undefined ? {} : { tflops_int8 }),
  int4, base_price_usd_per_gpu_h, pool_gpus,
});

/** The authors' four GPU models (§6 table). */
export const BASE_GPUS: readonly GpuSpec[] = [
  gpu('RTX-4090', 24, 1008, 165, 330, true, 0.35, 64),
  gpu('RTX-A6000', 48, 768, 155, 310, true, 0.65, 48),
  gpu('A100-40GB', 40, 1555, 312, 624, false, 1.2, 32),
  gpu('H100-80GB', 80, 3350, 989, 1979, false, 2.5, 16),
];

const ADDED_POOL = 32;
/** GPU models whose tiers are appended for K > 10, in this order (§6). */
export const ADDED_GPUS: readonly GpuSpec[] = [
  gpu('L4', 24, 300, 121, 242, false, 0.45, ADDED_POOL),
  gpu('L40S', 48, 864, 362, 733, false, 1.0, ADDED_POOL),
  gpu('A100-80GB', 80, 2039, 312, 624, false, 1.6, ADDED_POOL),
  gpu('H200', 141, 4800, 989, 1979, false, 3.5, ADDED_POOL),
  gpu('T4', 16, 320, 65, 130, true, 0.25, ADDED_POOL),
  gpu('A10', 24, 600, 125, 250, false, 0.6, ADDED_POOL),
  gpu('V100-32GB', 32, 900, 125, undefined, false, 0.8, ADDED_POOL),
];

/** Per-instance price jitter, once per GPU model so that all its tiers cost the same. */
export const PRICE_JITTER = [0.8, 1.2] as const;

export interface PrecisionSpec {
  bytes_per_param: number;
  error_factor: number;
}

export const PRECISIONS: Readonly<Record<Precision, PrecisionSpec>> = {
  FP16: { bytes_per_param: 2, error_factor: 1.0 },
  INT8: { bytes_per_param: 1, error_factor: 1.15 },
  INT4: { bytes_per_param: 0.5, error_factor: 1.35 },
};

/** Precisions a GPU model offers, in tier order. */
export function offeredPrecisions(g: GpuSpec): Precision[] {
  return [
    'FP16',
    ...(g.tflops_int8 === undefined ? [] : (['INT8'] as const)),
    ...(g.int4 ? (['INT4'] as const) : []),
  ];
}

/** F_k: INT8 runs INT8 math (W8A8); INT4 is weight-only (W4A16) and computes at the FP16 rate. */
export function tierTflops(g: GpuSpec, p: Precision): number {
  if (p === 'INT8') {
    if (g.tflops_int8 === undefined) throw new Error(`${g.name} offers no INT8 tier`);
    return g.tflops_int8;
  }
  return g.tflops_fp16;
}

export interface TierSpec {
  gpu: GpuSpec;
  precision: Precision;
  /** Tier name, `GPU/PRECISION` with a clone suffix where one applies. */
  name: string;
}

const byName = (name: string): GpuSpec => BASE_GPUS.find((g) => g.name === name)!;

/** The authors' ten tiers, in their order (not the GPU table's). */
export const BASE_TIERS: readonly TierSpec[] = (
  [
    ['RTX-A6000', 'FP16'], ['RTX-A6000', 'INT8'], ['RTX-A6000', 'INT4'],
    ['RTX-4090', 'FP16'], ['RTX-4090', 'INT8'], ['RTX-4090', 'INT4'],
    ['A100-40GB', 'FP16'], ['A100-40GB', 'INT8'],
    ['H100-80GB', 'FP16'], ['H100-80GB', 'INT8'],
  ] as const
).map(([g, precision]) => ({ gpu: byName(g), precision, name: `${g}/${precision}` }));

/** Base tiers, then every added GPU at each precision it offers: the tiers before any clone. */
export const DISTINCT_TIERS: readonly TierSpec[] = [
  ...BASE_TIERS,
  ...ADDED_GPUS.flatMap((g) => offeredPrecisions(g).map((precision) => ({ gpu: g, precision, name: `${g.name}/${precision}` }))),
];

/**
 * The first K tiers. Past the distinct tiers, the list repeats as clones named `…#2`, `…#3`: a
 * clone is another rental option on the same physical GPU model, so it shares its pool and price.
 */
export function tierSpecs(K: number): TierSpec[] {
  const n = DISTINCT_TIERS.length;
  return Array.from({ length: K }, (_, k) => {
    const t = DISTINCT_TIERS[k % n];
    const round = Math.floor(k / n);
    return round === 0 ? t : { ...t, name: `${t.name}#${round + 1}` };
  });
}

export type Range = readonly [number, number];

/** Where a named type's h, f and λ come from. */
export type TypeSource =
  /** A f/h slice of a trace (λ = slice share × trace rate × demand scale). */
  | { kind: 'slice'; trace: 'conv'; slice: 'lt_0_1' | '0_1_to_0_5' | 'ge_0_5' }
  /** All requests of a trace. */
  | { kind: 'trace'; trace: 'code' }
  /** Fixed token sizes and a share of the total text rate. */
  | { kind: 'fixed'; input_tokens: number; output_tokens: number; text_rate_share: number };

export interface NamedTypeSpec {
  name: string;
  source: TypeSource;
  base_error: Range;
  error_slo: number;
  delay_penalty_usd_per_req_s: Range;
  unmet_penalty_usd_per_req: Range;
  storage_gb_per_token: number;
}

export const NAMED_TYPES: readonly NamedTypeSpec[] = [
  {
    name: 'Summarization', source: { kind: 'slice', trace: 'conv', slice: 'lt_0_1' },
    base_error: [0.08, 0.12], error_slo: 0.04, delay_penalty_usd_per_req_s: [2e-5, 4e-5],
    unmet_penalty_usd_per_req: [0.01, 0.02], storage_gb_per_token: 1e-6,
  },
  {
    name: 'Code_Gen', source: { kind: 'trace', trace: 'code' },
    base_error: [0.09, 0.12], error_slo: 0.03, delay_penalty_usd_per_req_s: [6e-5, 1e-4],
    unmet_penalty_usd_per_req: [0.03, 0.05], storage_gb_per_token: 1e-6,
  },
  {
    name: 'Translation', source: { kind: 'slice', trace: 'conv', slice: '0_1_to_0_5' },
    base_error: [0.05, 0.07], error_slo: 0.03, delay_penalty_usd_per_req_s: [2e-5, 4e-5],
    unmet_penalty_usd_per_req: [0.01, 0.02], storage_gb_per_token: 1e-6,
  },
  {
    name: 'Math_Solving', source: { kind: 'slice', trace: 'conv', slice: 'ge_0_5' },
    base_error: [0.25, 0.3], error_slo: 0.06, delay_penalty_usd_per_req_s: [4e-5, 8e-5],
    unmet_penalty_usd_per_req: [0.03, 0.05], storage_gb_per_token: 1e-6,
  },
  {
    name: 'Image_Gen', source: { kind: 'fixed', input_tokens: 32, output_tokens: 1024, text_rate_share: 0.02 },
    base_error: [0.14, 0.18], error_slo: 0.07, delay_penalty_usd_per_req_s: [1e-4, 1.5e-4],
    unmet_penalty_usd_per_req: [0.08, 0.1], storage_gb_per_token: 5e-6,
  },
  {
    name: 'Video_Gen', source: { kind: 'fixed', input_tokens: 48, output_tokens: 2048, text_rate_share: 0.005 },
    base_error: [0.2, 0.25], error_slo: 0.08, delay_penalty_usd_per_req_s: [1.5e-4, 2.5e-4],
    unmet_penalty_usd_per_req: [0.08, 0.1], storage_gb_per_token: 1e-5,
  },
];

/** The trace-calibrated types: their pooled ranges parameterise the extra types of I > 6. */
const TEXT_TYPES = NAMED_TYPES.filter((t) => t.source.kind !== 'fixed');
const pooled = (pick: (t: NamedTypeSpec) => Range): Range => [
  Math.min(...TEXT_TYPES.map((t) => pick(t)[0])),
  Math.max(...TEXT_TYPES.map((t) => pick(t)[1])),
];

/** Types after the named six (docs/model.md §6): clusters of trace requests. */
export const EXTRA_TYPE = {
  base_error: [0.05, 0.3] as Range,
  error_slo: [0.02, 0.08] as Range,
  delay_penalty_usd_per_req_s: pooled((t) => t.delay_penalty_usd_per_req_s),
  unmet_penalty_usd_per_req: pooled((t) => t.unmet_penalty_usd_per_req),
  storage_gb_per_token: pooled((t) => [t.storage_gb_per_token, t.storage_gb_per_token]),
};

/** Δ_i = clamp(0.5 + 2e-4·h + 0.010·f, 1.5, 25) s: a time-to-first-token allowance plus 100 tokens/s. */
export function delaySloS(h: number, f: number): number {
  return Math.min(25, Math.max(1.5, 0.5 + 2e-4 * h + 0.01 * f));
}

export const SYSTEM_DEFAULTS = {
  horizon_h: 24,
  storage_capacity_gb: 1000,
  storage_price_usd_per_gb_h: [0.001, 0.005] as Range,
  budget_factor: 1.0,
  demand_scale: 3,
};

export interface ScenarioSpec {
  /** Multiplies every Δ_i and ε_i. */
  slo: number;
  /** Multiplies the budget factor. */
  budget: number;
  /** Multiplies every ρ_i and φ_i. */
  penalty: number;
}

/** docs/model.md §6. S3's 0.72 is the paper's $72 against $100. */
export const SCENARIOS: Readonly<Record<ScenarioId, ScenarioSpec>> = {
  S1: { slo: 1, budget: 1, penalty: 1 },
  S2: { slo: 0.7, budget: 1, penalty: 1 },
  S3: { slo: 1, budget: 0.72, penalty: 1 },
  S4: { slo: 1, budget: 1, penalty: 10 },
  S5: { slo: 1, budget: 0.72, penalty: 10 },
};
