/**
 * The instance and plan of the allocation problem (docs/model.md §1, §3). Field names carry their
 * units. Indices (i, j, k) refer to positions in `types`, `models` and `tiers`.
 */
import type { ModelConstants } from './constants.ts';

export type SloMode = 'average' | 'per-route';
export type ScenarioId = 'S1' | 'S2' | 'S3' | 'S4' | 'S5';
export type Precision = 'FP16' | 'INT8' | 'INT4';

export interface QueryType {
  name: string;
  /** Input (context) tokens per request, h_i. */
  input_tokens: number;
  /** Output (generated) tokens per request, f_i. */
  output_tokens: number;
  /** Arrival rate λ_i, requests per hour. */
  rate_per_h: number;
  /** Delay SLO Δ_i, seconds per request end to end. */
  delay_slo_s: number;
  /** Error SLO ε_i, fraction. */
  error_slo: number;
  /** Base error of a capability-1 model, e0_i. */
  base_error: number;
  /** Delay penalty ρ_i, $ per request-second. */
  delay_penalty_usd_per_req_s: number;
  /** Unmet penalty φ_i, $ per dropped request. */
  unmet_penalty_usd_per_req: number;
  /** Token storage θ_i, GB per token. */
  storage_gb_per_token: number;
}

export interface Model {
  name: string;
  /** Parameters P_j, billions. */
  params_b: number;
  layers: number;
  /** KV-cache bytes per token at FP16, β_j. */
  kv_bytes_per_token: number;
  /** Capability q_j (higher = more accurate). */
  capability: number;
}

export interface GpuModel {
  name: string;
  memory_gb: number;
  bandwidth_gb_s: number;
  /** Price p_k of every tier of this GPU, $ per GPU-hour. */
  price_usd_per_gpu_h: number;
  /** Pool A_g: GPUs of this model that can be rented in total. */
  pool_gpus: number;
}

export interface Tier {
  name: string;
  /** Index into `gpus`: the physical GPU model g(k) (its memory, bandwidth, price and pool). */
  gpu: number;
  precision: Precision;
  /** Dense tensor throughput F_k at which this tier computes, TFLOP/s. */
  tflops: number;
  /** Weight bytes per parameter b_k. */
  bytes_per_param: number;
  /** Precision error factor π_k. */
  error_factor: number;
}

export interface SystemParams {
  slo_mode: SloMode;
  /** ΔT, hours. */
  horizon_h: number;
  /** δ, $ over the horizon (rental plus storage). */
  budget_usd: number;
  /** S, GB. */
  storage_capacity_gb: number;
  /** p_s, $ per GB-hour. */
  storage_price_usd_per_gb_h: number;
}

export interface InstanceMeta {
  id: string;
  seed: number;
  sizes: { I: number; J: number; K: number };
  scenario: ScenarioId;
  demand_scale: number;
  budget_factor: number;
  /** Where the trace calibration came from (profile file and its traces). */
  profile: string;
  generator: string;
  /** Reference hourly cost B_ref and its fluid part (docs/model.md §6), $/h on S1 data. */
  reference_cost_usd_per_h: number;
  fluid_rental_usd_per_h: number;
  /** Types with no route that meets both SLOs on its own. */
  unservable_types: string[];
}

export interface Instance {
  schema: 'llm-alloc-bench/instance@1';
  meta: InstanceMeta;
  constants: ModelConstants;
  parallelism: { tp_degrees: number[]; pp_depths: number[] };
  system: SystemParams;
  types: QueryType[];
  models: Model[];
  gpus: GpuModel[];
  tiers: Tier[];
}

/** A configuration c = (j, k, n, m): model j on tier k with TP degree n and PP depth m. */
export interface ConfigKey {
  j: number;
  k: number;
  n: number;
  m: number;
}

/** w_c = 1 with r_c replicas (r may be 0: a chosen layout without replicas). */
export interface Deployment extends ConfigKey {
  replicas: number;
}

/** x_ic: the share of type i's demand routed to configuration c. */
export interface Route extends ConfigKey {
  i: number;
  share: number;
}

/**
 * A plan (x, r, w, s, u). Deployments are the layouts with w_c = 1; anything not listed is 0.
 */
export interface Plan {
  schema: 'llm-alloc-bench/plan@1';
  instance_id: string;
  solver: string;
  /** s_j = 1 for these model indices. */
  stored_models: number[];
  deployments: Deployment[];
  routes: Route[];
  /** u_i for every type, in [0, 1]. */
  unmet: number[];
}
