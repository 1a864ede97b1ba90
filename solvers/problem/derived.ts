/**
 * Derived per-configuration quantities (docs/model.md §2) — the one place they are computed.
 * Every solver, heuristic and the evaluator reads them from `derive(instance)`, which caches the
 * result per instance object, so the MILP, the heuristics and the evaluator can never disagree.
 *
 * Per-(type, configuration) arrays are flat Float64Arrays indexed `i * configs.length + c`.
 */
import type { ConfigKey, Instance, QueryType } from './types.ts';

export interface Config extends ConfigKey {
  index: number;
  /** Model–tier pair j·K + k: the index into `pairConfigs` (one layout per pair). */
  pair: number;
  /** n·m GPUs per replica. */
  gpus: number;
  /** Index of the physical GPU model g(k), whose pool the replicas draw from. */
  gpu: number;
  weights_per_gpu_gb: number;
  /** Φ_c, FLOP/s per replica. */
  throughput_flop_s: number;
  /** free_c, GB of KV memory per replica. */
  free_kv_gb: number;
  /** p_k·n·m, $ per replica-hour. */
  price_usd_per_h: number;
  /** R̄_c = floor(A_g / (n·m)): no plan can rent more replicas of c than the pool holds. */
  max_replicas: number;
  /** T_pre / h_i, seconds per input token. */
  prefill_s_per_token: number;
  /** t_tok, seconds per output token (decode, TP all-reduce and PP hops included). */
  decode_s_per_token: number;
}

export interface Derived {
  I: number;
  J: number;
  K: number;
  /** Memory-valid configurations, ordered by (j, k, then the instance's TP and PP lists). */
  configs: Config[];
  /** Config indices of each (j, k) pair, at `j * K + k`. */
  pairConfigs: number[][];
  /** D_ic, seconds (flat I × C). */
  delay_s: Float64Array;
  /** e_ijk (flat I × J × K, at `(i * J + j) * K + k`). */
  error: Float64Array;
  /** ω_ij, FLOP per request (flat I × J). */
  work_flop: Float64Array;
  /** κ_ij, GB of KV per in-flight request (flat I × J). */
  kv_gb: Float64Array;
  /** Replicas of c needed per unit of x_ic by throughput: (λ_i/3600)·ω_ij / Φ_c (flat I × C). */
  load_replicas: Float64Array;
  /** Replicas of c needed per unit of x_ic by KV memory: (λ_i/3600)·D_ic·κ_ij / free_c (flat I × C). */
  kv_replicas: Float64Array;
  /** Hourly token-storage cost per unit of x_i·: p_s·τ_ret·θ_i·(h_i+f_i)·λ_i (per type). */
  token_storage_usd_per_h: Float64Array;
  /** Hourly delay penalty per unit of x_ic: ρ_i·λ_i·D_ic (flat I × C). */
  delay_penalty_usd_per_h: Float64Array;
  /** Hourly unmet penalty per unit of u_i: φ_i·λ_i (per type). */
  unmet_penalty_usd_per_h: Float64Array;
  /** FP16 master-copy size 2·P_j, GB (per model). */
  model_storage_gb: Float64Array;
  /** Hourly storage cost of a stored model: p_s·2·P_j (per model). */
  model_storage_usd_per_h: Float64Array;
  /** Index of configuration (j,k,n,m), or −1 when it is not memory-valid or not in the instance. */
  configIndex(key: ConfigKey): number;
  /** e_ic for type i on configuration c. */
  errorOf(i: number, c: number): number;
  /** Both SLOs met by the route on its own (D_ic ≤ Δ_i and e_ic ≤ ε_i). */
  sloFeasible(i: number, c: number): boolean;
}

const cache = new WeakMap<Instance, Derived>();

export function derive(inst: Instance): Derived {
  let d = cache.get(inst);
  if (!d) {
    d = compute(inst);
    cache.set(inst, d);
  }
  return d;
}

/** Facts of one configuration, memory-valid or not (the evaluator also needs invalid ones). */
export type ConfigFacts = Omit<Config, 'index' | 'pair'> & { memory_valid: boolean };

export function configFacts(inst: Instance, key: ConfigKey): ConfigFacts {
  const C0 = inst.constants;
  const { j, k, n, m } = key;
  const model = inst.models[j];
  const tier = inst.tiers[k];
  const gpu = inst.gpus[tier.gpu];
  const weights = model.params_b * tier.bytes_per_param;
  const tauTp = n === 1 ? 0 : 2 * model.layers * C0.tp_allreduce_s * Math.log2(n);
  const tauPp = (m - 1) * C0.pp_hop_s;
  return {
    j, k, n, m,
    gpus: n * m,
    gpu: tier.gpu,
    weights_per_gpu_gb: weights / (n * m),
    memory_valid: weights / (n * m) <= (1 - C0.r_mem) * gpu.memory_gb,
    throughput_flop_s: n * m * tier.tflops * 1e12 * C0.u_mfu,
    free_kv_gb: n * m * (1 - C0.r_mem) * gpu.memory_gb - weights,
    price_usd_per_h: gpu.price_usd_per_gpu_h * n * m,
    max_replicas: Math.floor(gpu.pool_gpus / (n * m)),
    prefill_s_per_token: (2 * model.params_b * 1e9) / (n * tier.tflops * 1e12 * C0.eta_pre),
    decode_s_per_token: weights / (n * gpu.bandwidth_gb_s * C0.eta_bw) + tauTp + tauPp,
  };
}

/** D_ic = T_pre + f_i·t_tok, seconds. */
export function routeDelayS(type: QueryType, cfg: Pick<Config, 'prefill_s_per_token' | 'decode_s_per_token'>): number {
  return type.input_tokens * cfg.prefill_s_per_token + type.output_tokens * cfg.decode_s_per_token;
}

function compute(inst: Instance): Derived {
  const C0 = inst.constants;
  const I = inst.types.length;
  const J = inst.models.length;
  const K = inst.tiers.length;
  const { tp_degrees, pp_depths } = inst.parallelism;

  const configs: Config[] = [];
  const pairConfigs: number[][] = [];
  const keyToIndex = new Map<string, number>();
  for (let j = 0; j < J; j++) {
    for (let k = 0; k < K; k++) {
      const list: number[] = [];
      pairConfigs.push(list);
      for (const n of tp_degrees) {
        for (const m of pp_depths) {
          const { memory_valid, ...facts } = configFacts(inst, { j, k, n, m });
          if (!memory_valid) continue;
          const cfg: Config = { index: configs.length, pair: j * K + k, ...facts };
          keyToIndex.set(`${j},${k},${n},${m}`, cfg.index);
          list.push(cfg.index);
          configs.push(cfg);
        }
      }
    }
  }

  const C = configs.length;
  const ps = inst.system.storage_price_usd_per_gb_h;
  const delay_s = new Float64Array(I * C);
  const error = new Float64Array(I * J * K);
  const work_flop = new Float64Array(I * J);
  const kv_gb = new Float64Array(I * J);
  const load_replicas = new Float64Array(I * C);
  const kv_replicas = new Float64Array(I * C);
  const delay_penalty_usd_per_h = new Float64Array(I * C);
  const token_storage_usd_per_h = new Float64Array(I);
  const unmet_penalty_usd_per_h = new Float64Array(I);
  const model_storage_gb = new Float64Array(J);
  const model_storage_usd_per_h = new Float64Array(J);

  for (let j = 0; j < J; j++) {
    model_storage_gb[j] = 2 * inst.models[j].params_b;
    model_storage_usd_per_h[j] = ps * model_storage_gb[j];
  }
  for (let i = 0; i < I; i++) {
    const t = inst.types[i];
    const tokens = t.input_tokens + t.output_tokens;
    const perSecond = t.rate_per_h / 3600;
    token_storage_usd_per_h[i] = ps * C0.tau_ret_h * t.storage_gb_per_token * tokens * t.rate_per_h;
    unmet_penalty_usd_per_h[i] = t.unmet_penalty_usd_per_req * t.rate_per_h;
    for (let j = 0; j < J; j++) {
      const m = inst.models[j];
      work_flop[i * J + j] = 2 * m.params_b * 1e9 * tokens;
      kv_gb[i * J + j] = (m.kv_bytes_per_token * tokens) / 1e9;
      for (let k = 0; k < K; k++) {
        error[(i * J + j) * K + k] = (t.base_error / m.capability) * inst.tiers[k].error_factor;
      }
    }
    for (let c = 0; c < C; c++) {
      const cfg = configs[c];
      const D = routeDelayS(t, cfg);
      const at = i * C + c;
      delay_s[at] = D;
      load_replicas[at] = (perSecond * work_flop[i * J + cfg.j]) / cfg.throughput_flop_s;
      // free_c = 0 (weights fill the usable memory exactly) leaves no room for KV: infinite need.
      kv_replicas[at] = cfg.free_kv_gb > 0 ? (perSecond * D * kv_gb[i * J + cfg.j]) / cfg.free_kv_gb : Infinity;
      delay_penalty_usd_per_h[at] = t.delay_penalty_usd_per_req_s * t.rate_per_h * D;
    }
  }

  return {
    I, J, K, configs, pairConfigs,
    delay_s, error, work_flop, kv_gb, load_replicas, kv_replicas,
    token_storage_usd_per_h, delay_penalty_usd_per_h, unmet_penalty_usd_per_h,
    model_storage_gb, model_storage_usd_per_h,
    configIndex: (key) => keyToIndex.get(`${key.j},${key.k},${key.n},${key.m}`) ?? -1,
    errorOf: (i, c) => error[i * J * K + configs[c].pair],
    sloFeasible: (i, c) =>
      delay_s[i * C + c] <= inst.types[i].delay_slo_s &&
      error[i * J * K + configs[c].pair] <= inst.types[i].error_slo,
  };
}
