/**
 * The reference hourly cost B_ref of docs/model.md §6 (Revision 2), which scales the budget: the
 * own-replica reference B_own — every type served alone on its cheapest SLO-feasible
 * configuration in whole replicas, nothing shared — plus token storage and the storage of the
 * models those routes use. The fluid rental B_fluid is kept as information. Everything per
 * configuration comes from `derive()`; the generator and `inspect` both read this module.
 */
import { derive, type Derived } from '../solvers/problem/derived.ts';
import type { Instance } from '../solvers/problem/types.ts';

/**
 * Rental per request at full utilisation, p_k·n·m / μ_ic with μ_ic = 3600·Φ_c/ω_ij requests per
 * replica-hour.
 */
export function usdPerRequest(d: Derived, i: number, c: number): number {
  const cfg = d.configs[c];
  return (cfg.price_usd_per_h * d.work_flop[i * d.J + cfg.j]) / (3600 * cfg.throughput_flop_s);
}

export interface OwnRoute {
  /** Index into `derive(inst).configs`. */
  config: number;
  /** ⌈max(load_ic, kv_ic)⌉: whole replicas type i's demand needs alone on the configuration. */
  replicas: number;
  /** replicas · p_k·n·m, $/h. */
  rental_usd_per_h: number;
}

/**
 * Per type, the configuration that meets both SLOs on its own and carries the type's whole demand
 * alone at the lowest rental in whole replicas, or null when none meets the SLOs. Ties keep the
 * first configuration in `derive()` order.
 */
export function ownReplicaRoutes(inst: Instance): (OwnRoute | null)[] {
  const d = derive(inst);
  const C = d.configs.length;
  return inst.types.map((_, i) => {
    let best: OwnRoute | null = null;
    for (let c = 0; c < C; c++) {
      if (!d.sloFeasible(i, c)) continue;
      const replicas = Math.ceil(Math.max(d.load_replicas[i * C + c], d.kv_replicas[i * C + c]));
      const rental = replicas * d.configs[c].price_usd_per_h;
      if (best === null || rental < best.rental_usd_per_h) best = { config: c, replicas, rental_usd_per_h: rental };
    }
    return best;
  });
}

export interface ReferenceCost {
  /** B_own's rental: Σ_i of each type's own-replica route rental, $/h. */
  own_rental_usd_per_h: number;
  /** B_fluid = Σ_i λ_i · min_c p_k·n·m/μ_ic over routes feasible on their own, $/h (information). */
  fluid_rental_usd_per_h: number;
  /** Token storage of every type's whole demand, $/h. */
  token_storage_usd_per_h: number;
  /** Storage of the models the own-replica routes use, $/h. */
  model_storage_usd_per_h: number;
  /** B_ref = B_own: own rental + token storage + model storage, $/h. */
  reference_cost_usd_per_h: number;
  /** Types with no route that meets both SLOs on its own: they add no rental. */
  unservable_types: string[];
}

/**
 * B_ref: a reference, not a bound (a plan that shares deployments can be cheaper, pools are
 * ignored); it only sets the budget's scale, so that in S1 a plan sharing nothing fits.
 */
export function referenceCost(inst: Instance): ReferenceCost {
  const d = derive(inst);
  const routes = ownReplicaRoutes(inst);
  let own = 0;
  let fluid = 0;
  const usedModels = new Set<number>();
  routes.forEach((r, i) => {
    if (r === null) return;
    own += r.rental_usd_per_h;
    usedModels.add(d.configs[r.config].j);
    let cheapest = Infinity;
    for (let c = 0; c < d.configs.length; c++) if (d.sloFeasible(i, c)) cheapest = Math.min(cheapest, usdPerRequest(d, i, c));
    fluid += inst.types[i].rate_per_h * cheapest;
  });
  const tokens = d.token_storage_usd_per_h.reduce((a, b) => a + b, 0);
  let models = 0;
  for (const j of [...usedModels].sort((a, b) => a - b)) models += d.model_storage_usd_per_h[j];
  return {
    own_rental_usd_per_h: own,
    fluid_rental_usd_per_h: fluid,
    token_storage_usd_per_h: tokens,
    model_storage_usd_per_h: models,
    reference_cost_usd_per_h: own + tokens + models,
    unservable_types: inst.types.filter((_, i) => routes[i] === null).map((t) => t.name),
  };
}
