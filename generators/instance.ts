/**
 * Instance generation (docs/model.md §6): a pure function of (sizes, seed, scenario, SLO
 * mode, profile, demand scale). Same inputs give a byte-identical `JSON.stringify`; nothing reads
 * the clock or Math.random, and every list is built in a fixed order.
 */
import { DEFAULT_CONSTANTS, DEFAULT_PP_DEPTHS, DEFAULT_TP_DEGREES } from '../solvers/problem/constants.ts';
import { InputError } from '../lib/errors.ts';
import type { GpuModel, Instance, Model, ScenarioId, SloMode, Tier } from '../solvers/problem/types.ts';
import type { ProfileBundle } from '../traces/profile.ts';
import {
  BASE_MODELS, PRECISIONS, PRICE_JITTER, SCENARIOS, SYNTHETIC_MODEL, SYSTEM_DEFAULTS,
  kvBytesPerToken, tierSpecs, tierTflops, type GpuSpec,
} from './catalog.ts';
import { checkSizeBound, type Sizes } from './sizes.ts';
import { parseInstance } from '../solvers/problem/schema.ts';
import { buildTypes } from './query-types.ts';
import { stream } from '../lib/random.ts';
import { sig6, uniform } from './random.ts';
import { referenceCost, type ReferenceCost } from './reference-cost.ts';

export const GENERATOR_NAME = 'llm-alloc-bench generator v1';

export type { Sizes } from './sizes.ts';

export interface GenerateOptions {
  sizes: Sizes;
  seed: number;
  scenario: ScenarioId;
  sloMode: SloMode;
  profile: ProfileBundle;
  /** Recorded as `meta.profile`. */
  profileName: string;
  /** Multiplier of every trace rate (default 3). */
  demandScale?: number;
}

export function generateInstance(opts: GenerateOptions): Instance {
  const { sizes, seed, scenario, sloMode, profile, profileName } = opts;
  const demandScale = opts.demandScale ?? SYSTEM_DEFAULTS.demand_scale;
  checkOptions(opts, demandScale);

  const { gpus, tiers } = buildHardware(sizes.K, seed);
  const s1: Instance = {
    schema: 'llm-alloc-bench/instance@1',
    meta: {
      id: instanceId(sizes, seed, 'S1', sloMode, demandScale),
      seed,
      sizes: { I: sizes.I, J: sizes.J, K: sizes.K },
      scenario: 'S1',
      demand_scale: demandScale,
      budget_factor: SYSTEM_DEFAULTS.budget_factor,
      profile: profileName,
      generator: GENERATOR_NAME,
      reference_cost_usd_per_h: 0,
      fluid_rental_usd_per_h: 0,
      unservable_types: [],
    },
    constants: { ...DEFAULT_CONSTANTS },
    parallelism: { tp_degrees: [...DEFAULT_TP_DEGREES], pp_depths: [...DEFAULT_PP_DEPTHS] },
    system: {
      slo_mode: sloMode,
      horizon_h: SYSTEM_DEFAULTS.horizon_h,
      budget_usd: 0,
      storage_capacity_gb: SYSTEM_DEFAULTS.storage_capacity_gb,
      storage_price_usd_per_gb_h: sig6(uniform(stream(seed, 'system', 'storage-price'), SYSTEM_DEFAULTS.storage_price_usd_per_gb_h)),
    },
    types: buildTypes(sizes.I, seed, profile, demandScale),
    models: buildModels(sizes.J, seed),
    gpus,
    tiers,
  };
  // B_ref is measured on the S1 data; the scenario is applied to a new object afterwards (derive()
  // caches per object, so the S1 draft is never changed once derived).
  return checkGenerated(applyScenario(s1, scenario, referenceCost(s1)), demandScale);
}

/**
 * The instance as it will be written (JSON turns a non-finite number into null) must pass the
 * loader's own checks: an extreme demand scale overflows rates and costs, and such an instance is
 * refused here rather than written and refused when read.
 */
function checkGenerated(inst: Instance, demandScale: number): Instance {
  try {
    parseInstance(JSON.parse(JSON.stringify(inst)), `generated instance ${inst.meta.id}`);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    throw new InputError(`${err.message}; its values are not finite or beyond the schema's plausible ranges — expected a smaller demand scale than ${demandScale}`);
  }
  return inst;
}

function checkOptions(opts: GenerateOptions, demandScale: number): void {
  for (const key of ['I', 'J', 'K'] as const) {
    const v = opts.sizes[key];
    if (!Number.isSafeInteger(v) || v < 1) throw new InputError(`size ${key} must be a positive integer, got ${v}`);
  }
  checkSizeBound(opts.sizes, `sizes ${opts.sizes.I},${opts.sizes.J},${opts.sizes.K}`);
  if (!Number.isSafeInteger(opts.seed) || opts.seed < 0) throw new InputError(`seed must be a non-negative integer, got ${opts.seed}`);
  if (!(opts.scenario in SCENARIOS)) throw new InputError(`scenario must be one of ${Object.keys(SCENARIOS).join(', ')}, got ${opts.scenario}`);
  if (!Number.isFinite(demandScale) || demandScale <= 0) throw new InputError(`demand scale must be a positive number, got ${demandScale}`);
}

/** `I6-J6-K10-seed7-S1-average`; a non-default demand scale is appended so ids stay unique. */
export function instanceId(sizes: Sizes, seed: number, scenario: ScenarioId, sloMode: SloMode, demandScale: number): string {
  const base = `I${sizes.I}-J${sizes.J}-K${sizes.K}-seed${seed}-${scenario}-${sloMode}`;
  return demandScale === SYSTEM_DEFAULTS.demand_scale ? base : `${base}-scale${demandScale}`;
}

/** The six catalog models first, then synthetic ones drawn per index (docs/model.md §6). */
function buildModels(J: number, seed: number): Model[] {
  return Array.from({ length: J }, (_, j): Model => {
    if (j < BASE_MODELS.length) {
      const m = BASE_MODELS[j];
      return { name: m.name, params_b: m.params_b, layers: m.layers, kv_bytes_per_token: kvBytesPerToken(m.layers, m.kv_heads, m.head_dim), capability: m.capability };
    }
    const S = SYNTHETIC_MODEL;
    const rng = stream(seed, 'model', j);
    const [lo, hi] = S.params_b;
    // Log-uniform P, kept to 3 significant digits like the catalog's sizes.
    const P = Number(Math.exp(uniform(rng, [Math.log(lo), Math.log(hi)])).toPrecision(3));
    const layers = Math.round(S.layers_coef * P ** S.layers_exp);
    const q = S.capability_base + S.capability_span * (Math.log(P) / Math.log(hi)) ** S.capability_exp * uniform(rng, S.capability_jitter);
    return { name: `Synthetic-${j + 1}-${P}B`, params_b: P, layers, kv_bytes_per_token: kvBytesPerToken(layers, S.kv_heads, S.head_dim), capability: sig6(q) };
  });
}

/**
 * The first K tiers and the GPU models they use, in order of first use (so the GPU list of a
 * smaller K is a prefix of a larger K's). Each GPU model's price is jittered once, on its own stream.
 */
function buildHardware(K: number, seed: number): { gpus: GpuModel[]; tiers: Tier[] } {
  const gpus: GpuModel[] = [];
  const gpuIndex = new Map<GpuSpec, number>();
  const tiers = tierSpecs(K).map((t): Tier => {
    let g = gpuIndex.get(t.gpu);
    if (g === undefined) {
      g = gpus.length;
      gpuIndex.set(t.gpu, g);
      const jitter = uniform(stream(seed, 'gpu-price', t.gpu.name), PRICE_JITTER);
      gpus.push({
        name: t.gpu.name,
        memory_gb: t.gpu.memory_gb,
        bandwidth_gb_s: t.gpu.bandwidth_gb_s,
        price_usd_per_gpu_h: sig6(t.gpu.base_price_usd_per_gpu_h * jitter),
        pool_gpus: t.gpu.pool_gpus,
      });
    }
    const p = PRECISIONS[t.precision];
    return { name: t.name, gpu: g, precision: t.precision, tflops: tierTflops(t.gpu, t.precision), bytes_per_param: p.bytes_per_param, error_factor: p.error_factor };
  });
  return { gpus, tiers };
}

/** A new instance with the scenario's multipliers (§9) and the budget δ = budget_factor·ΔT·B_ref. */
function applyScenario(s1: Instance, scenario: ScenarioId, ref: ReferenceCost): Instance {
  const sc = SCENARIOS[scenario];
  const budgetFactor = sig6(SYSTEM_DEFAULTS.budget_factor * sc.budget);
  const bRef = sig6(ref.reference_cost_usd_per_h);
  return {
    ...s1,
    meta: {
      ...s1.meta,
      id: instanceId(s1.meta.sizes, s1.meta.seed, scenario, s1.system.slo_mode, s1.meta.demand_scale),
      scenario,
      budget_factor: budgetFactor,
      reference_cost_usd_per_h: bRef,
      fluid_rental_usd_per_h: sig6(ref.fluid_rental_usd_per_h),
      // Unservable on the S1 data, as B_ref counts them; a tighter scenario (S2) may add more.
      unservable_types: ref.unservable_types,
    },
    system: { ...s1.system, budget_usd: sig6(budgetFactor * s1.system.horizon_h * bRef) },
    types: s1.types.map((t) => ({
      ...t,
      delay_slo_s: sig6(t.delay_slo_s * sc.slo),
      error_slo: sig6(t.error_slo * sc.slo),
      delay_penalty_usd_per_req_s: sig6(t.delay_penalty_usd_per_req_s * sc.penalty),
      unmet_penalty_usd_per_req: sig6(t.unmet_penalty_usd_per_req * sc.penalty),
    })),
  };
}
