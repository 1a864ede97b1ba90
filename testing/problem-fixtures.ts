/**
 * A tiny hand-made instance for tests whose expected numbers are worked out by hand from
 * docs/model.md §2–§5: one type (the §2 worked example, h=2048, f=28), Llama-3.1-8B and
 * Llama-3.1-70B, one RTX-4090 pool with an FP16 and an INT8 tier.
 */
import { DEFAULT_CONSTANTS } from '../solvers/problem/constants.ts';
import type { Instance, Plan } from '../solvers/problem/types.ts';

export function tinyInstance(): Instance {
  return {
    schema: 'llm-alloc-bench/instance@1',
    meta: {
      id: 'tiny', seed: 0, sizes: { I: 1, J: 2, K: 2 }, scenario: 'S1', demand_scale: 1, budget_factor: 1.5,
      profile: 'hand-made', generator: 'fixtures', reference_cost_usd_per_h: 10, fluid_rental_usd_per_h: 8, unservable_types: [],
    },
    constants: { ...DEFAULT_CONSTANTS },
    parallelism: { tp_degrees: [1, 2, 4, 8], pp_depths: [1, 2, 4] },
    system: { slo_mode: 'average', horizon_h: 24, budget_usd: 1000, storage_capacity_gb: 1000, storage_price_usd_per_gb_h: 0.002 },
    types: [
      {
        name: 'Code', input_tokens: 2048, output_tokens: 28, rate_per_h: 3600, delay_slo_s: 2, error_slo: 0.05, base_error: 0.1,
        delay_penalty_usd_per_req_s: 1e-4, unmet_penalty_usd_per_req: 0.05, storage_gb_per_token: 1e-6,
      },
    ],
    models: [
      { name: 'Llama-3.1-8B', params_b: 8.03, layers: 32, kv_bytes_per_token: 131072, capability: 3 },
      { name: 'Llama-3.1-70B', params_b: 70.6, layers: 80, kv_bytes_per_token: 327680, capability: 8 },
    ],
    gpus: [{ name: 'RTX-4090', memory_gb: 24, bandwidth_gb_s: 1008, price_usd_per_gpu_h: 0.35, pool_gpus: 64 }],
    tiers: [
      { name: 'RTX-4090/FP16', gpu: 0, precision: 'FP16', tflops: 165, bytes_per_param: 2, error_factor: 1 },
      { name: 'RTX-4090/INT8', gpu: 0, precision: 'INT8', tflops: 330, bytes_per_param: 1, error_factor: 1.15 },
    ],
  };
}

/** Serves all of type 0 with one replica of Llama-3.1-8B on RTX-4090/FP16, TP1/PP1. */
export function tinyPlan(): Plan {
  return {
    schema: 'llm-alloc-bench/plan@1',
    instance_id: 'tiny',
    solver: 'hand',
    stored_models: [0],
    deployments: [{ j: 0, k: 0, n: 1, m: 1, replicas: 1 }],
    routes: [{ i: 0, j: 0, k: 0, n: 1, m: 1, share: 1 }],
    unmet: [0],
  };
}
