/**
 * The independent evaluator (docs/model.md §7): scores any plan against any instance. It
 * recomputes the left- and right-hand side of every constraint of docs/model.md §4 from the raw
 * plan, reports each violation with its magnitude, and recomputes the objective of §5 with its
 * five terms. It is the only source of cost and feasibility figures in the project's results.
 *
 * `evaluate` tallies the plan (deployments, then routes, then types) and checks each constraint
 * family with its own function below; the report lists violations in the order the tallies reach
 * them (per deployment, per pair, per route, per type, per configuration, per GPU model, then
 * storage and budget).
 */
import { FEASIBILITY_TOL } from './constants.ts';
import { configFacts, derive, routeDelayS, type ConfigFacts, type Derived } from './derived.ts';
import type { ConfigKey, Deployment, Instance, Plan, QueryType, Route } from './types.ts';

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

/** The five objective terms of docs/model.md §5, $ over the horizon. */
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

/** Where the family checks report broken rows, and how rows are named. */
class Report {
  readonly violations: Violation[] = [];
  constructor(private readonly inst: Instance) {}

  add(family: ConstraintFamily, constraint: string, lhs: number, rhs: number, magnitude = lhs - rhs): void {
    this.violations.push({ family, constraint, lhs, rhs, magnitude });
  }

  label(c: ConfigKey): string {
    return `${this.inst.models[c.j].name}@${this.inst.tiers[c.k].name} n${c.n} m${c.m}`;
  }
}

const configKey = (c: ConfigKey) => `${c.j},${c.k},${c.n},${c.m}`;

// --- One function per constraint family (docs/model.md §4) ----------------------------------

/** 1. demand: Σ_c x_ic + u_i = 1 for type t. */
function demandRow(rep: Report, t: QueryType, total: number): void {
  if (Math.abs(total - 1) > FEASIBILITY_TOL) rep.add('demand', `demand[${t.name}]`, total, 1, Math.abs(total - 1));
}

/** 2. layout: at most one layout per model–tier pair. */
function layoutRows(rep: Report, inst: Instance, layoutsPerPair: Map<string, number>): void {
  for (const [pair, count] of layoutsPerPair) {
    if (count > 1) {
      const [j, k] = pair.split(',').map(Number);
      rep.add('layout', `one_layout[${inst.models[j].name}@${inst.tiers[k].name}]`, count, 1);
    }
  }
}

/** 3. linking, w ≤ s: a deployment's model is stored. */
function storedModelRow(rep: Report, dep: Deployment, stored: Set<number>): void {
  if (!stored.has(dep.j)) rep.add('linking', `w<=s[${rep.label(dep)}]`, 1, 0);
}

/** 3. linking, r ≤ R̄·w: every deployment's replicas within its layout's cap. */
function replicaCapRows(rep: Report, inst: Instance, plan: Plan): void {
  for (const dep of plan.deployments) {
    const facts = configFacts(inst, dep);
    if (broken(dep.replicas, facts.max_replicas)) rep.add('linking', `r<=Rbar*w[${rep.label(dep)}]`, dep.replicas, facts.max_replicas);
  }
}

/** 3. linking, x ≤ w: a route with a share runs on a deployed layout. */
function deployedRouteRow(rep: Report, t: QueryType, r: Route, deployed: boolean): void {
  if (r.share > FEASIBILITY_TOL && !deployed) rep.add('linking', `x<=w[${t.name} -> ${rep.label(r)}]`, r.share, 0);
}

/** memory: a deployment on a layout whose weights do not fit in GPU memory. */
function memoryRow(rep: Report, inst: Instance, dep: Deployment, facts: ConfigFacts): void {
  if (!facts.memory_valid) {
    const cap = (1 - inst.constants.r_mem) * inst.gpus[facts.gpu].memory_gb;
    rep.add('memory', `weights_per_gpu[${rep.label(dep)}]`, facts.weights_per_gpu_gb, cap);
  }
}

/** memory: a route with a share on a memory-invalid layout that is not deployed either. */
function invalidRouteRow(rep: Report, inst: Instance, t: QueryType, r: Route, facts: ConfigFacts, deployed: boolean): void {
  if (r.share > FEASIBILITY_TOL && !deployed) {
    rep.add('memory', `route_on_invalid_layout[${t.name} -> ${rep.label(r)}]`, facts.weights_per_gpu_gb, (1 - inst.constants.r_mem) * inst.gpus[facts.gpu].memory_gb);
  }
}

/** 4. throughput: load ≤ replicas on configuration c (replica units, as in the MILP). */
function throughputRow(rep: Report, d: Derived, c: number, load: number, replicas: number): void {
  if (broken(load, replicas)) rep.add('throughput', `throughput[${rep.label(d.configs[c])}]`, load, replicas);
}

/** 5. kv_memory: KV cache ≤ replicas on configuration c (replica units). */
function kvMemoryRow(rep: Report, d: Derived, c: number, kv: number, replicas: number): void {
  if (broken(kv, replicas)) rep.add('kv_memory', `kv_memory[${rep.label(d.configs[c])}]`, kv, replicas);
}

/** 6. pool: GPUs rented per GPU model within its pool. */
function poolRows(rep: Report, inst: Instance, gpusByModel: number[]): void {
  inst.gpus.forEach((g, gi) => {
    if (broken(gpusByModel[gi], g.pool_gpus)) rep.add('pool', `pool[${g.name}]`, gpusByModel[gi], g.pool_gpus);
  });
}

/** 7. storage: stored models within the storage capacity. */
function storageRow(rep: Report, inst: Instance, storageGb: number): void {
  const cap = inst.system.storage_capacity_gb;
  if (broken(storageGb, cap)) rep.add('storage', 'storage', storageGb, cap);
}

/** 8. budget: the spend over the horizon within the budget. */
function budgetRow(rep: Report, inst: Instance, spend: number): void {
  if (broken(spend, inst.system.budget_usd)) rep.add('budget', 'budget', spend, inst.system.budget_usd);
}

/** 9. delay_slo, error_slo, per-route mode: a used route meets both SLOs on its own. */
function routeSloRows(rep: Report, t: QueryType, r: Route, D: number, e: number): void {
  if (r.share > FEASIBILITY_TOL) {
    if (broken(D, t.delay_slo_s)) rep.add('delay_slo', `route_delay[${t.name} -> ${rep.label(r)}]`, D, t.delay_slo_s);
    if (broken(e, t.error_slo)) rep.add('error_slo', `route_error[${t.name} -> ${rep.label(r)}]`, e, t.error_slo);
  }
}

/** 9. delay_slo, error_slo, average mode: the served part of type t meets both on average. */
function meanSloRows(rep: Report, t: QueryType, served: number, delaySum: number, errorSum: number): void {
  // Right-hand side is the served share: dropping demand must not relax an SLO.
  if (broken(delaySum, t.delay_slo_s * served, t.delay_slo_s * Math.max(1, served))) {
    rep.add('delay_slo', `mean_delay[${t.name}]`, delaySum, t.delay_slo_s * served);
  }
  if (broken(errorSum, t.error_slo * served, t.error_slo * Math.max(1, served))) {
    rep.add('error_slo', `mean_error[${t.name}]`, errorSum, t.error_slo * served);
  }
}

// --- Tallies of the plan ---------------------------------------------------------------------

/** Deployments (w, r) and stored models (s), with the memory and w ≤ s rows of each deployment. */
interface DeploymentTally {
  stored: Set<number>;
  replicas: Float64Array;
  /** Config key → replicas (memory-invalid configs included). */
  deployedKeys: Map<string, number>;
  layoutsPerPair: Map<string, number>;
  rentalPerH: number;
  gpusByModel: number[];
}

function tallyDeployments(rep: Report, inst: Instance, d: Derived, plan: Plan): DeploymentTally {
  const stored = new Set(plan.stored_models);
  const replicas = new Float64Array(d.configs.length);
  const deployedKeys = new Map<string, number>();
  const layoutsPerPair = new Map<string, number>();
  let rentalPerH = 0;
  const gpusByModel = new Array<number>(inst.gpus.length).fill(0);
  for (const dep of plan.deployments) {
    const key = configKey(dep);
    const facts = configFacts(inst, dep);
    memoryRow(rep, inst, dep, facts);
    const pair = `${dep.j},${dep.k}`;
    layoutsPerPair.set(pair, (layoutsPerPair.get(pair) ?? 0) + 1);
    deployedKeys.set(key, (deployedKeys.get(key) ?? 0) + dep.replicas);
    const c = d.configIndex(dep);
    if (c >= 0) replicas[c] += dep.replicas;
    rentalPerH += facts.price_usd_per_h * dep.replicas;
    gpusByModel[facts.gpu] += facts.gpus * dep.replicas;
    storedModelRow(rep, dep, stored);
  }
  return { stored, replicas, deployedKeys, layoutsPerPair, rentalPerH, gpusByModel };
}

/** Routes (x): per-type sums and per-configuration loads, with the rows checked per route. */
interface RouteTally {
  served: Float64Array;
  /** Σ_c D_ic x_ic */
  delaySum: Float64Array;
  /** Σ_c e_ic x_ic */
  errorSum: Float64Array;
  load: Float64Array;
  kv: Float64Array;
  tokenStoragePerH: number;
  delayPenaltyPerH: number;
}

function tallyRoutes(rep: Report, inst: Instance, d: Derived, plan: Plan, deployedKeys: Map<string, number>): RouteTally {
  const I = inst.types.length;
  const C = d.configs.length;
  const served = new Float64Array(I);
  const delaySum = new Float64Array(I);
  const errorSum = new Float64Array(I);
  const load = new Float64Array(C);
  const kv = new Float64Array(C);
  let tokenStoragePerH = 0;
  let delayPenaltyPerH = 0;
  for (const r of plan.routes) {
    if (r.share === 0) continue; // x = 0 is the same as an absent route (and 0·∞ must not poison sums)
    const t = inst.types[r.i];
    const deployed = deployedKeys.has(configKey(r));
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
      invalidRouteRow(rep, inst, t, r, facts, deployed);
    }
    served[r.i] += r.share;
    delaySum[r.i] += D * r.share;
    errorSum[r.i] += e * r.share;
    tokenStoragePerH += d.token_storage_usd_per_h[r.i] * r.share;
    deployedRouteRow(rep, t, r, deployed);
    if (inst.system.slo_mode === 'per-route') routeSloRows(rep, t, r, D, e);
  }
  return { served, delaySum, errorSum, load, kv, tokenStoragePerH, delayPenaltyPerH };
}

/** Per-type outcomes and penalties, with the demand and (average mode) SLO rows of each type. */
interface TypeTally {
  types: TypeOutcome[];
  unmetPenaltyPerH: number;
  demandTotal: number;
  unmetDemand: number;
}

function tallyTypes(rep: Report, inst: Instance, d: Derived, plan: Plan, routes: RouteTally): TypeTally {
  const { served, delaySum, errorSum } = routes;
  let unmetPenaltyPerH = 0;
  let demandTotal = 0;
  let unmetDemand = 0;
  const types: TypeOutcome[] = [];
  for (let i = 0; i < inst.types.length; i++) {
    const t = inst.types[i];
    const u = plan.unmet[i];
    demandRow(rep, t, served[i] + u);
    if (inst.system.slo_mode === 'average') meanSloRows(rep, t, served[i], delaySum[i], errorSum[i]);
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
  return { types, unmetPenaltyPerH, demandTotal, unmetDemand };
}

export function evaluate(inst: Instance, plan: Plan): Evaluation {
  const d = derive(inst);
  const rep = new Report(inst);
  const deps = tallyDeployments(rep, inst, d, plan);
  layoutRows(rep, inst, deps.layoutsPerPair);
  replicaCapRows(rep, inst, plan);
  const routes = tallyRoutes(rep, inst, d, plan, deps.deployedKeys);
  const types = tallyTypes(rep, inst, d, plan, routes);
  for (let c = 0; c < d.configs.length; c++) {
    throughputRow(rep, d, c, routes.load[c], deps.replicas[c]);
    kvMemoryRow(rep, d, c, routes.kv[c], deps.replicas[c]);
  }
  poolRows(rep, inst, deps.gpusByModel);

  let storageGb = 0;
  let modelStoragePerH = 0;
  for (const j of deps.stored) {
    storageGb += d.model_storage_gb[j];
    modelStoragePerH += d.model_storage_usd_per_h[j];
  }
  storageRow(rep, inst, storageGb);
  const H = inst.system.horizon_h;
  budgetRow(rep, inst, H * (deps.rentalPerH + modelStoragePerH + routes.tokenStoragePerH));

  const terms: CostTerms = {
    rental_usd: H * deps.rentalPerH,
    model_storage_usd: H * modelStoragePerH,
    token_storage_usd: H * routes.tokenStoragePerH,
    delay_penalty_usd: H * routes.delayPenaltyPerH,
    unmet_penalty_usd: H * types.unmetPenaltyPerH,
  };
  const violations = rep.violations;
  const families = CONSTRAINT_FAMILIES.filter((f) => violations.some((v) => v.family === f));
  return {
    feasible: violations.length === 0,
    violations,
    violated_families: families,
    terms,
    cost_usd: terms.rental_usd + terms.model_storage_usd + terms.token_storage_usd + terms.delay_penalty_usd + terms.unmet_penalty_usd,
    gpus_by_model: deps.gpusByModel,
    gpus_total: deps.gpusByModel.reduce((a, b) => a + b, 0),
    unmet_rate: types.demandTotal > 0 ? types.unmetDemand / types.demandTotal : 0,
    types: types.types,
  };
}
