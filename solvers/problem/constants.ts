/**
 * Coefficients of the derived-quantity model (docs/model.md §2). Every instance records the values
 * it was generated with (`instance.constants`); derived quantities read them from the instance,
 * never from here, so an old instance keeps its meaning if a default changes.
 */
export interface ModelConstants {
  /** Achieved fraction of peak tensor throughput during prefill. */
  eta_pre: number;
  /** Achieved fraction of peak memory bandwidth during decode. */
  eta_bw: number;
  /** Tensor-parallel all-reduce cost per layer and log2(TP) step, seconds (τ_tp = 2·L·this·log2 n). */
  tp_allreduce_s: number;
  /** Pipeline hop cost per extra stage and token, seconds (τ_pp = (m − 1)·this). */
  pp_hop_s: number;
  /** Sustained utilisation of peak throughput with batching (replica throughput Φ). */
  u_mfu: number;
  /** GPU memory reserved for activations and workspace. */
  r_mem: number;
  /** Hours each hour's tokens are kept in storage. */
  tau_ret_h: number;
}

export const DEFAULT_CONSTANTS: Readonly<ModelConstants> = Object.freeze({
  eta_pre: 0.5,
  eta_bw: 0.7,
  tp_allreduce_s: 8e-6,
  pp_hop_s: 2e-4,
  u_mfu: 0.35,
  r_mem: 0.1,
  tau_ret_h: 1,
});

/** Parallelism degrees of docs/model.md §1: TP n ∈ {1,2,4,8}, PP m ∈ {1,2,4}. */
export const DEFAULT_TP_DEGREES: readonly number[] = Object.freeze([1, 2, 4, 8]);
export const DEFAULT_PP_DEPTHS: readonly number[] = Object.freeze([1, 2, 4]);

/** Relative tolerance of every feasibility check (docs/model.md §7). */
export const FEASIBILITY_TOL = 1e-6;
