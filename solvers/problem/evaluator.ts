/**
 * The independent evaluator (FORMULATION §10): scores any plan against any instance. It
 * recomputes the left- and right-hand side of every constraint of §4 from the raw plan, reports
 * each violation with its magnitude, and recomputes the objective of §5 with its five terms.
 * It is the only source of cost and feasibility figures in the project's results.
 */
import { FEASIBILITY_TOL } from './constants.ts';
import { configFacts, derive, routeDelayS } from './derived.ts';
import type { ConfigKey, Instance, Plan } from './types.ts';

export type ConstraintFamily =
  | 'demand'
  | 'layout'
  | 'linking'
  | 'memory'
  | 'throughput'
  | 'kv_memory'
  | 'pool'
  | 'storage'
  | 'budget'
  | 'delay_slo'
  | 'error_slo';

export const CONSTRAINT_FAMILIES: readonly ConstraintFamily[] = [
  'demand', 'layout', 'linking', 'memory', 'throughput', 'kv_memory', 'pool', 'storage', 'budget', 'delay_slo', 'error_slo',
];

export interface Violation {
  family: ConstraintFamily;
  /** Which row, e.g. `throughput[Llama-3.1-8B@H100-80GB/FP16 n2 m1]`. */
  constraint: string;
  lhs: number;
  rhs: number;
  /** How far the row is broken, in the row's own unit (lhs − rhs, or |lhs − rhs| for equalities). */
  magnitude: number;
}

/** The five objective terms of §5, $ over the horizon. */
export interface CostTerms {
  rental_usd: number;
  model_storage_usd: number;
  token_storage_usd: number;
  delay_penalty_usd: number;
  unmet_penalty_usd: number;
}

export interface TypeOutcome {
  name: string;
  served_share: number;
  unmet_share: number;
  /** Served-share-weighted mean delay and error (NaN when nothing is served). */
  mean_delay_s: number;
  mean_error: number;
}

export interface Evaluation {
  feasible: boolean;
  violations: Violation[];
  violated_families: ConstraintFamily[];
  terms: CostTerms;
  cost_usd: number;
  /** GPUs rented per physical GPU model (index as `instance.gpus`). */
  gpus_by_model: number[];
  gpus_total: number;
  /** Demand-weighted share of requests left unserved by the plan (Σ λ_i u_i / Σ λ_i). */
  unmet_rate: number;
  types: TypeOutcome[];
}

/** A row `lhs ≤ rhs` is broken when it fails by more than FEASIBILITY_TOL relative to the row's scale. */
export function broken(lhs: number, rhs: number, scale = Math.max(1, Math.abs(rhs))): boolean {
  return lhs - rhs > FEASIBILITY_TOL * scale;
}

export function evaluate(inst: Instance, plan: Plan): Evaluation {
  const d = derive(inst);
  const I = inst.types.length;
  const C = d.configs.length;
  const violations: Violation[] = [];
  const add = (family: ConstraintFamily, constraint: string, lhs: number, rhs: number, magnitude = lhs - rhs) =>
    violations.push({ family, constraint, lhs, rhs, magnitude });
  const label = (c: ConfigKey) => `${inst.models[c.j].name}@${inst.tiers[c.k].name} n${c.n} m${c.m}`;
  const sys = inst.system;

  // --- Deployments (w, r) and storage (s) -------------------------------------------------
  const stored = new Set(plan.stored_models);
  const replicas = new Float64Array(C);
  const deployedKeys = new Map<string, number>(); // config key → replicas (incl. memory-invalid configs)
  const layoutsPerPair = new Map<string, number>();
  let rentalPerH = 0;
  const gpusByModel = new Array<number>(inst.gpus.length).fill(0);
  for (const dep of plan.deployments) {
    const key = `${dep.j},${dep.k},${dep.n},${dep.m}`;
    const facts = configFacts(inst, dep);
    if (!facts.memory_valid) {
      const cap = (1 - inst.constants.r_mem) * inst.gpus[facts.gpu].memory_gb;
      add('memory', `weights_per_gpu[${label(dep)}]`, facts.weights_per_gpu_gb, cap);
    }
    const pair = `${dep.j},${dep.k}`;
    layoutsPerPair.set(pair, (layoutsPerPair.get(pair) ?? 0) + 1);
    deployedKeys.set(key, (deployedKeys.get(key) ?? 0) + dep.replicas);
    const c = d.configIndex(dep);
    if (c >= 0) replicas[c] += dep.replicas;
    rentalPerH += facts.price_usd_per_h * dep.replicas;
    gpusByModel[facts.gpu] += facts.gpus * dep.replicas;
    if (!stored.has(dep.j)) add('linking', `w<=s[${label(dep)}]`, 1, 0);
  }
  for (const [pair, count] of layoutsPerPair) {
    if (count > 1) {
      const [j, k] = pair.split(',').map(Number);
      add('layout', `one_layout[${inst.models[j].name}@${inst.tiers[k].name}]`, count, 1);
    }
  }
  for (const dep of plan.deployments) {
    const facts = configFacts(inst, dep);
    if (broken(dep.replicas, facts.max_replicas)) add('linking', `r<=Rbar*w[${label(dep)}]`, dep.replicas, facts.max_replicas);
  }

  // --- Routes (x) -------------------------------------------------------------------------
  const served = new Float64Array(I);
  const delaySum = new Float64Array(I); // Σ_c D_ic x_ic
  const errorSum = new Float64Array(I); // Σ_c e_ic x_ic
  const load = new Float64Array(C);
  const kv = new Float64Array(C);
  let tokenStoragePerH = 0;
  let delayPenaltyPerH = 0;
  for (const r of plan.routes) {
    if (r.share === 0) continue; // x = 0 is the same as an absent route (and 0·∞ must not poison sums)
    const t = inst.types[r.i];
    const key = `${r.j},${r.k},${r.n},${r.m}`;
    const c = d.configIndex(r);
    let D: number;
    let e: number;
    if (c >= 0) {
      D = d.delay_s[r.i * C + c];
      e = d.errorOf(r.i, c);
      load[c] += d.load_replicas[r.i * C + c] * r.share;
      kv[c] += d.kv_replicas[r.i * C + c] * r.share;
      delayPenaltyPerH += d.delay_penalty_usd_per_h[r.i * C + c] * r.share;
    } else {
      // A route on a layout that does not fit in memory: reported, and priced at its nominal delay.
      const facts = configFacts(inst, r);
      D = routeDelayS(t, facts);
      e = (t.base_error / inst.models[r.j].capability) * inst.tiers[r.k].error_factor;
      delayPenaltyPerH += t.delay_penalty_usd_per_req_s * t.rate_per_h * D * r.share;
      if (r.share > FEASIBILITY_TOL && !deployedKeys.has(key)) {
        add('memory', `route_on_invalid_layout[${t.name} -> ${label(r)}]`, facts.weights_per_gpu_gb, (1 - inst.constants.r_mem) * inst.gpus[facts.gpu].memory_gb);
      }
    }
    served[r.i] += r.share;
    delaySum[r.i] += D * r.share;
    errorSum[r.i] += e * r.share;
    tokenStoragePerH += d.token_storage_usd_per_h[r.i] * r.share;
    if (r.share > FEASIBILITY_TOL && !deployedKeys.has(key)) add('linking', `x<=w[${t.name} -> ${label(r)}]`, r.share, 0);
    if (sys.slo_mode === 'per-route' && r.share > FEASIBILITY_TOL) {
      if (broken(D, t.delay_slo_s)) add('delay_slo', `route_delay[${t.name} -> ${label(r)}]`, D, t.delay_slo_s);
      if (broken(e, t.error_slo)) add('error_slo', `route_error[${t.name} -> ${label(r)}]`, e, t.error_slo);
    }
  }

  // --- Per-type rows: demand and (average mode) SLOs ----------------------------------------
  let unmetPenaltyPerH = 0;
  let demandTotal = 0;
  let unmetDemand = 0;
  const types: TypeOutcome[] = [];
  for (let i = 0; i < I; i++) {
    const t = inst.types[i];
    const u = plan.unmet[i];
    const total = served[i] + u;
    if (Math.abs(total - 1) > FEASIBILITY_TOL) add('demand', `demand[${t.name}]`, total, 1, Math.abs(total - 1));
    if (sys.slo_mode === 'average') {
      // Right-hand side is the served share: dropping demand must not relax an SLO.
      if (broken(delaySum[i], t.delay_slo_s * served[i], t.delay_slo_s * Math.max(1, served[i]))) {
        add('delay_slo', `mean_delay[${t.name}]`, delaySum[i], t.delay_slo_s * served[i]);
      }
      if (broken(errorSum[i], t.error_slo * served[i], t.error_slo * Math.max(1, served[i]))) {
        add('error_slo', `mean_error[${t.name}]`, errorSum[i], t.error_slo * served[i]);
      }
    }
    unmetPenaltyPerH += d.unmet_penalty_usd_per_h[i] * u;
    demandTotal += t.rate_per_h;
    unmetDemand += t.rate_per_h * u;
    types.push({
      name: t.name,
      served_share: served[i],
      unmet_share: u,
      mean_delay_s: served[i] > 0 ? delaySum[i] / served[i] : NaN,
      mean_error: served[i] > 0 ? errorSum[i] / served[i] : NaN,
    });
  }

  // --- Capacity rows (replica units, as in the MILP) ----------------------------------------
  for (let c = 0; c < C; c++) {
    const cfg = d.configs[c];
    if (broken(load[c], replicas[c])) add('throughput', `throughput[${label(cfg)}]`, load[c], replicas[c]);
    if (broken(kv[c], replicas[c])) add('kv_memory', `kv_memory[${label(cfg)}]`, kv[c], replicas[c]);
  }
  inst.gpus.forEach((g, gi) => {
    if (broken(gpusByModel[gi], g.pool_gpus)) add('pool', `pool[${g.name}]`, gpusByModel[gi], g.pool_gpus);
  });

  // --- Storage and budget -----------------------------------------------------------------
  let storageGb = 0;
  let modelStoragePerH = 0;
  for (const j of stored) {
    storageGb += d.model_storage_gb[j];
    modelStoragePerH += d.model_storage_usd_per_h[j];
  }
  if (broken(storageGb, sys.storage_capacity_gb)) add('storage', 'storage', storageGb, sys.storage_capacity_gb);
  const H = sys.horizon_h;
  const spend = H * (rentalPerH + modelStoragePerH + tokenStoragePerH);
  if (broken(spend, sys.budget_usd)) add('budget', 'budget', spend, sys.budget_usd);

  const terms: CostTerms = {
    rental_usd: H * rentalPerH,
    model_storage_usd: H * modelStoragePerH,
    token_storage_usd: H * tokenStoragePerH,
    delay_penalty_usd: H * delayPenaltyPerH,
    unmet_penalty_usd: H * unmetPenaltyPerH,
  };
  const families = CONSTRAINT_FAMILIES.filter((f) => violations.some((v) => v.family === f));
  return {
    feasible: violations.length === 0,
    violations,
    violated_families: families,
    terms,
    cost_usd: terms.rental_usd + terms.model_storage_usd + terms.token_storage_usd + terms.delay_penalty_usd + terms.unmet_penalty_usd,
    gpus_by_model: gpusByModel,
    gpus_total: gpusByModel.reduce((a, b) => a + b, 0),
    unmet_rate: demandTotal > 0 ? unmetDemand / demandTotal : 0,
    types,
  };
}
