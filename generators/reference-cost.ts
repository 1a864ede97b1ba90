/**
 * The reference hourly cost B_ref of FORMULATION §6, which scales the budget, and the per-type
 * cheapest route it rests on. Everything per configuration comes from `derive()`.
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

export interface CheapestRoute {
  /** Index into `derive(inst).configs`. */
  config: number;
  usd_per_request: number;
}

/**
 * Per type, the configuration that meets both SLOs on its own at the lowest rental per request,
 * or null when none does. Ties keep the first configuration in `derive()` order.
 */
export function cheapestFeasibleRoutes(inst: Instance): (CheapestRoute | null)[] {
  const d = derive(inst);
  return inst.types.map((_, i) => {
    let best: CheapestRoute | null = null;
    for (let c = 0; c < d.configs.length; c++) {
      if (!d.sloFeasible(i, c)) continue;
      const usd = usdPerRequest(d, i, c);
      if (best === null || usd < best.usd_per_request) best = { config: c, usd_per_request: usd };
    }
    return best;
  });
}

export interface ReferenceCost {
  /** B_fluid = Σ_i λ_i · min_c p_k·n·m/μ_ic over routes feasible on their own, $/h. */
  fluid_rental_usd_per_h: number;
  /** Token storage of every type's whole demand, $/h. */
  token_storage_usd_per_h: number;
  /** Storage of the models B_fluid's cheapest routes use, $/h. */
  model_storage_usd_per_h: number;
  /** B_ref, the sum of the three, $/h. */
  reference_cost_usd_per_h: number;
  /** Types with no route that meets both SLOs on its own: they add no rental. */
  unservable_types: string[];
}

/**
 * B_ref: a fluid reference, not a bound (it ignores integrality, pools, KV memory and the
 * average-mode mixing); it only sets the budget's scale.
 */
export function referenceCost(inst: Instance): ReferenceCost {
  const d = derive(inst);
  const routes = cheapestFeasibleRoutes(inst);
  let fluid = 0;
  const usedModels = new Set<number>();
  routes.forEach((r, i) => {
    if (r === null) return;
    fluid += inst.types[i].rate_per_h * r.usd_per_request;
    usedModels.add(d.configs[r.config].j);
  });
  const tokens = d.token_storage_usd_per_h.reduce((a, b) => a + b, 0);
  let models = 0;
  for (const j of [...usedModels].sort((a, b) => a - b)) models += d.model_storage_usd_per_h[j];
  return {
    fluid_rental_usd_per_h: fluid,
    token_storage_usd_per_h: tokens,
    model_storage_usd_per_h: models,
    reference_cost_usd_per_h: fluid + tokens + models,
    unservable_types: inst.types.filter((_, i) => routes[i] === null).map((t) => t.name),
  };
}
