/**
 * Instances for the exact-solver tests: generated ones at base size, and tiny ones cut out of a
 * generated base instance (two types, two models, two tiers, small pools, two layouts per pair)
 * so that `bruteForce` can enumerate them.
 */
import { generateInstance, type Sizes } from '../generators/instance.ts';
import { uniform } from '../generators/random.ts';
import { stream, type Rng } from '../lib/random.ts';
import { DEFAULT_PROFILE_PATH, loadProfileBundle } from '../traces/profile.ts';
import { derive } from '../solvers/problem/derived.ts';
import type { Instance, ScenarioId, SloMode } from '../solvers/problem/types.ts';

let profile: ReturnType<typeof loadProfileBundle> | undefined;

export function testInstance(sizes: Sizes, seed: number, sloMode: SloMode, scenario: ScenarioId = 'S1'): Instance {
  profile ??= loadProfileBundle(DEFAULT_PROFILE_PATH);
  return generateInstance({ sizes, seed, scenario, sloMode, profile, profileName: 'azure-2023 (default)' });
}

/** The instance with every tier repeated once as a clone (`…#2`), as the catalog does past its distinct tiers. */
export function withClonedTiers(base: Instance): Instance {
  const inst = structuredClone(base);
  inst.tiers = [...inst.tiers, ...inst.tiers.map((t) => ({ ...t, name: `${t.name}#2` }))];
  inst.meta.sizes.K = inst.tiers.length;
  return inst;
}

/** Two distinct indices below n. */
function two(rng: Rng, n: number): [number, number] {
  const a = Math.floor(rng() * n);
  const b = (a + 1 + Math.floor(rng() * (n - 1))) % n;
  return a < b ? [a, b] : [b, a];
}

/**
 * A tiny instance cut out of a generated (6,6,10) one and tuned so that every row family can
 * decide the optimum: each type has a route meeting both SLOs on its own (cut-outs are redrawn
 * until it does), its demand needs 0.5–2.5 replicas of its cheapest such route, pools hold one or
 * two of those replicas, the budget pays for roughly the replicas needed, and KV caches are
 * inflated so that the KV rows bind as often as throughput does.
 */
export function tinyInstance(seed: number, sloMode: SloMode, scenario: ScenarioId): Instance {
  const base = testInstance({ I: 6, J: 6, K: 10 }, seed, sloMode, scenario);
  const rng = stream(seed, 'tiny-test-instance', scenario, sloMode);
  let draft = cutOut(base, rng);
  for (let attempt = 0; attempt < 500 && cheapestRoutes(draft).includes(-1); attempt++) draft = cutOut(base, rng);
  const d = derive(draft);
  const C = d.configs.length;
  const best = cheapestRoutes(draft);
  const types = draft.types.map((t, i) => {
    const c = best[i];
    const need = Math.max(d.load_replicas[i * C + c], d.kv_replicas[i * C + c]);
    return c < 0 ? t : { ...t, rate_per_h: (t.rate_per_h * uniform(rng, [0.5, 2.5])) / need };
  });
  const routed = best.filter((c) => c >= 0).map((c) => d.configs[c]);
  const gpus = draft.gpus.map((g, gi) => {
    const widest = Math.max(1, ...routed.filter((cfg) => cfg.gpu === gi).map((cfg) => cfg.gpus));
    return { ...g, pool_gpus: widest * (1 + Math.floor(rng() * 2)) };
  });
  const rentalPerH = routed.reduce((sum, cfg) => sum + cfg.price_usd_per_h, 0);
  return {
    ...draft,
    types,
    gpus,
    system: { ...draft.system, budget_usd: draft.system.horizon_h * rentalPerH * uniform(rng, [0.8, 2.5]) },
  };
}

/** Per type, the configuration that serves it on its own most cheaply per request (−1: none). */
function cheapestRoutes(inst: Instance): number[] {
  const d = derive(inst);
  const C = d.configs.length;
  return inst.types.map((_, i) => {
    let best = -1;
    let bestCost = Infinity;
    for (const cfg of d.configs) {
      const at = i * C + cfg.index;
      const cost = cfg.price_usd_per_h * Math.max(d.load_replicas[at], d.kv_replicas[at]);
      if (d.sloFeasible(i, cfg.index) && cost < bestCost) [best, bestCost] = [cfg.index, cost];
    }
    return best;
  });
}

function cutOut(base: Instance, rng: Rng): Instance {
  const types = two(rng, base.types.length).map((i) => ({ ...base.types[i] }));
  // One of the two larger models (31B, 70B) with a smaller one.
  const models = [base.models[Math.floor(rng() * 4)], base.models[4 + Math.floor(rng() * 2)]].map((m) => ({
    ...m,
    kv_bytes_per_token: m.kv_bytes_per_token * uniform(rng, [1, 30]),
  }));
  // Half the time two tiers of one GPU model, so that they compete for its pool.
  const sameGpu = base.tiers.map((_, k) => k).filter((k) => base.tiers[k].gpu === base.tiers[Math.floor(rng() * base.tiers.length)].gpu);
  const tierIds = rng() < 0.5 && sameGpu.length >= 2 ? two(rng, sameGpu.length).map((n) => sameGpu[n]) : two(rng, base.tiers.length);
  const gpuIds = [...new Set(tierIds.map((k) => base.tiers[k].gpu))];
  return {
    ...base,
    meta: { ...base.meta, id: `tiny-${base.meta.seed}-${base.meta.scenario}-${base.system.slo_mode}`, sizes: { I: 2, J: 2, K: 2 }, unservable_types: [] },
    // Two layouts per pair, up to 4 GPUs per replica so that the 31B and 70B models fit.
    parallelism: rng() < 0.5 ? { tp_degrees: [1, 4], pp_depths: [1] } : { tp_degrees: [2], pp_depths: [1, 2] },
    system: {
      ...base.system,
      // Sometimes room for the larger model only.
      storage_capacity_gb: rng() < 0.3 ? 2 * models[1].params_b + 1 : base.system.storage_capacity_gb,
    },
    types,
    models,
    gpus: gpuIds.map((g) => ({ ...base.gpus[g], pool_gpus: 8 })),
    tiers: tierIds.map((k) => ({ ...base.tiers[k], gpu: gpuIds.indexOf(base.tiers[k].gpu) })),
  };
}
