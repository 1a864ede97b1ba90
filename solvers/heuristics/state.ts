/**
 * The mutable plan state every heuristic builds on: shares per (type, model–tier pair), the one
 * layout of each pair, replicas, and the running totals of every constraint and objective term.
 *
 * Routes are stored per pair, not per configuration: the one-layout-per-pair rule means a pair's
 * traffic always sits on `layout[p]`, so changing the layout (an M3 upgrade) moves every route at
 * once. All coefficients come from `derive()` (via `prepare()`); the state only sums them.
 */
import type { Instance, Plan } from '../problem/types.ts';
import { prepare, type Prepared } from './candidates.ts';

/** Shares below this are rounding noise and are dropped (far below the evaluator's 1e-6). */
export const SHARE_EPS = 1e-12;
/** Slack the state allows itself on its own sums (the evaluator tolerates 1e-6 relative). */
const TOL = 1e-9;

/** Replicas that carry the given load and KV sums (replica units). */
export function replicasFor(load: number, kv: number): number {
  const need = Math.max(load, kv);
  return need <= TOL ? 0 : Math.ceil(need - TOL);
}

export class PlanState {
  readonly pre: Prepared;
  readonly inst: Instance;
  readonly I: number;
  readonly P: number;
  /** x[i·P + p]: share of type i on pair p (on the pair's layout). */
  readonly x: Float64Array;
  /** Config index of each pair's layout, −1 when the pair is not deployed. */
  readonly layout: Int32Array;
  readonly typesOn: Int32Array;
  readonly replicas: Int32Array;
  /** Σ_i load_replicas·x and Σ_i kv_replicas·x on the pair's layout (replica units). */
  readonly loadSum: Float64Array;
  readonly kvSum: Float64Array;
  /** Deployed pairs per model: s_j = 1 exactly when this is positive. */
  readonly modelPairs: Int32Array;
  readonly gpusUsed: Float64Array;
  readonly served: Float64Array;
  /** Average-mode SLO rows in relative units: Σ_c (D_ic/Δ_i − 1)·x_ic and Σ_c (e_ic/ε_i − 1)·x_ic. */
  readonly slackD: Float64Array;
  readonly slackE: Float64Array;
  /**
   * Hourly totals: [rental, model storage, token storage, delay penalty, unmet penalty, storage GB].
   * One array so that a snapshot is a handful of `set` calls.
   */
  readonly sums: Float64Array;

  constructor(inst: Instance) {
    this.pre = prepare(inst);
    this.inst = inst;
    const { I, P, G } = this.pre;
    this.I = I;
    this.P = P;
    this.x = new Float64Array(I * P);
    this.layout = new Int32Array(P).fill(-1);
    this.typesOn = new Int32Array(P);
    this.replicas = new Int32Array(P);
    this.loadSum = new Float64Array(P);
    this.kvSum = new Float64Array(P);
    this.modelPairs = new Int32Array(this.pre.J);
    this.gpusUsed = new Float64Array(G);
    this.served = new Float64Array(I);
    this.slackD = new Float64Array(I);
    this.slackE = new Float64Array(I);
    this.sums = new Float64Array(6);
    this.reset();
  }

  /** The empty plan: nothing deployed, every type unmet. */
  reset(): void {
    this.x.fill(0);
    this.layout.fill(-1);
    this.typesOn.fill(0);
    this.replicas.fill(0);
    this.loadSum.fill(0);
    this.kvSum.fill(0);
    this.modelPairs.fill(0);
    this.gpusUsed.fill(0);
    this.served.fill(0);
    this.slackD.fill(0);
    this.slackE.fill(0);
    this.sums.fill(0);
    let unmet = 0;
    for (let i = 0; i < this.I; i++) unmet += this.pre.d.unmet_penalty_usd_per_h[i];
    this.sums[4] = unmet;
  }

  copyFrom(o: PlanState): void {
    this.x.set(o.x);
    this.layout.set(o.layout);
    this.typesOn.set(o.typesOn);
    this.replicas.set(o.replicas);
    this.loadSum.set(o.loadSum);
    this.kvSum.set(o.kvSum);
    this.modelPairs.set(o.modelPairs);
    this.gpusUsed.set(o.gpusUsed);
    this.served.set(o.served);
    this.slackD.set(o.slackD);
    this.slackE.set(o.slackE);
    this.sums.set(o.sums);
  }

  clone(): PlanState {
    const s = new PlanState(this.inst);
    s.copyFrom(this);
    return s;
  }

  /** Objective per hour (all five terms). */
  hourlyCost(): number {
    const s = this.sums;
    return s[0] + s[1] + s[2] + s[3] + s[4];
  }

  /** Objective over the horizon, $ — the quantity the evaluator reports as cost_usd. */
  cost(): number {
    return this.inst.system.horizon_h * this.hourlyCost();
  }

  /** Budget left per hour: δ/ΔT minus rental and storage. */
  budgetLeftPerH(): number {
    const s = this.sums;
    return this.inst.system.budget_usd / this.inst.system.horizon_h - (s[0] + s[1] + s[2]);
  }

  storageLeftGb(): number {
    return this.inst.system.storage_capacity_gb - this.sums[5];
  }

  poolLeft(g: number): number {
    return this.pre.pool[g] - this.gpusUsed[g];
  }

  unmet(i: number): number {
    return Math.max(0, 1 - this.served[i]);
  }

  /**
   * Adds share t (negative to remove) of type i to pair p on configuration c, opening the pair
   * with layout c if it is not deployed and releasing it (and its model's storage when no other
   * pair uses the model) when its last route leaves. Checks nothing: callers assess first.
   */
  addShare(i: number, p: number, c: number, t: number): void {
    const pre = this.pre;
    if (this.layout[p] < 0) this.open(p, c);
    const at = i * this.P + p;
    const old = this.x[at];
    let nx = old + t;
    if (nx <= SHARE_EPS) nx = 0;
    const dt = nx - old;
    if (dt === 0) {
      if (this.typesOn[p] === 0) this.release(p);
      return;
    }
    this.x[at] = nx;
    if (old === 0) this.typesOn[p]++;
    else if (nx === 0) this.typesOn[p]--;
    const ic = i * pre.C + c;
    this.served[i] += dt;
    this.loadSum[p] += pre.d.load_replicas[ic] * dt;
    this.kvSum[p] += pre.d.kv_replicas[ic] * dt;
    this.sums[2] += pre.d.token_storage_usd_per_h[i] * dt;
    this.sums[3] += pre.d.delay_penalty_usd_per_h[ic] * dt;
    this.sums[4] -= pre.d.unmet_penalty_usd_per_h[i] * dt;
    this.slackD[i] += pre.dRel[ic] * dt;
    this.slackE[i] += pre.eRel[at] * dt;
    if (this.typesOn[p] === 0) {
      this.loadSum[p] = 0;
      this.kvSum[p] = 0;
    }
    this.setReplicas(p, replicasFor(this.loadSum[p], this.kvSum[p]));
    if (this.typesOn[p] === 0) this.release(p);
  }

  /** Moves a deployed pair to layout c1 (M3): every route of the pair follows. */
  setLayout(p: number, c1: number): void {
    const pre = this.pre;
    const c0 = this.layout[p];
    this.setReplicas(p, 0);
    let load = 0;
    let kv = 0;
    for (let i = 0; i < this.I; i++) {
      const xi = this.x[i * this.P + p];
      if (xi === 0) continue;
      const i0 = i * pre.C + c0;
      const i1 = i * pre.C + c1;
      load += pre.d.load_replicas[i1] * xi;
      kv += pre.d.kv_replicas[i1] * xi;
      this.sums[3] += (pre.d.delay_penalty_usd_per_h[i1] - pre.d.delay_penalty_usd_per_h[i0]) * xi;
      this.slackD[i] += (pre.dRel[i1] - pre.dRel[i0]) * xi;
    }
    this.layout[p] = c1;
    this.loadSum[p] = load;
    this.kvSum[p] = kv;
    this.setReplicas(p, replicasFor(load, kv));
  }

  /** Budget, pool, storage and (average mode) SLO rows all hold. Per-route SLOs hold by construction. */
  feasible(): boolean {
    const sys = this.inst.system;
    if (this.budgetLeftPerH() < -TOL * Math.max(1, sys.budget_usd / sys.horizon_h)) return false;
    if (this.storageLeftGb() < -TOL) return false;
    for (let g = 0; g < this.pre.G; g++) if (this.poolLeft(g) < -TOL) return false;
    if (sys.slo_mode === 'average') {
      for (let i = 0; i < this.I; i++) if (this.slackD[i] > TOL || this.slackE[i] > TOL) return false;
    }
    return true;
  }

  toPlan(solver: string): Plan {
    const pre = this.pre;
    const { configs } = pre.d;
    const stored: number[] = [];
    for (let j = 0; j < pre.J; j++) if (this.modelPairs[j] > 0) stored.push(j);
    const deployments: Plan['deployments'] = [];
    const routes: Plan['routes'] = [];
    const served = new Float64Array(this.I);
    for (let p = 0; p < this.P; p++) {
      const c = this.layout[p];
      if (c < 0) continue;
      const { j, k, n, m } = configs[c];
      deployments.push({ j, k, n, m, replicas: this.replicas[p] });
      for (let i = 0; i < this.I; i++) {
        const share = this.x[i * this.P + p];
        if (share === 0) continue;
        routes.push({ i, j, k, n, m, share: Math.min(1, share) });
        served[i] += Math.min(1, share);
      }
    }
    routes.sort((a, b) => a.i - b.i || a.j - b.j || a.k - b.k);
    return {
      schema: 'llm-alloc-bench/plan@1',
      instance_id: this.inst.meta.id,
      solver,
      stored_models: stored,
      deployments,
      routes,
      // From the exported shares, so that Σ x + u = 1 holds to rounding.
      unmet: Array.from(served, (s) => Math.max(0, 1 - s)),
    };
  }

  private open(p: number, c: number): void {
    const j = this.pre.d.configs[c].j;
    this.layout[p] = c;
    if (this.modelPairs[j]++ === 0) {
      this.sums[1] += this.pre.d.model_storage_usd_per_h[j];
      this.sums[5] += this.pre.d.model_storage_gb[j];
    }
  }

  private release(p: number): void {
    const c = this.layout[p];
    const j = this.pre.d.configs[c].j;
    this.setReplicas(p, 0);
    this.layout[p] = -1;
    if (--this.modelPairs[j] === 0) {
      this.sums[1] -= this.pre.d.model_storage_usd_per_h[j];
      this.sums[5] -= this.pre.d.model_storage_gb[j];
    }
  }

  private setReplicas(p: number, r: number): void {
    const cfg = this.pre.d.configs[this.layout[p]];
    const dr = r - this.replicas[p];
    if (dr === 0) return;
    this.replicas[p] = r;
    this.sums[0] += cfg.price_usd_per_h * dr;
    this.gpusUsed[cfg.gpu] += cfg.gpus * dr;
  }
}
