/**
 * A sanity view of an instance (what `inspect` prints): sizes, budget against its reference cost,
 * model size, and per type whether and how cheaply it can be served on its own (its own-replica
 * route, what B_ref rests on).
 */
import { derive, type Config } from '../solvers/problem/derived.ts';
import type { Instance, ScenarioId, SloMode } from '../solvers/problem/types.ts';
import { ownReplicaRoutes, type OwnRoute } from './reference-cost.ts';

export interface RouteSummary {
  model: string;
  tier: string;
  n: number;
  m: number;
  /** Whole replicas the type's demand needs alone on this configuration. */
  replicas: number;
  /** Their rental, $/h: the type's share of B_own. */
  rental_usd_per_h: number;
}

export interface TypeSummary {
  name: string;
  rate_per_h: number;
  input_tokens: number;
  output_tokens: number;
  delay_slo_s: number;
  error_slo: number;
  /** Configurations that meet both SLOs for this type on their own. */
  feasible_routes: number;
  /** The own-replica route B_ref rests on (docs/model.md §6), under this instance's SLOs. */
  own_route: RouteSummary | null;
}

export interface GpuSummary {
  name: string;
  price_usd_per_gpu_h: number;
  pool_gpus: number;
  tiers: number;
}

export interface InstanceSummary {
  id: string;
  sizes: { I: number; J: number; K: number };
  scenario: ScenarioId;
  slo_mode: SloMode;
  demand_scale: number;
  profile: string;
  horizon_h: number;
  budget_usd: number;
  budget_factor: number;
  /** B_ref and B_fluid as recorded in the instance (S1 data), $/h. */
  reference_cost_usd_per_h: number;
  fluid_rental_usd_per_h: number;
  /** B_ref · ΔT: what the budget is a multiple of. */
  reference_cost_usd_per_horizon: number;
  total_rate_per_h: number;
  memory_valid_configs: number;
  /** (type, configuration) pairs that meet both SLOs on their own. */
  slo_feasible_routes: number;
  types: TypeSummary[];
  /** Types with no feasible route under this instance's own SLOs (S2 tightens them). */
  unservable_types: string[];
  gpus: GpuSummary[];
}

function routeSummary(inst: Instance, cfg: Config, r: OwnRoute): RouteSummary {
  return { model: inst.models[cfg.j].name, tier: inst.tiers[cfg.k].name, n: cfg.n, m: cfg.m, replicas: r.replicas, rental_usd_per_h: r.rental_usd_per_h };
}

export function summarizeInstance(inst: Instance): InstanceSummary {
  const d = derive(inst);
  const own = ownReplicaRoutes(inst);
  const types = inst.types.map((t, i): TypeSummary => {
    let feasible = 0;
    for (let c = 0; c < d.configs.length; c++) if (d.sloFeasible(i, c)) feasible++;
    const r = own[i];
    return {
      name: t.name,
      rate_per_h: t.rate_per_h,
      input_tokens: t.input_tokens,
      output_tokens: t.output_tokens,
      delay_slo_s: t.delay_slo_s,
      error_slo: t.error_slo,
      feasible_routes: feasible,
      own_route: r === null ? null : routeSummary(inst, d.configs[r.config], r),
    };
  });
  return {
    id: inst.meta.id,
    sizes: { ...inst.meta.sizes },
    scenario: inst.meta.scenario,
    slo_mode: inst.system.slo_mode,
    demand_scale: inst.meta.demand_scale,
    profile: inst.meta.profile,
    horizon_h: inst.system.horizon_h,
    budget_usd: inst.system.budget_usd,
    budget_factor: inst.meta.budget_factor,
    reference_cost_usd_per_h: inst.meta.reference_cost_usd_per_h,
    fluid_rental_usd_per_h: inst.meta.fluid_rental_usd_per_h,
    reference_cost_usd_per_horizon: inst.meta.reference_cost_usd_per_h * inst.system.horizon_h,
    total_rate_per_h: inst.types.reduce((a, t) => a + t.rate_per_h, 0),
    memory_valid_configs: d.configs.length,
    slo_feasible_routes: types.reduce((a, t) => a + t.feasible_routes, 0),
    types,
    unservable_types: types.filter((t) => t.feasible_routes === 0).map((t) => t.name),
    gpus: inst.gpus.map((g, gi) => ({
      name: g.name,
      price_usd_per_gpu_h: g.price_usd_per_gpu_h,
      pool_gpus: g.pool_gpus,
      tiers: inst.tiers.filter((t) => t.gpu === gi).length,
    })),
  };
}
