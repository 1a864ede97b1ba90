/**
 * Test support for the generator tests: a small synthetic profile (so tests do not need the trace
 * files) and an independent re-implementation of the docs/model.md §2/§6 formulas that the tests
 * compare the generator's B_ref and the summary against. Deliberately written from the spec's
 * text, not from `derive()`.
 */
import type { Instance } from '../solvers/problem/types.ts';
import type { ProfileBundle, ShapeCell, SliceStats, TraceProfile } from '../traces/profile.ts';

const slice = (share: number, count: number, mean_h: number, mean_f: number): SliceStats => ({ share, count, mean_h, mean_f });
const cell = (log2_h: number, log2_f: number, count: number, total: number, mean_h: number, mean_f: number): ShapeCell => ({
  log2_h, log2_f, ...slice(count / total, count, mean_h, mean_f),
});

function trace(source: string, requests: number, ratePerHour: number, parts: Pick<TraceProfile, 'context_tokens' | 'generated_tokens' | 'slices' | 'shape_grid'>): TraceProfile {
  return {
    source,
    schema_year: 2023,
    requests,
    bad_rows_skipped: 0,
    first_timestamp: '2023-11-16T18:00:00.000Z',
    last_timestamp: '2023-11-16T19:00:00.000Z',
    duration_s: 3600,
    rate_per_hour: ratePerHour,
    arrivals: { bin_origin: '2023-11-16T18:00:00.000Z', per_minute: [requests], per_5_minutes: [requests] },
    ...parts,
  };
}

/**
 * code: 1000 requests/h; conv: 2000 requests/h. Pooled shape cells by count: (10,4) 1600 with
 * mean h 1375, mean f 23.125; (9,7) 1200; (8,8) 800; (11,5) 400 — of 4000 requests.
 */
export function syntheticProfile(): ProfileBundle {
  const stats = (mean: number) => ({ mean, p10: 1, p50: 2, p90: 3, p99: 4 });
  return {
    schema: 'llm-alloc-bench/profile@1',
    created_by: 'generators test',
    citation: 'synthetic',
    traces: {
      code: trace('code.csv', 1000, 1000, {
        context_tokens: stats(2000.4),
        generated_tokens: stats(30.6),
        slices: { lt_0_1: slice(0.8, 800, 2300, 20), '0_1_to_0_5': slice(0.15, 150, 300, 60), ge_0_5: slice(0.05, 50, 90, 100) },
        shape_grid: [cell(10, 4, 600, 1000, 1500, 20), cell(11, 5, 400, 1000, 2800, 45)],
      }),
      conv: trace('conv.csv', 3000, 2000, {
        context_tokens: stats(1100),
        generated_tokens: stats(210),
        slices: { lt_0_1: slice(0.25, 750, 2600.4, 70.6), '0_1_to_0_5': slice(0.6, 1800, 800, 250), ge_0_5: slice(0.15, 450, 300, 260) },
        shape_grid: [cell(9, 7, 1200, 3000, 700, 200), cell(10, 4, 1000, 3000, 1300, 25), cell(8, 8, 800, 3000, 350, 300)],
      }),
    },
  };
}

export interface HandRoute {
  i: number; j: number; k: number; n: number; m: number;
  feasible: boolean;
  usd_per_request: number;
  /** ⌈max(load, kv)⌉ replicas for the type's whole demand alone, times p_k·n·m, $/h. */
  own_rental: number;
}

/** Every memory-valid (type, configuration) pair with its SLO feasibility and rental per request. */
export function handRoutes(inst: Instance): HandRoute[] {
  const out: HandRoute[] = [];
  inst.types.forEach((q, i) => inst.models.forEach((mod, j) => inst.tiers.forEach((t, k) => {
    const g = inst.gpus[t.gpu];
    for (const n of [1, 2, 4, 8]) {
      for (const m of [1, 2, 4]) {
        if ((mod.params_b * t.bytes_per_param) / (n * m) > 0.9 * g.memory_gb) continue;
        const prefill = (q.input_tokens * 2 * mod.params_b * 1e9) / (n * t.tflops * 1e12 * 0.5);
        const perToken = (mod.params_b * t.bytes_per_param) / (n * g.bandwidth_gb_s * 0.7)
          + (n === 1 ? 0 : 2 * mod.layers * 8e-6 * Math.log2(n)) + (m - 1) * 2e-4;
        const delay = prefill + q.output_tokens * perToken;
        const error = (q.base_error / mod.capability) * t.error_factor;
        const mu = (3600 * n * m * t.tflops * 1e12 * 0.35) / (2 * mod.params_b * 1e9 * (q.input_tokens + q.output_tokens));
        const free = n * m * 0.9 * g.memory_gb - mod.params_b * t.bytes_per_param;
        const kv = ((q.rate_per_h / 3600) * delay * (mod.kv_bytes_per_token * (q.input_tokens + q.output_tokens)) / 1e9) / free;
        const replicas = Math.ceil(Math.max(q.rate_per_h / mu, free > 0 ? kv : Infinity));
        out.push({
          i, j, k, n, m, feasible: delay <= q.delay_slo_s && error <= q.error_slo,
          usd_per_request: (g.price_usd_per_gpu_h * n * m) / mu, own_rental: replicas * g.price_usd_per_gpu_h * n * m,
        });
      }
    }
  })));
  return out;
}

/** Per type, the feasible route with the least `by` (first in (j, k, n, m) order on ties). */
export function handCheapest(inst: Instance, by: 'usd_per_request' | 'own_rental' = 'own_rental'): (HandRoute | null)[] {
  const routes = handRoutes(inst).filter((r) => r.feasible);
  return inst.types.map((_, i) => routes.filter((r) => r.i === i).reduce<HandRoute | null>((best, r) => (best === null || r[by] < best[by] ? r : best), null));
}

/** B_ref (own-replica reference) and B_fluid of docs/model.md §6 from the formulas. */
export function handReferenceCost(inst: Instance) {
  const ps = inst.system.storage_price_usd_per_gb_h;
  const own = handCheapest(inst, 'own_rental');
  const perRequest = handCheapest(inst, 'usd_per_request');
  const ownRental = own.reduce((a, r) => a + (r ? r.own_rental : 0), 0);
  const fluid = inst.types.reduce((a, t, i) => a + (perRequest[i] ? t.rate_per_h * perRequest[i]!.usd_per_request : 0), 0);
  const tokens = inst.types.reduce((a, t) => a + ps * t.storage_gb_per_token * (t.input_tokens + t.output_tokens) * t.rate_per_h, 0);
  const usedModels = new Set(own.filter((r) => r !== null).map((r) => r!.j));
  const models = [...usedModels].reduce((a, j) => a + ps * 2 * inst.models[j].params_b, 0);
  return {
    fluid,
    ownRental,
    reference: ownRental + tokens + models,
    usedModels,
    unservable: inst.types.filter((_, i) => own[i] === null).map((t) => t.name),
  };
}
