/**
 * The mutable plan state every heuristic builds on: shares per (type, model–tier pair), the one
 * layout of each pair, replicas, and the running totals of every constraint and objective term.
 *
 * Routes are stored per pair, not per configuration: the one-layout-per-pair rule means a pair's
 * traffic always sits on `layout[p]`, so changing the layout (an M3 upgrade) moves every route at
 * once. All coefficients come from `derive()` (via `prepare()`); the state only sums them.
 */
import type { Instance, Plan } from '../../problem/types.ts';
import { prepare, type Prepared } from './candidates.ts';
import { replicasFor } from './replicas.ts';

/** Shares below this are rounding noise and are dropped (far below the evaluator's 1e-6). */
export const SHARE_EPS = 1e-12;
/** Slack the state allows itself on its own sums (the evaluator tolerates 1e-6 relative). */
const TOL = 1e-9;

/**
 * Deployments of one layer, per pair: the main layer (one layout per pair), and under the `noM3`
 * ablation a second, "beside" layer — a second layout opened on an active pair instead of an M3
 * upgrade (two layouts on one pair, which the evaluator reports). Beside routes are never moved
 * once placed: the local search works on the main layer.
 */
interface Layer {
  /** x[i·P + p]: share of type i on pair p (on the layer's layout of the pair). */
  x: Float64Array;
  /** Config index of each pair's layout in this layer, −1 when not deployed. */
  layout: Int32Array;
  typesOn: Int32Array;
  replicas: Int32Array;
  /** Σ_i load_replicas·x and Σ_i kv_replicas·x on the pair's layout (replica units). */
  loadSum: Float64Array;
  kvSum: Float64Array;
}

function newLayer(I: number, P: number): Layer {
  return {
    x: new Float64Array(I * P), layout: new Int32Array(P).fill(-1), typesOn: new Int32Array(P),
    replicas: new Int32Array(P), loadSum: new Float64Array(P), kvSum: new Float64Array(P),
  };
}

function resetLayer(l: Layer): void {
  l.x.fill(0);
  l.layout.fill(-1);
  l.typesOn.fill(0);
  l.replicas.fill(0);
  l.loadSum.fill(0);
  l.kvSum.fill(0);
}

function copyLayer(to: Layer, from: Layer): void {
  to.x.set(from.x);
  to.layout.set(from.layout);
  to.typesOn.set(from.typesOn);
  to.replicas.set(from.replicas);
  to.loadSum.set(from.loadSum);
  to.kvSum.set(from.kvSum);
}

/** Pair sums on a new layout (PlanState.layoutSums). */
export interface LayoutSums {
  load: number;
  kv: number;
  /** Change in delay penalty, $/h (pricing only). */
  penalty: number;
}

const scratchSums: LayoutSums = { load: 0, kv: 0, penalty: 0 };

export class PlanState {
  readonly pre: Prepared;
  readonly inst: Instance;
  readonly I: number;
  readonly P: number;
  /** The main layer (one layout per pair); its arrays are also exposed as the fields below. */
  private readonly main: Layer;
  /** noM3 only: second layouts beside active pairs, created on first use. */
  private beside: Layer | null = null;
  /** x[i·P + p]: share of type i on pair p (on the pair's layout). */
  readonly x: Float64Array;
  /** Config index of each pair's layout, −1 when the pair is not deployed. */
  readonly layout: Int32Array;
  readonly typesOn: Int32Array;
  readonly replicas: Int32Array;
  /** Σ_i load_replicas·x and Σ_i kv_replicas·x on the pair's layout (replica units). */
  readonly loadSum: Float64Array;
  readonly kvSum: Float64Array;
  /**
   * Whether this run guards the delay rows (false under `noM1`: M1 is their guard, and an ablated
   * run must not re-check them). Set by `construct`; the state still sums them exactly.
   */
  checkDelay = true;
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
    this.main = newLayer(I, P);
    ({ x: this.x, layout: this.layout, typesOn: this.typesOn, replicas: this.replicas, loadSum: this.loadSum, kvSum: this.kvSum } = this.main);
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
    resetLayer(this.main);
    if (this.beside) resetLayer(this.beside);
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
    copyLayer(this.main, o.main);
    if (o.beside) copyLayer((this.beside ??= newLayer(this.I, this.P)), o.beside);
    else if (this.beside) resetLayer(this.beside);
    this.checkDelay = o.checkDelay;
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
    this.add(this.main, i, p, c, t);
  }

  /** noM3: adds share t of type i on a second layout c beside pair p's (see Layer). */
  addBeside(i: number, p: number, c: number, t: number): void {
    this.add((this.beside ??= newLayer(this.I, this.P)), i, p, c, t);
  }

  /** The beside layer's layout of pair p, its replicas and load sums (−1 / 0 when none). */
  besideOf(p: number): { c: number; replicas: number; load: number; kv: number } {
    const b = this.beside;
    return b && b.layout[p] >= 0 ? { c: b.layout[p], replicas: b.replicas[p], load: b.loadSum[p], kv: b.kvSum[p] } : { c: -1, replicas: 0, load: 0, kv: 0 };
  }

  private add(l: Layer, i: number, p: number, c: number, t: number): void {
    const pre = this.pre;
    if (l.layout[p] < 0) this.open(l, p, c);
    const at = i * this.P + p;
    const old = l.x[at];
    let nx = old + t;
    if (nx <= SHARE_EPS) nx = 0;
    const dt = nx - old;
    if (dt === 0) {
      if (l.typesOn[p] === 0) this.release(l, p);
      return;
    }
    l.x[at] = nx;
    if (old === 0) l.typesOn[p]++;
    else if (nx === 0) l.typesOn[p]--;
    const ic = i * pre.C + c;
    this.served[i] += dt;
    l.loadSum[p] += pre.d.load_replicas[ic] * dt;
    l.kvSum[p] += pre.d.kv_replicas[ic] * dt;
    this.sums[2] += pre.d.token_storage_usd_per_h[i] * dt;
    this.sums[3] += pre.d.delay_penalty_usd_per_h[ic] * dt;
    this.sums[4] -= pre.d.unmet_penalty_usd_per_h[i] * dt;
    this.slackD[i] += pre.dRel[ic] * dt;
    this.slackE[i] += pre.eRel[at] * dt;
    if (l.typesOn[p] === 0) {
      l.loadSum[p] = 0;
      l.kvSum[p] = 0;
    }
    this.setReplicas(l, p, replicasFor(l.loadSum[p], l.kvSum[p]));
    if (l.typesOn[p] === 0) this.release(l, p);
  }

  /** Moves a deployed pair to layout c1 (M3): every route of the pair follows. */
  setLayout(p: number, c1: number): void {
    this.setReplicas(this.main, p, 0);
    const sums = scratchSums;
    this.layoutSums(p, c1, true, sums);
    this.layout[p] = c1;
    this.loadSum[p] = sums.load;
    this.kvSum[p] = sums.kv;
    this.setReplicas(this.main, p, replicasFor(sums.load, sums.kv));
  }

  /**
   * The one computation of a layout change (M3 upgrade, agh-lns's relayout): deployed pair p's
   * routes moved from its layout to c1, their load and KV sums on c1 written to `out`. Without
   * `apply` it only prices the change (upgrade.ts's `layoutChange`): the change in delay penalty
   * goes to out.penalty, and it returns false as soon as a type on the pair would break its delay
   * SLO (when this run checks delay; per-route: on c1, average: its mean). With `apply`
   * (setLayout) each route's delay-penalty and delay-row change is booked on the state as it goes,
   * nothing is checked and out.penalty stays 0. It does not touch the layout or the replicas.
   */
  layoutSums(p: number, c1: number, apply: boolean, out: LayoutSums): boolean {
    const pre = this.pre;
    const d = pre.d;
    const c0 = this.layout[p];
    out.load = out.kv = out.penalty = 0;
    for (let i = 0; i < this.I; i++) {
      const xi = this.x[i * this.P + p];
      if (xi === 0) continue;
      const i0 = i * pre.C + c0;
      const i1 = i * pre.C + c1;
      if (!apply && this.checkDelay && (pre.perRoute ? pre.dRel[i1] > 0 : this.slackD[i] + (pre.dRel[i1] - pre.dRel[i0]) * xi > TOL)) return false;
      out.load += d.load_replicas[i1] * xi;
      out.kv += d.kv_replicas[i1] * xi;
      const penalty = (d.delay_penalty_usd_per_h[i1] - d.delay_penalty_usd_per_h[i0]) * xi;
      if (apply) {
        this.sums[3] += penalty;
        this.slackD[i] += (pre.dRel[i1] - pre.dRel[i0]) * xi;
      } else out.penalty += penalty;
    }
    return true;
  }

  /**
   * Budget, pool, storage and (average mode) SLO rows all hold — the delay row only when this run
   * guards it (checkDelay). Per-route SLOs hold by construction.
   */
  feasible(): boolean {
    const sys = this.inst.system;
    if (this.budgetLeftPerH() < -TOL * Math.max(1, sys.budget_usd / sys.horizon_h)) return false;
    if (this.storageLeftGb() < -TOL) return false;
    for (let g = 0; g < this.pre.G; g++) if (this.poolLeft(g) < -TOL) return false;
    if (sys.slo_mode === 'average') {
      for (let i = 0; i < this.I; i++) if ((this.checkDelay && this.slackD[i] > TOL) || this.slackE[i] > TOL) return false;
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
    for (const l of this.beside ? [this.main, this.beside] : [this.main]) {
      for (let p = 0; p < this.P; p++) {
        const c = l.layout[p];
        if (c < 0) continue;
        const { j, k, n, m } = configs[c];
        deployments.push({ j, k, n, m, replicas: l.replicas[p] });
        for (let i = 0; i < this.I; i++) {
          const share = l.x[i * this.P + p];
          if (share === 0) continue;
          routes.push({ i, j, k, n, m, share: Math.min(1, share) });
          served[i] += Math.min(1, share);
        }
      }
    }
    routes.sort((a, b) => a.i - b.i || a.j - b.j || a.k - b.k || a.n - b.n || a.m - b.m);
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

  private open(l: Layer, p: number, c: number): void {
    const j = this.pre.d.configs[c].j;
    l.layout[p] = c;
    if (this.modelPairs[j]++ === 0) {
      this.sums[1] += this.pre.d.model_storage_usd_per_h[j];
      this.sums[5] += this.pre.d.model_storage_gb[j];
    }
  }

  private release(l: Layer, p: number): void {
    const c = l.layout[p];
    const j = this.pre.d.configs[c].j;
    this.setReplicas(l, p, 0);
    l.layout[p] = -1;
    if (--this.modelPairs[j] === 0) {
      this.sums[1] -= this.pre.d.model_storage_usd_per_h[j];
      this.sums[5] -= this.pre.d.model_storage_gb[j];
    }
  }

  private setReplicas(l: Layer, p: number, r: number): void {
    const cfg = this.pre.d.configs[l.layout[p]];
    const dr = r - l.replicas[p];
    if (dr === 0) return;
    l.replicas[p] = r;
    this.sums[0] += cfg.price_usd_per_h * dr;
    this.gpusUsed[cfg.gpu] += cfg.gpus * dr;
  }
}
