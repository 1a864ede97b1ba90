/**
 * The MILP of docs/model.md §3–§5 in a solver-neutral form: columns with bounds, kinds and costs,
 * linear rows, a minimised objective in $ over the horizon. Every coefficient comes from
 * `derive(inst)`; the back-ends only translate this structure.
 *
 * Numerics (§4): throughput and KV rows are in replica units, SLO rows in relative units, the
 * budget row and the objective in $.
 *
 * Reduction (§3): columns that can never be non-zero are not created, and rows left with nothing
 * to constrain are dropped. `reduce: false` builds the unreduced model over all memory-valid
 * configurations (variables that must be 0 are fixed by bounds there), which is what the
 * "before" size reports and what the tests solve to show the reduction keeps the optimum.
 *
 * Tightening (`tighten`, on by default with `reduce`): smaller replica bounds, dominated layouts
 * dropped and the cut w_c ≤ r_c, each of which keeps at least one optimal plan (see
 * `tightening`); the tests solve with and without it to show the optimum does not move.
 */
import { derive } from '../problem/derived.ts';
import type { Instance } from '../problem/types.ts';
import type { ModelSize } from '../solver.ts';

export type ColumnKind = 'continuous' | 'integer' | 'binary';

export interface Column {
  name: string;
  kind: ColumnKind;
  lb: number;
  ub: number;
  cost: number;
}

export interface Row {
  name: string;
  sense: '<=' | '=';
  rhs: number;
  /** Column indices, each at most once per row. */
  cols: number[];
  coefs: number[];
}

/** Column of each decision variable, or −1 where the reduction dropped it. */
export interface VariableIndex {
  /** x_ic at `i * C + c`. */
  x: Int32Array;
  r: Int32Array;
  w: Int32Array;
  s: Int32Array;
  u: Int32Array;
}

export interface MilpModel {
  name: string;
  cols: Column[];
  rows: Row[];
  vars: VariableIndex;
  /** What the indexed names mean (types, models, configurations): written as comments into LP files. */
  key: string[];
  /** Per configuration, the layout whose columns stand for it: itself, the one dominating it, or its clone's. */
  standIn: Int32Array;
  /**
   * Per tier k, the tiers on which the layouts of the model's (j,k) pairs are placed, in order:
   * [k], or k and its clones when they are merged into k (see `tightening`), or [] for a merged clone.
   */
  placement: number[][];
}

export interface BuildOptions {
  /** Drop variables that can never be non-zero and rows that cannot bind (default true). */
  reduce?: boolean;
  /** Tighten replica bounds, drop dominated layouts, add w ≤ r (default: as `reduce`). */
  tighten?: boolean;
  /** With `reduce`: only these configurations get columns (the others are as if unusable). */
  only?: ReadonlySet<number>;
}

/** Slack for the floors and ceilings below: a bound may only come out looser, never tighter. */
const ROUNDING = 1e-9;

export interface Tightening {
  /** R̄_c used in the model: the pool's bound, tightened when `tighten` is on. */
  replicas: number[];
  /** Index of the layout that dominates c (same pair, dropped), or −1. */
  dominatedBy: number[];
  /** The cut w_c ≤ r_c holds at some optimum: every route on c needs capacity. */
  layoutNeedsReplica: boolean[];
  /** Per configuration on a clone tier, the same layout on the class's first tier (merged into it), or −1. */
  cloneOf: number[];
  /** Per tier, the tiers whose layouts its pairs hold (see `ModelScope.placement`). */
  placement: number[][];
}

/**
 * Clone tiers: tiers equal in every field but the name (the catalog repeats its tiers as `…#2`
 * past the distinct ones). Per tier, the first tier of its class.
 */
export function tierClassHeads(inst: Instance): number[] {
  const seen = new Map<string, number>();
  return inst.tiers.map((tier, k) => {
    const { name: _name, ...fields } = tier;
    const key = JSON.stringify(fields, Object.keys(fields).sort());
    if (!seen.has(key)) seen.set(key, k);
    return seen.get(key)!;
  });
}

/**
 * Reductions that keep an optimal plan (each argued on a plan of the full model):
 *
 * - Budget: r_c ≥ 1 forces w_c = 1 and s_j = 1, and every budget term is ≥ 0, so a feasible plan
 *   has H·p_c·r_c + H·p_s·2P_j ≤ δ: r_c ≤ ⌊(δ − H·p_s·2P_j) / (H·p_c)⌋ (valid for every plan).
 * - Demand: x_ic ≤ 1, so the throughput and KV rows never need more than
 *   ⌈max(Σ_i load_ic, Σ_i kv_ic)⌉ replicas over the open routes i; replicas beyond that can be
 *   removed from any plan without breaking a row (they appear with a positive coefficient only in
 *   the pool and budget rows) or raising the cost, so some optimum respects the bound.
 * - Dominance: two layouts of one (j,k) pair with the same n·m have the same price, Φ_c, free_c,
 *   pool use and model. If c has, for every type, delay, throughput, KV and penalty coefficients
 *   ≤ those of c′ and every route open on c′ is open on c, moving c′'s replicas and routes to c
 *   keeps every row (SLO rows have coefficient (D−Δ)/Δ, error is per pair) and does not raise
 *   the cost; one layout per pair means c is free to take them. c′ is dropped (ties: the lower
 *   index is kept, so the relation is a strict order and an undominated layout always remains).
 * - w_c ≤ r_c when every open route on c has a positive throughput or KV coefficient: then w_c = 1
 *   with r_c = 0 routes nothing, and w_c = 0 (no cost) serves the same plan.
 * - Clone tiers: a class of g tiers equal in every field but the name gives its layouts the same
 *   coefficients everywhere (`derive` reads only those fields) and draws on one GPU pool. A plan's
 *   layouts of model j on the class are then a set of at most g layouts, each on one tier: the
 *   same layout on two tiers is one layout with the summed replicas and routes (every row is linear
 *   in them, R̄ bounds the sum by the same pool, budget and demand), and any ≤ g distinct layouts
 *   can be placed on distinct tiers of the class. So the class's first tier holds every layout
 *   once, its pair row allows g of them, and the clones get no columns (`placement` puts the
 *   chosen layouts back on the class's tiers in order). Dominance then holds within the merged
 *   pair as above (moving c′ onto c only removes a layout).
 */
export function tightening(inst: Instance, open: (i: number, c: number) => boolean): Tightening {
  const d = derive(inst);
  const { I, configs } = d;
  const C = configs.length;
  const H = inst.system.horizon_h;
  const replicas = configs.map((cfg) => {
    const spare = inst.system.budget_usd - H * d.model_storage_usd_per_h[cfg.j];
    const byBudget = cfg.price_usd_per_h > 0 ? Math.floor((spare / (H * cfg.price_usd_per_h)) * (1 + ROUNDING) + ROUNDING) : Infinity;
    let load = 0;
    let kv = 0;
    for (let i = 0; i < I; i++) {
      if (!open(i, cfg.index)) continue;
      load += d.load_replicas[i * C + cfg.index];
      kv += d.kv_replicas[i * C + cfg.index];
    }
    // At least 1: this bound never removes a layout (a route with zero coefficients needs none).
    const byDemand = Math.max(1, Math.ceil(Math.max(load, kv) * (1 + ROUNDING)));
    return Math.max(0, Math.min(cfg.max_replicas, byBudget, byDemand));
  });
  // Per (i, c): the coefficients a layout must not exceed to dominate.
  const coefs = [d.delay_s, d.load_replicas, d.kv_replicas, d.delay_penalty_usd_per_h];
  const atMost = (c: number, c2: number) => {
    for (let i = 0; i < I; i++) {
      if (!open(i, c2)) continue;
      if (!open(i, c)) return false;
      for (const a of coefs) if (a[i * C + c] > a[i * C + c2]) return false;
    }
    return true;
  };
  const dominatedBy = configs.map((cfg) => {
    for (const c of d.pairConfigs[cfg.pair]) {
      if (c === cfg.index || configs[c].gpus !== cfg.gpus) continue;
      // Equal coefficients both ways: the lower index dominates.
      if (atMost(c, cfg.index) && (!atMost(cfg.index, c) || c < cfg.index)) return c;
    }
    return -1;
  });
  const layoutNeedsReplica = configs.map((cfg) => {
    for (let i = 0; i < I; i++) {
      const at = i * C + cfg.index;
      if (open(i, cfg.index) && !(d.load_replicas[at] > 0 || d.kv_replicas[at] > 0)) return false;
    }
    return true;
  });
  const head = tierClassHeads(inst);
  const placement = inst.tiers.map((_, k) => (head[k] !== k ? [] : inst.tiers.map((__, t) => t).filter((t) => head[t] === k)));
  const cloneOf = configs.map((cfg) => (head[cfg.k] === cfg.k ? -1 : d.configIndex({ ...cfg, k: head[cfg.k] })));
  return { replicas, dominatedBy, layoutNeedsReplica, cloneOf, placement };
}

/**
 * The MILP's objective and budget coefficients, $ over the horizon, and its relative SLO-row
 * coefficients: the one place the builder and column generation's pricing take them from.
 */
export interface Coefficients {
  /** x_ic's cost: token storage and delay penalty. */
  route(i: number, c: number): number;
  /** x_ic's budget coefficient: its token storage. */
  routeBudget(i: number): number;
  /** x_ic's coefficients in the average-mode SLO rows, (D − Δ)/Δ and (e − ε)/ε. */
  delaySlo(i: number, c: number): number;
  errorSlo(i: number, c: number): number;
  /** r_c's cost and budget coefficient: rental. */
  replica(c: number): number;
  /** s_j's cost and budget coefficient: model storage. */
  stored(j: number): number;
  /** u_i's cost: the unmet-demand penalty. */
  unmet(i: number): number;
}

export function coefficients(inst: Instance): Coefficients {
  const d = derive(inst);
  const C = d.configs.length;
  const H = inst.system.horizon_h;
  return {
    route: (i, c) => H * (d.token_storage_usd_per_h[i] + d.delay_penalty_usd_per_h[i * C + c]),
    routeBudget: (i) => H * d.token_storage_usd_per_h[i],
    delaySlo: (i, c) => (d.delay_s[i * C + c] - inst.types[i].delay_slo_s) / inst.types[i].delay_slo_s,
    errorSlo: (i, c) => (d.errorOf(i, c) - inst.types[i].error_slo) / inst.types[i].error_slo,
    replica: (c) => H * d.configs[c].price_usd_per_h,
    stored: (j) => H * d.model_storage_usd_per_h[j],
    unmet: (i) => H * d.unmet_penalty_usd_per_h[i],
  };
}

/** Which columns the model may have: the reductions and tightening of `buildModel`, in one place. */
export interface ModelScope {
  /** x_ic may be non-zero at all (finite coefficients; per-route mode: SLO-feasible). */
  routeOpen(i: number, c: number): boolean;
  /** x_ic is a column of the reduced model. */
  routeUsable(i: number, c: number): boolean;
  /** R̄_c, tightened when `tighten` is on. */
  replicaBound(c: number): number;
  tight?: Tightening;
  /** Per configuration, the layout whose columns stand for it: itself, the one dominating it, or its clone's. */
  standIn: Int32Array;
  /** Per tier, where its pairs' layouts are placed (`MilpModel.placement`). */
  placement: number[][];
}

/** Scopes by instance and tightening: column generation builds a model per round of one instance. */
const scopes = new WeakMap<Instance, Map<boolean, ModelScope>>();

export function modelScope(inst: Instance, opts: BuildOptions = {}): ModelScope {
  const tighten = opts.tighten ?? opts.reduce ?? true;
  let byTighten = scopes.get(inst);
  if (!byTighten) scopes.set(inst, (byTighten = new Map()));
  let scope = byTighten.get(tighten);
  if (!scope) byTighten.set(tighten, (scope = computeScope(inst, tighten)));
  return scope;
}

function computeScope(inst: Instance, tighten: boolean): ModelScope {
  const d = derive(inst);
  const { configs } = d;
  const C = configs.length;
  const sys = inst.system;
  const H = sys.horizon_h;
  const perRoute = sys.slo_mode === 'per-route';
  // A replica of c is possible only if the pool holds one, the model can be stored, and the
  // replica's rental plus its model's storage alone fit the budget.
  const canDeploy = configs.map(
    (cfg) =>
      cfg.max_replicas >= 1 &&
      d.model_storage_gb[cfg.j] <= sys.storage_capacity_gb &&
      H * (cfg.price_usd_per_h + d.model_storage_usd_per_h[cfg.j]) <= sys.budget_usd,
  );
  // x_ic can be non-zero only with finite coefficients, on a deployable c, and (per-route mode)
  // on an SLO-feasible route.
  const routeOpen = (i: number, c: number) =>
    Number.isFinite(d.kv_replicas[i * C + c]) && (!perRoute || d.sloFeasible(i, c));
  const deployOpen = (i: number, c: number) => canDeploy[c] && routeOpen(i, c);
  const tight = tighten ? tightening(inst, deployOpen) : undefined;
  const replicaBound = (c: number) => tight?.replicas[c] ?? configs[c].max_replicas;
  // A dominated layout is dropped only when its dominator is itself kept (deployable with R̄ ≥ 1).
  // A merged clone's layout is its class head's (same coefficients, so the same tests).
  const routeUsable = (i: number, c: number) =>
    deployOpen(i, c) && replicaBound(c) >= 1 && !(tight && (tight.dominatedBy[c] >= 0 || tight.cloneOf[c] >= 0));
  const standIn = Int32Array.from(configs, (cfg) => {
    let c = tight && tight.cloneOf[cfg.index] >= 0 ? tight.cloneOf[cfg.index] : cfg.index;
    while (tight && tight.dominatedBy[c] >= 0) c = tight.dominatedBy[c];
    return c;
  });
  const placement = tight?.placement ?? inst.tiers.map((_, k) => [k]);
  return { routeOpen, routeUsable, replicaBound, tight, standIn, placement };
}

export function buildModel(inst: Instance, opts: BuildOptions = {}): MilpModel {
  return emitModel(inst, opts);
}

/** The size `modelSize(buildModel(inst, opts))` would report, without holding the model. */
export function countModel(inst: Instance, opts: BuildOptions = {}): ModelSize {
  const size: ModelSize = { rows: 0, cols: 0, integer_cols: 0, binary_cols: 0, nonzeros: 0 };
  emitModel(inst, opts, size);
  return size;
}

/** Builds the model, or with `count` only counts what it would hold (the unreduced model at (50,50,50) takes 1.4 GiB). */
function emitModel(inst: Instance, opts: BuildOptions, count?: ModelSize): MilpModel {
  const reduce = opts.reduce ?? true;
  const d = derive(inst);
  const { I, J, configs } = d;
  const C = configs.length;
  const sys = inst.system;
  const perRoute = sys.slo_mode === 'per-route';
  const { routeOpen, routeUsable, replicaBound, tight, standIn, placement } = modelScope(inst, opts);
  const k = coefficients(inst);
  // A restricted model (column generation, reduced-cost fixing) keeps only the listed layouts.
  const kept = (c: number) => !opts.only || opts.only.has(c);

  const cols: Column[] = [];
  const rows: Row[] = [];
  const addCol = (name: string, kind: ColumnKind, lb: number, ub: number, cost: number) => {
    if (!count) return cols.push({ name, kind, lb, ub, cost }) - 1;
    if (kind !== 'continuous') count.integer_cols++;
    if (kind === 'binary') count.binary_cols++;
    return count.cols++;
  };
  const addRow = (name: string, sense: Row['sense'], rhs: number, terms: [number, number][]) => {
    const live = terms.filter(([col, coef]) => col >= 0 && coef !== 0);
    if (live.length === 0) return;
    if (count) {
      count.rows++;
      count.nonzeros += live.length;
      return;
    }
    rows.push({ name, sense, rhs, cols: live.map((t) => t[0]), coefs: live.map((t) => t[1]) });
  };

  const vars: VariableIndex = {
    x: new Int32Array(I * C).fill(-1),
    r: new Int32Array(C).fill(-1),
    w: new Int32Array(C).fill(-1),
    s: new Int32Array(J).fill(-1),
    u: new Int32Array(I).fill(-1),
  };

  for (let i = 0; i < I; i++) {
    for (let c = 0; c < C; c++) {
      if (reduce && !(routeUsable(i, c) && kept(c))) continue;
      vars.x[i * C + c] = addCol(`x_${i}_${c}`, 'continuous', 0, routeOpen(i, c) ? 1 : 0, k.route(i, c));
    }
  }
  const used = (c: number) => {
    for (let i = 0; i < I; i++) if (vars.x[i * C + c] >= 0) return true;
    return false;
  };
  for (let c = 0; c < C; c++) {
    if (reduce && !used(c)) continue;
    vars.r[c] = addCol(`r_${c}`, 'integer', 0, replicaBound(c), k.replica(c));
    vars.w[c] = addCol(`w_${c}`, 'binary', 0, 1, 0);
  }
  for (let j = 0; j < J; j++) {
    if (reduce && !configs.some((cfg) => cfg.j === j && vars.w[cfg.index] >= 0)) continue;
    vars.s[j] = addCol(`s_${j}`, 'binary', 0, 1, k.stored(j));
  }
  for (let i = 0; i < I; i++) vars.u[i] = addCol(`u_${i}`, 'continuous', 0, 1, k.unmet(i));

  // 1. Demand.
  for (let i = 0; i < I; i++) {
    const terms: [number, number][] = [[vars.u[i], 1]];
    for (let c = 0; c < C; c++) terms.push([vars.x[i * C + c], 1]);
    addRow(`demand_${i}`, '=', 1, terms);
  }
  // 2. One layout per (j,k) pair (g per merged class of g clone tiers); a row with no more
  // candidates than that is implied by the bounds.
  d.pairConfigs.forEach((list, pair) => {
    const ws = list.map((c) => vars.w[c]).filter((col) => col >= 0);
    const slots = Math.max(1, placement[pair % d.K].length); // pair = j·K + k
    if (reduce && ws.length <= slots) return;
    addRow(`layout_${pair}`, '<=', slots, ws.map((col) => [col, 1]));
  });
  // 3. Linking x ≤ w, r ≤ R̄·w, w ≤ s.
  for (let c = 0; c < C; c++) {
    const w = vars.w[c];
    if (w < 0) continue;
    for (let i = 0; i < I; i++) {
      const x = vars.x[i * C + c];
      if (x >= 0) addRow(`lx_${i}_${c}`, '<=', 0, [[x, 1], [w, -1]]);
    }
    addRow(`lr_${c}`, '<=', 0, [[vars.r[c], 1], [w, -replicaBound(c)]]);
    if (tight?.layoutNeedsReplica[c]) addRow(`wr_${c}`, '<=', 0, [[w, 1], [vars.r[c], -1]]);
    addRow(`lw_${c}`, '<=', 0, [[w, 1], [vars.s[configs[c].j], -1]]);
  }
  // 4–5. Throughput and KV memory, in replicas of c.
  for (let c = 0; c < C; c++) {
    if (vars.r[c] < 0) continue;
    for (const [row, coef] of [['thr', d.load_replicas], ['kv', d.kv_replicas]] as const) {
      const terms: [number, number][] = [[vars.r[c], -1]];
      for (let i = 0; i < I; i++) {
        const x = vars.x[i * C + c];
        // An infinite coefficient only occurs on a column fixed at 0 (unreduced model).
        if (x >= 0 && Number.isFinite(coef[i * C + c])) terms.push([x, coef[i * C + c]]);
      }
      if (terms.length > 1) addRow(`${row}_${c}`, '<=', 0, terms);
    }
  }
  // 6. GPU pools.
  inst.gpus.forEach((g, gi) => {
    const terms = configs.filter((cfg) => cfg.gpu === gi).map((cfg): [number, number] => [vars.r[cfg.index], cfg.gpus]);
    addRow(`pool_${gi}`, '<=', g.pool_gpus, terms);
  });
  // 7. Storage.
  addRow('storage', '<=', sys.storage_capacity_gb, Array.from({ length: J }, (_, j): [number, number] => [vars.s[j], d.model_storage_gb[j]]));
  // 8. Budget, $ over the horizon.
  const budget: [number, number][] = [];
  for (let c = 0; c < C; c++) budget.push([vars.r[c], k.replica(c)]);
  for (let j = 0; j < J; j++) budget.push([vars.s[j], k.stored(j)]);
  for (let i = 0; i < I; i++) for (let c = 0; c < C; c++) budget.push([vars.x[i * C + c], k.routeBudget(i)]);
  addRow('budget', '<=', sys.budget_usd, budget);
  // 9. SLOs: average mode rows in relative units; per-route mode is in the columns' existence.
  if (!perRoute) {
    for (let i = 0; i < I; i++) {
      const delay: [number, number][] = [];
      const error: [number, number][] = [];
      for (let c = 0; c < C; c++) {
        const x = vars.x[i * C + c];
        if (x < 0) continue;
        delay.push([x, k.delaySlo(i, c)]);
        error.push([x, k.errorSlo(i, c)]);
      }
      // With no positive coefficient the row holds for every x ≥ 0.
      if (!reduce || delay.some(([, a]) => a > 0)) addRow(`sd_${i}`, '<=', 0, delay);
      if (!reduce || error.some(([, a]) => a > 0)) addRow(`se_${i}`, '<=', 0, error);
    }
  }

  return { name: inst.meta.id, cols, rows, vars, key: variableKey(inst, vars), standIn, placement };
}

/** The key of the column and row names: which type, model and configuration each index is. */
function variableKey(inst: Instance, vars: VariableIndex): string[] {
  const { configs } = derive(inst);
  const layout = (c: number) => {
    const cfg = configs[c];
    return `${inst.models[cfg.j].name}@${inst.tiers[cfg.k].name} n${cfg.n} m${cfg.m}`;
  };
  const list = (names: string[]) => names.map((name, n) => `${n} ${name}`).join(', ');
  return [
    'Variable key (costs are $ over the horizon):',
    '  x_<i>_<c>  share of type i\'s demand routed to configuration c;  u_<i>  share of type i left unserved',
    '  r_<c>  replicas of configuration c;  w_<c>  c is the layout of its model-tier pair;  s_<j>  model j is stored',
    'Rows: demand_<i>, layout_<pair>, linking lx_/lr_/lw_ (and wr_: a chosen layout has a replica), throughput thr_<c> and KV memory kv_<c> (in replicas),',
    '  pool_<g>, storage, budget, average-mode SLO rows sd_<i> (delay) and se_<i> (error)',
    `types i: ${list(inst.types.map((t) => t.name))}`,
    `models j: ${list(inst.models.map((m) => m.name))}`,
    `GPU models g: ${list(inst.gpus.map((g) => g.name))}`,
    'configurations c in this model (model@tier, TP degree n, PP depth m):',
    ...configs.filter((cfg) => vars.r[cfg.index] >= 0).map((cfg) => `  c=${cfg.index} ${layout(cfg.index)}`),
  ];
}

/** The model with every column continuous: its LP relaxation. */
export function relaxed(model: MilpModel): MilpModel {
  return { ...model, cols: model.cols.map((c) => ({ ...c, kind: 'continuous' })) };
}

export function modelSize(model: MilpModel): ModelSize {
  let integer = 0;
  let binary = 0;
  for (const col of model.cols) {
    if (col.kind !== 'continuous') integer++;
    if (col.kind === 'binary') binary++;
  }
  return {
    rows: model.rows.length,
    cols: model.cols.length,
    integer_cols: integer,
    binary_cols: binary,
    nonzeros: model.rows.reduce((n, row) => n + row.cols.length, 0),
  };
}

/** Sizes of the unreduced and the reduced model of an instance. */
export function modelSizes(inst: Instance): { before: ModelSize; after: ModelSize } {
  return { before: countModel(inst, { reduce: false }), after: countModel(inst) };
}
