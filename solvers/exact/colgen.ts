/**
 * The LP bound at every size without the full model, and reduced-cost fixing from it
 * (docs/exact.md, "The reduced exact path", which carries the proofs).
 *
 * Column generation over layouts: a restricted master LP holds the columns and local rows of some
 * layouts (configurations); the global rows — demand, one layout per pair, pools, storage, budget,
 * SLO means — are always there. From the master's duals y of the global rows, the Lagrangian
 * function
 *
 *   L(y) = Σ_rows y·b + Σ_i min(0, d_u_i) + Σ_j min(0, d_s_j + Σ_{c of j} min(0, v_c))
 *
 * is a lower bound on the LP relaxation of the full model (and so on the optimum) for any y of the
 * right signs. Here d are reduced costs, and v_c is the least reduced cost of layout c used at
 * w_c = 1 under its local rows (x ≤ w, r ≤ R̄·w, w ≤ r, throughput and KV ≤ r): a tiny LP over the
 * routes with a negative reduced cost. Layouts with v_c < 0 enter the master; when none is left,
 * L(y) equals the master's LP value, which is then the full LP's.
 *
 * Fixing: a plan that uses layout c has w_c = s_j = 1, so it costs at least
 * L_c = L(y) − min(0, S_j) + S_j − min(0, v_c) + v_c (S_j the model's bracket above). A layout with
 * L_c above the cost U of a known plan is in no plan cheaper than U, and is removed.
 */
import { derive, type Derived } from '../problem/derived.ts';
import { simplex } from '../problem/routing-lp.ts';
import type { Instance, Plan } from '../problem/types.ts';
import { solveLpWithDuals } from './highs.ts';
import { buildModel, coefficients, modelScope, relaxed, type Coefficients, type MilpModel, type ModelScope } from './model.ts';

/** Duals of the global rows (≤ rows clamped to ≤ 0); a row the master lacks has dual 0. */
export interface GlobalDuals {
  demand: Float64Array;
  delaySlo: Float64Array;
  errorSlo: Float64Array;
  pool: Float64Array;
  layout: Float64Array;
  storage: number;
  budget: number;
  /** Σ y·b over the global rows. */
  constant: number;
}

/** A layout's pricing data, fixed for the instance. */
interface Layout {
  c: number;
  routes: number[];
  /** R̄_c and whether the cut w ≤ r holds (then a used layout has a replica). */
  replicas: number;
  needsReplica: boolean;
}

export interface Pricing {
  /** L(y): a lower bound on the LP relaxation and the optimum. */
  bound: number;
  /** v_c per layout (a lower estimate where a cheap bound already showed it ≥ 0). */
  v: Float64Array;
  /** S_j per model. */
  modelTerm: Float64Array;
}

/**
 * The simplex of routing-lp.ts stops at reduced costs of −1e-9·(largest cost), so a value it
 * reports may sit a little above the true minimum: each v_c is lowered by this share of its
 * cost scale (as the per-type bound does).
 */
const LP_MARGIN = 1e-6;

export class LayoutPricer {
  readonly d: Derived;
  readonly scope: ModelScope;
  /** The layouts the full model has columns for. */
  readonly layouts: Layout[];
  private readonly k: Coefficients;

  constructor(readonly inst: Instance) {
    this.d = derive(inst);
    this.scope = modelScope(inst);
    this.k = coefficients(inst);
    const { I, configs } = this.d;
    this.layouts = [];
    for (const cfg of configs) {
      const routes: number[] = [];
      for (let i = 0; i < I; i++) if (this.scope.routeUsable(i, cfg.index)) routes.push(i);
      if (routes.length === 0) continue;
      this.layouts.push({ c: cfg.index, routes, replicas: this.scope.replicaBound(cfg.index), needsReplica: this.scope.tight?.layoutNeedsReplica[cfg.index] ?? false });
    }
  }

  /** The global rows' duals of a solved master (by row name), with their signs made valid. */
  duals(model: MilpModel, rowDual: Float64Array): GlobalDuals {
    const { I, J, K } = this.d;
    const y: GlobalDuals = {
      demand: new Float64Array(I), delaySlo: new Float64Array(I), errorSlo: new Float64Array(I),
      pool: new Float64Array(this.inst.gpus.length), layout: new Float64Array(J * K), storage: 0, budget: 0, constant: 0,
    };
    model.rows.forEach((row, r) => {
      const at = row.name.indexOf('_');
      const kind = at < 0 ? row.name : row.name.slice(0, at);
      const n = at < 0 ? 0 : Number(row.name.slice(at + 1));
      // Minimisation: a ≤ row's dual is ≤ 0; HiGHS may leave tolerance-sized values of either sign.
      const v = row.sense === '=' ? rowDual[r] : Math.min(0, rowDual[r]);
      switch (kind) {
        case 'demand': y.demand[n] = v; break;
        case 'sd': y.delaySlo[n] = v; break;
        case 'se': y.errorSlo[n] = v; break;
        case 'pool': y.pool[n] = v; break;
        case 'layout': y.layout[n] = v; break;
        case 'storage': y.storage = v; break;
        case 'budget': y.budget = v; break;
        default: return; // a layout's local row
      }
      y.constant += v * row.rhs;
    });
    return y;
  }

  /**
   * L(y) and every layout's v_c. With `integer`, each layout's replicas are whole (the MILP's
   * own block): a Lagrangian bound at least as strong as the LP's at the same duals.
   */
  price(y: GlobalDuals, integer = false): Pricing {
    const { d, inst, k } = this;
    const { I, J, configs } = d;
    const avg = inst.system.slo_mode === 'average';
    let bound = y.constant;
    for (let i = 0; i < I; i++) bound += Math.min(0, k.unmet(i) - y.demand[i]);
    const modelTerm = Float64Array.from({ length: J }, (_, j) => k.stored(j) - y.storage * d.model_storage_gb[j] - y.budget * k.stored(j));
    const v = new Float64Array(configs.length);
    const reduced: number[] = [];
    for (const lay of this.layouts) {
      const cfg = configs[lay.c];
      reduced.length = 0;
      for (const i of lay.routes) {
        let rc = k.route(i, lay.c) - y.demand[i] - y.budget * k.routeBudget(i);
        if (avg) {
          rc -= y.delaySlo[i] * k.delaySlo(i, lay.c);
          rc -= y.errorSlo[i] * k.errorSlo(i, lay.c);
        }
        reduced.push(rc);
      }
      const dr = k.replica(lay.c) - y.pool[cfg.gpu] * cfg.gpus - y.budget * k.replica(lay.c);
      const dw = -y.layout[cfg.pair];
      v[lay.c] = integer ? this.layoutValueWhole(lay, reduced, dr, dw) : this.layoutValue(lay, reduced, dr, dw);
      modelTerm[cfg.j] += Math.min(0, v[lay.c]);
    }
    for (let j = 0; j < J; j++) bound += Math.min(0, modelTerm[j]);
    return { bound, v, modelTerm };
  }

  /**
   * The routes of `lay` with a negative reduced cost, as arrays (cost, load and KV coefficients)
   * with `spare` trailing slots for the caller's own column.
   */
  private negativeRoutes(lay: Layout, reduced: number[], spare: number): { cost: Float64Array; load: Float64Array; kv: Float64Array } {
    const C = this.d.configs.length;
    const neg: number[] = [];
    reduced.forEach((rc, q) => rc < 0 && neg.push(q));
    const cost = new Float64Array(neg.length + spare);
    const load = new Float64Array(neg.length + spare);
    const kv = new Float64Array(neg.length + spare);
    neg.forEach((q, k) => {
      const at = lay.routes[q] * C + lay.c;
      cost[k] = reduced[q];
      load[k] = this.d.load_replicas[at];
      kv[k] = this.d.kv_replicas[at];
    });
    return { cost, load, kv };
  }

  /**
   * v_c = d_w + min over x ∈ [0,1]ⁿ, r of Σ d_i·x_i + d_r·r with r ≥ load·x, r ≥ kv·x, r ≥ κ,
   * r ≤ R̄ (the layout used once, w = 1). Routes with d_i ≥ 0 stay at 0. A cheap lower bound
   * (r ≥ any convex mix of load·x and kv·x) settles most layouts without an LP.
   */
  private layoutValue(lay: Layout, reduced: number[], dr: number, dw: number): number {
    const kappa = lay.needsReplica ? 1 : 0;
    // z = (x over the negative routes, t = r − κ ≥ 0): the last slot is t's.
    const { cost, load, kv } = this.negativeRoutes(lay, reduced, 1);
    const n = cost.length - 1;
    if (n === 0) return dw + dr * kappa;
    let cheap = dw + dr * kappa;
    for (let k = 0; k < n; k++) cheap += cost[k];
    for (const alpha of [0, 0.5, 1]) {
      let lb = dw;
      for (let k = 0; k < n; k++) lb += Math.min(0, cost[k] + dr * (alpha * load[k] + (1 - alpha) * kv[k]));
      cheap = Math.max(cheap, lb);
    }
    if (cheap >= 0) return cheap;
    cost[n] = dr;
    load[n] = -1;
    kv[n] = -1;
    const cap = new Float64Array(n + 1);
    cap[n] = 1;
    const rows = [...unitRows(n, n + 1), { a: load, b: kappa }, { a: kv, b: kappa }, { a: cap, b: lay.replicas - kappa }];
    const { value } = simplex(cost, [], rows, () => -1);
    let scale = Math.abs(dw) + dr * lay.replicas;
    for (let k = 0; k < n; k++) scale -= cost[k];
    return dw + dr * kappa + value - LP_MARGIN * Math.max(1, scale);
  }

  /**
   * v_c with whole replicas: d_w + min over integers r ∈ [κ, R̄] of d_r·r + (the least Σ d_i·x_i
   * with load·x ≤ r, kv·x ≤ r, x ∈ [0,1]). The inner value falls with r, convexly, and d_r·r
   * rises, so the scan stops once the sum rises or every negative route fits.
   */
  private layoutValueWhole(lay: Layout, reduced: number[], dr: number, dw: number): number {
    const kappa = lay.needsReplica ? 1 : 0;
    const { cost, load, kv } = this.negativeRoutes(lay, reduced, 0);
    const n = cost.length;
    if (n === 0) return dw + dr * kappa;
    const sum = (a: Float64Array) => a.reduce((x, y) => x + y, 0);
    const all = sum(cost);
    const fits = Math.ceil(Math.max(sum(load), sum(kv)) * (1 + 1e-12));
    const unit = unitRows(n, n);
    const margin = LP_MARGIN * Math.max(1, Math.abs(dw) - all + dr * Math.min(lay.replicas, fits));
    let best = Infinity;
    for (let r = kappa; r <= lay.replicas; r++) {
      const inner = r >= fits ? all : r === 0 ? 0 : simplex(cost, [], [...unit, { a: load, b: r }, { a: kv, b: r }], () => -1).value;
      const total = dr * r + inner;
      if (total > best) break;
      best = total;
      if (r >= fits) break;
    }
    return dw + best - margin;
  }

  /** Layouts a plan uses (dominated ones as their stand-ins). */
  layoutsOf(plan: Plan): number[] {
    return [...new Set(plan.deployments.map((dep) => this.d.configIndex(dep)).filter((c) => c >= 0).map((c) => this.scope.standIn[c]))];
  }

  /** Per type, the `k` layouts whose cheapest single replica serves it at the least cost. */
  seedLayouts(k: number): number[] {
    const { d } = this;
    const H = this.inst.system.horizon_h;
    const C = d.configs.length;
    const byType: { c: number; cost: number }[][] = Array.from({ length: d.I }, () => []);
    for (const lay of this.layouts) {
      const cfg = d.configs[lay.c];
      for (const i of lay.routes) {
        const at = i * C + lay.c;
        const replicas = Math.max(d.load_replicas[at], d.kv_replicas[at]);
        byType[i].push({ c: lay.c, cost: H * (cfg.price_usd_per_h * replicas + d.delay_penalty_usd_per_h[at]) });
      }
    }
    const out = new Set<number>();
    for (const list of byType) list.sort((a, b) => a.cost - b.cost || a.c - b.c).slice(0, k).forEach((e) => out.add(e.c));
    return [...out];
  }
}

/** The rows x_k ≤ 1 for the first n of `width` columns. */
function unitRows(n: number, width: number): { a: Float64Array; b: number }[] {
  return Array.from({ length: n }, (_, k) => {
    const a = new Float64Array(width);
    a[k] = 1;
    return { a, b: 1 };
  });
}

export interface ColumnGenerationOptions {
  /** Layouts the master starts with (besides the seeds). */
  start?: number[];
  /** `Date.now()` after which no further round starts. */
  deadline_ms: number;
  /** Layouts added per round at most. */
  batch?: number;
  maxRounds?: number;
}

export interface ColumnGenerationResult {
  /** The best L(y) seen: a lower bound on the LP relaxation and on the optimum. */
  bound: number;
  /** The last master's LP value (the LP relaxation's when converged). */
  masterValue: number;
  converged: boolean;
  rounds: number;
  /** The layouts of the last master. */
  master: Set<number>;
  /** The layouts the last master's LP solution uses (w_c > 0): where a good plan is likely. */
  support: Set<number>;
  pricing: Pricing;
  /** The global duals `pricing` was computed from. */
  duals: GlobalDuals;
}

/** Column generation until no layout prices out, the round cap or the deadline. */
export async function columnGeneration(pricer: LayoutPricer, opts: ColumnGenerationOptions): Promise<ColumnGenerationResult> {
  const inMaster = new Set<number>([...pricer.seedLayouts(3), ...(opts.start ?? [])]);
  const batch = opts.batch ?? Math.max(50, Math.ceil(pricer.layouts.length / 20));
  const maxRounds = opts.maxRounds ?? 200;
  let best: { pricing: Pricing; duals: GlobalDuals } | undefined;
  let master = NaN;
  let support = new Set<number>();
  let rounds = 0;
  let converged = false;
  while (rounds < maxRounds) {
    rounds++;
    const model = relaxed(buildModel(pricer.inst, { only: inMaster }));
    const lp = await solveLpWithDuals(model, Math.max(1, (opts.deadline_ms - Date.now()) / 1000));
    if (!lp.optimal) break;
    master = lp.objective;
    support = new Set(pricer.layouts.filter((l) => model.vars.w[l.c] >= 0 && lp.colValue[model.vars.w[l.c]] > 1e-9).map((l) => l.c));
    const duals = pricer.duals(model, lp.rowDual);
    const pricing = pricer.price(duals);
    if (!best || pricing.bound > best.pricing.bound) best = { pricing, duals };
    const scale = Math.max(1, Math.abs(master));
    const entering = pricer.layouts
      .filter((lay) => !inMaster.has(lay.c) && pricing.v[lay.c] < -1e-9 * scale)
      .sort((a, b) => pricing.v[a.c] - pricing.v[b.c] || a.c - b.c)
      .slice(0, batch);
    if (entering.length === 0) {
      converged = true;
      break;
    }
    entering.forEach((lay) => inMaster.add(lay.c));
    if (Date.now() > opts.deadline_ms) break;
  }
  if (!best) throw new Error('column generation: the first master LP was not solved');
  return { bound: best.pricing.bound, masterValue: master, converged, rounds, master: inMaster, support, pricing: best.pricing, duals: best.duals };
}

/**
 * Layouts that may appear in a plan costing at most `ceiling`: those whose L_c (see the header) is
 * not above it. Every plan no dearer than `ceiling` uses only these.
 */
export function layoutsWithin(pricer: LayoutPricer, pricing: Pricing, ceiling: number): Set<number> {
  return new Set(pricer.layouts.filter((lay) => layoutBound(pricer, pricing, lay.c) <= ceiling).map((lay) => lay.c));
}

/** L_c (see the header): a lower bound on the cost of every plan that uses layout c. */
export function layoutBound(pricer: LayoutPricer, pricing: Pricing, c: number): number {
  const S = pricing.modelTerm[pricer.d.configs[c].j];
  const v = pricing.v[c];
  return pricing.bound - Math.min(0, S) + S - Math.min(0, v) + v;
}
