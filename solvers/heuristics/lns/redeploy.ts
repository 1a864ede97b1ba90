/**
 * agh-lns — re-deploy with exact re-routing (beyond the paper's AGH; see docs/heuristics.md,
 * "`agh-lns` — this project's extension", and README.md). The greedy moves shift
 * one slice at a time, so they miss plans in which several types trade places at once (measured
 * on S4 per-route instances: same GPUs as the optimum, 6–9× its cost). This move treats the
 * deployments as the only decision: a neighbour changes one pair's deployment (drop it, one
 * replica more or less, another layout, or a new pair with one replica) or — when one change
 * alone breaks the budget, a pool or the storage — one that adds capacity together with one that
 * frees some. Each neighbour is priced exactly: its fixed cost plus the routing LP of
 * solvers/problem/routing-lp.ts (all routes and unmet shares re-solved jointly) — unless a cheap
 * lower bound on that LP (routingLowerBound, sloLowerBound) already shows it cannot improve,
 * which settles most neighbours without an LP. The best improving neighbour is applied; replicas
 * then shrink to what the new loads need. agh-lns runs the steps twice: with the plain
 * neighbourhood, then with `finer` layout changes (another layout may take one replica more or
 * fewer than the GPUs it replaces) once the plain one stalls.
 */
import { scratch } from '../../../lib/scratch.ts';
import { yieldToEventLoop } from '../../../lib/yield.ts';
import { routingLp, type FixedDeployment } from '../../problem/routing-lp.ts';
import type { Instance } from '../../problem/types.ts';
import { IMPROVE_EPS, type Search } from '../greedy/relocate.ts';
import { PlanState } from '../greedy/state.ts';
import { typeLpValue } from './type-lp.ts';

/** One pair's deployment in a neighbour: layout c with r replicas (r = 0: not deployed). */
export interface Change {
  p: number;
  c: number;
  r: number;
}

export interface Priced {
  total: number;
  deps: FixedDeployment[];
  x: Float64Array;
}

/** Deployments by pair. */
export type Deployments = Map<number, Change>;

export function deploymentsOf(s: PlanState): Deployments {
  const cur: Deployments = new Map();
  for (let p = 0; p < s.P; p++) if (s.layout[p] >= 0) cur.set(p, { p, c: s.layout[p], r: s.replicas[p] });
  return cur;
}

/**
 * The single changes of `cur`: drop a pair, ±1 replica, another layout, a new pair with one
 * replica; `finer` adds, for another layout, one replica more or fewer than the GPUs it replaces.
 */
export function singleChanges(s: PlanState, cur: Deployments, finer: boolean): Change[] {
  const { configs, pairConfigs } = s.pre.d;
  const options: Change[] = [];
  for (let p = 0; p < s.P; p++) {
    const layouts = pairConfigs[p];
    if (layouts.length === 0) continue;
    const now = cur.get(p);
    if (!now) {
      for (const c of layouts) options.push({ p, c, r: 1 });
      continue;
    }
    options.push({ p, c: now.c, r: 0 });
    if (now.r > 1) options.push({ p, c: now.c, r: now.r - 1 });
    if (now.r < configs[now.c].max_replicas) options.push({ p, c: now.c, r: now.r + 1 });
    const gpus = configs[now.c].gpus * now.r;
    for (const c of layouts) {
      if (c === now.c) continue;
      // The other layout with about as many GPUs as now (rounded both ways; with `finer`, one
      // replica more — a finer layout that serves what the old one could not — or one fewer —
      // fewer GPUs that free budget for a partner change: S5 per-route seed 6's optimum turns a
      // TP4 replica into three TP1 ones), and with one replica.
      const per = configs[c].gpus;
      const rs = new Set([1, Math.floor(gpus / per), Math.ceil(gpus / per)]);
      if (finer) rs.add(Math.ceil(gpus / per) + 1).add(Math.floor(gpus / per) - 1);
      for (const r of rs) if (r >= 1 && r <= configs[c].max_replicas) options.push({ p, c, r });
    }
  }
  return options;
}

export function withChanges(cur: Deployments, changes: Change[]): Deployments {
  const deps = new Map(cur);
  for (const ch of changes) {
    if (ch.r === 0) deps.delete(ch.p);
    else deps.set(ch.p, ch);
  }
  return deps;
}

/**
 * A deployment set as flat arrays — entry k is layout c[k] with r[k] replicas — in the order its
 * Deployments map iterates. One list is reused (valid until the next call): the step builds one
 * for every neighbour, and most are settled by their fixed cost or a bound, without a map.
 */
interface DeploymentList {
  n: number;
  c: Int32Array;
  r: Int32Array;
}

const deploymentList = scratch((n): DeploymentList => ({ n: 0, c: new Int32Array(n), r: new Int32Array(n) }));

/**
 * The list of `cur` with `changes` (on distinct pairs) applied, in withChanges's order: a changed
 * pair in its place, a dropped one left out, new pairs last.
 */
function listDeployments(cur: Deployments, changes: readonly Change[]): DeploymentList {
  const list = deploymentList(cur.size + changes.length);
  let n = 0;
  for (const now of cur.values()) {
    let ch = now;
    for (const x of changes) if (x.p === now.p) ch = x;
    if (ch.r === 0) continue;
    list.c[n] = ch.c;
    list.r[n++] = ch.r;
  }
  for (const x of changes) {
    if (x.r === 0 || cur.has(x.p)) continue;
    list.c[n] = x.c;
    list.r[n++] = x.r;
  }
  list.n = n;
  return list;
}

/**
 * Fixed cost ($ over the horizon) of a deployment set, or null when it breaks the budget, a pool
 * or the storage on its own.
 */
export function fixedCost(s: PlanState, deps: Deployments): number | null {
  return listFixedCost(s, listDeployments(deps, []));
}

function listFixedCost(s: PlanState, list: DeploymentList): number | null {
  const pre = s.pre;
  const d = pre.d;
  const { configs } = d;
  const sys = s.inst.system;
  const { used, seen, models } = fixedCostArrays(Math.max(pre.G, d.J));
  used.fill(0, 0, pre.G);
  seen.fill(0, 0, d.J);
  let fixedPerH = 0;
  let storageGb = 0;
  let nModels = 0;
  for (let k = 0; k < list.n; k++) {
    const cfg = configs[list.c[k]];
    fixedPerH += cfg.price_usd_per_h * list.r[k];
    used[cfg.gpu] += cfg.gpus * list.r[k];
    // Each stored model once, in the order of first use (as the sum always ran).
    if (!seen[cfg.j]) {
      seen[cfg.j] = 1;
      models[nModels++] = cfg.j;
    }
  }
  for (let m = 0; m < nModels; m++) {
    fixedPerH += d.model_storage_usd_per_h[models[m]];
    storageGb += d.model_storage_gb[models[m]];
  }
  const fixed = sys.horizon_h * fixedPerH;
  if (fixed > sys.budget_usd || storageGb > sys.storage_capacity_gb) return null;
  for (let g = 0; g < pre.G; g++) if (used[g] > pre.pool[g]) return null;
  return fixed;
}
/** listFixedCost's GPUs used per pool and the models stored (by pool and model index). */
const fixedCostArrays = scratch((n) => ({ used: new Float64Array(n), seen: new Uint8Array(n), models: new Int32Array(n) }));

/**
 * A lower bound on the routing LP's cost ($ over the horizon) for a deployment set, from a
 * relaxation solved greedily: each type may use every deployment's whole capacity on its own (the
 * LP shares it between types) and the SLO means are dropped; what remains — each type's cheapest
 * admissible routes up to their capacity, the rest unmet, and the budget left paying the routes'
 * token storage — is a fractional knapsack: route shares in order of penalty saved per budget
 * dollar. A neighbour whose fixed cost plus this bound cannot beat the bar needs no LP (on
 * budget-bound instances that is most of the pair neighbourhood).
 */
function routingLowerBound(s: PlanState, routes: RouteTable, budgetLeft: number): number {
  const d = s.pre.d;
  const H = s.inst.system.horizon_h;
  const pieces = boundPieces(s.I * routes.D);
  const { ratio, save, weight, share, order } = pieces;
  let n = 0;
  let unmetAll = 0;
  for (let i = 0; i < s.I; i++) {
    const unmet = d.unmet_penalty_usd_per_h[i];
    const w = H * d.token_storage_usd_per_h[i];
    unmetAll += unmet;
    // Within a type every share weighs the same on the budget, so the cheapest routes come first.
    fillCheapest(routes, i, unmet, (cost, t) => {
      ratio[n] = (unmet - cost) / w;
      save[n] = unmet - cost;
      weight[n] = w;
      share[n] = t;
      order[n] = n++;
    });
  }
  // By penalty saved per budget dollar; equal ones (and weightless ones, ratio ∞) in fill order.
  order.length = n;
  order.sort((x, y) => ratio[y] - ratio[x] || x - y);
  let budget = Math.max(0, budgetLeft);
  let saved = 0;
  for (const k of order) {
    const t = share[k];
    const take = weight[k] > 0 ? Math.min(t, budget / weight[k]) : t;
    saved += save[k] * take;
    budget -= weight[k] * take;
    if (take < t) break;
  }
  return H * (unmetAll - saved);
}

/** routingLowerBound's pieces (route shares). */
const boundPieces = scratch((n) => ({ ratio: new Float64Array(n), save: new Float64Array(n), weight: new Float64Array(n), share: new Float64Array(n), order: [] as number[] }));

/**
 * Each type's admissible routes on a deployment set, cheapest first: type i's are entries
 * i·D … i·D + count[i] − 1 (D: the set's size) of `cost` ($/h per unit share), `cap` (capacity
 * share: what the deployment could carry for type i alone) and `c` (config).
 */
interface RouteTable {
  D: number;
  count: Int32Array;
  cost: Float64Array;
  cap: Float64Array;
  c: Int32Array;
}

/**
 * The route table of a deployment set. Both bounds read it; it is computed for every neighbour,
 * so one table is reused (valid until the next call) and kept sorted by insertion: equal costs
 * stay in deployment order, as with a stable sort.
 */
function routesByType(s: PlanState, list: DeploymentList): RouteTable {
  const d = s.pre.d;
  const C = s.pre.C;
  const D = list.n;
  // Sized by I too: `count` has an entry per type even when the set is empty.
  const t = routeTable(s.I * Math.max(1, D));
  t.D = D;
  for (let i = 0; i < s.I; i++) {
    const base = i * D;
    let n = 0;
    for (let e = 0; e < D; e++) {
      const c = list.c[e];
      const ic = i * C + c;
      const per = Math.max(d.load_replicas[ic], d.kv_replicas[ic]);
      if (!Number.isFinite(per) || (s.pre.perRoute && !d.sloFeasible(i, c))) continue;
      const cost = d.token_storage_usd_per_h[i] + d.delay_penalty_usd_per_h[ic];
      let k = base + n;
      for (; k > base && t.cost[k - 1] > cost; k--) {
        t.cost[k] = t.cost[k - 1];
        t.cap[k] = t.cap[k - 1];
        t.c[k] = t.c[k - 1];
      }
      t.cost[k] = cost;
      t.cap[k] = list.r[e] / per;
      t.c[k] = c;
      n++;
    }
    t.count[i] = n;
  }
  return t;
}

const routeTable = scratch((n): RouteTable => ({ D: 0, count: new Int32Array(n), cost: new Float64Array(n), cap: new Float64Array(n), c: new Int32Array(n) }));

/**
 * Both lower bounds' relaxation of type i: its demand share 1 filled by its `routes` (cheapest
 * first) while a route costs less than leaving demand unmet, each up to its capacity. `take`
 * gets each route's cost, share and config; the share left unmet is returned.
 */
function fillCheapest(routes: RouteTable, i: number, unmet: number, take: (cost: number, share: number, c: number) => void): number {
  let left = 1;
  const end = i * routes.D + routes.count[i];
  for (let k = i * routes.D; k < end; k++) {
    const cost = routes.cost[k];
    if (cost >= unmet || left <= 0) break;
    const share = Math.min(left, routes.cap[k]);
    take(cost, share, routes.c[k]);
    left -= share;
  }
  return left;
}

/**
 * Average mode: a second lower bound, from the routing LP split by type — each type alone with
 * every deployment's whole capacity and its own SLO means (the rows that make most of the cost
 * there: a type short of fast or accurate routes leaves demand unmet), no budget row. A type's
 * part is its cheapest routes filled in order when they meet its SLO means, else a tiny LP (a few
 * routes, three rows). Parts are summed until the bound reaches `enough`.
 */
function sloLowerBound(s: PlanState, routes: RouteTable, enough: number): number {
  const d = s.pre.d;
  const C = s.pre.C;
  const H = s.inst.system.horizon_h;
  let bound = 0;
  for (let i = 0; i < s.I && bound < enough; i++) {
    const t = s.inst.types[i];
    const unmet = d.unmet_penalty_usd_per_h[i];
    let perH = 0;
    let delay = 0;
    let error = 0;
    const left = fillCheapest(routes, i, unmet, (cost, share, c) => {
      perH += cost * share;
      delay += (d.delay_s[i * C + c] - t.delay_slo_s) * share;
      error += (d.errorOf(i, c) - t.error_slo) * share;
    });
    // Filled in order the routes break a mean: the type's LP (routes, then u_i; rows Σx + u = 1,
    // the two means, the capacities below 1).
    if (delay > 1e-12 || error > 1e-12) bound += H * typeLp(s, i, routes);
    else bound += H * (perH + Math.max(0, left) * unmet);
  }
  return bound;
}

/** Type i's routing LP over its `routes` alone: its $/h (type-lp.ts). */
function typeLp(s: PlanState, i: number, routes: RouteTable): number {
  const d = s.pre.d;
  const t = s.inst.types[i];
  const n = routes.count[i];
  const { cost, delay, error, cap } = typeLpRows(n);
  for (let v = 0; v < n; v++) {
    const k = i * routes.D + v;
    const c = routes.c[k];
    cost[v] = routes.cost[k];
    cap[v] = routes.cap[k];
    delay[v] = d.delay_s[i * s.pre.C + c] - t.delay_slo_s;
    error[v] = d.errorOf(i, c) - t.error_slo;
  }
  return typeLpValue(cost, delay, error, cap, n, d.unmet_penalty_usd_per_h[i]);
}

/** typeLp's input arrays. */
const typeLpRows = scratch((n) => ({ cost: new Float64Array(n), delay: new Float64Array(n), error: new Float64Array(n), cap: new Float64Array(n) }));

/**
 * A lower bound on the routing LP's cost ($ over the horizon) for a deployment set with
 * `budgetLeft` $ after its fixed costs: the better of the two relaxations (the second only in
 * average mode, and only when the first is below `enough`).
 */
export function lowerBound(s: PlanState, deps: Deployments, budgetLeft: number, enough = Infinity): number {
  return listLowerBound(s, listDeployments(deps, []), budgetLeft, enough);
}

function listLowerBound(s: PlanState, list: DeploymentList, budgetLeft: number, enough: number): number {
  const routes = routesByType(s, list);
  const bound = routingLowerBound(s, routes, budgetLeft);
  return bound >= enough || s.pre.perRoute ? bound : Math.max(bound, sloLowerBound(s, routes, enough));
}

/** Routes a deployment set with the routing LP: its total cost and routes. */
export function routed(s: PlanState, deps: Deployments, fixed: number): Priced {
  const list = [...deps.values()].map((ch) => ({ c: ch.c, replicas: ch.r }));
  const lp = routingLp(s.inst, list, s.inst.system.budget_usd - fixed);
  return { total: fixed + lp.cost, deps: list, x: lp.x };
}

export interface StepOptions {
  /** Widen the layout changes (see singleChanges). */
  finer?: boolean;
  /** Try pairs of changes when no single change improves (default true). */
  pairs?: boolean;
  /**
   * Routing-LP totals by deployment set, shared across the steps of one solve: the finer pass and
   * later starts meet the same neighbours again. A remembered neighbour still counts against
   * `maxLps`, so the memo changes the time, never the result.
   */
  memo?: Map<string, number>;
}

/**
 * Lower bounds a re-deploy step may compute per routing LP it may solve. The bounds settle most
 * neighbours; while they counted against the LP cap, a step on a budget-bound plan could spend
 * all 3,000 on bounds and solve no LP, and the pairs that reach the optimum of (8,8,10) S5
 * per-route seed 803 (then 79% above it) and S4 per-route seed 803 (12%) came after them.
 * With 2 or 1.5 one of those or S4 average seed 301 at (8,8,10)/(10,10,10) is missed again. The
 * price is time, mostly at (10,10,10) (solvers/heuristics/README.md, "Bounds beside the LP cap").
 */
const BOUNDS_PER_LP = 3;

/**
 * One step: the best improving neighbour is applied to `s`. At most `maxLps` routing LPs are
 * solved (or found in the memo) and BOUNDS_PER_LP·maxLps lower bounds computed. Returns whether
 * the plan improved.
 */
export function redeployStep(s: PlanState, search: Search, maxLps: number, { finer = false, pairs = true, memo }: StepOptions = {}): boolean {
  if (performance.now() > search.deadline) search.timedOut = true;
  if (search.timedOut) return false;
  const { configs } = s.pre.d;
  const before = s.cost();
  const cur = deploymentsOf(s);
  const options = singleChanges(s, cur, finer);

  // Assigned inside `price`; the cast keeps TypeScript from narrowing it to null for good.
  let best = null as { deps: Deployments; fixed: number; total: number } | null;
  let lps = 0;
  let bounds = 0;
  const spent = () => lps >= maxLps || bounds >= BOUNDS_PER_LP * maxLps;
  /**
   * Prices a neighbour: its total cost (a lower bound when pruned against the best so far), or
   * null when it breaks the budget, a pool or the storage.
   */
  const price = (changes: Change[]): number | null => {
    const list = listDeployments(cur, changes);
    const fixed = listFixedCost(s, list);
    if (fixed === null) return null;
    const bar = best ? best.total : before * (1 - IMPROVE_EPS);
    if (fixed >= bar) return fixed;
    bounds++;
    // A lower bound at the bar settles a neighbour without its LP; a single change settled so
    // ranks by its bound below.
    const bound = fixed + listLowerBound(s, list, s.inst.system.budget_usd - fixed, bar - fixed);
    if (bound >= bar) return bound;
    lps++;
    const deps = withChanges(cur, changes);
    const key = memo ? keyOf(deps) : '';
    let total = memo?.get(key);
    if (total === undefined) {
      total = routed(s, deps, fixed).total;
      memo?.set(key, total);
    }
    if (total < bar) best = { deps, fixed, total };
    return total;
  };

  const score = new Map<Change, number | null>();
  for (const o of options) {
    if (spent()) break;
    score.set(o, price([o]));
  }
  if (!best && pairs) {
    // Pairs of changes: one that adds fixed cost or GPUs with one that removes some elsewhere.
    const delta = (o: Change) => {
      const now = cur.get(o.p);
      return configs[o.c].price_usd_per_h * o.r - (now ? configs[now.c].price_usd_per_h * now.r : 0);
    };
    // Ranked by the single change's cost; a change that the budget, a pool or the storage
    // blocked alone ranks first among the growing ones (it most needs a partner). Pairs are
    // visited by the sum of their ranks, so the LP cap cuts the least promising pairs.
    const rank = (o: Change) => score.get(o) ?? -Infinity;
    const byRank = (a: Change, b: Change) => rank(a) - rank(b);
    const shrink = options.filter((o) => cur.has(o.p) && delta(o) < 0 && score.has(o)).sort(byRank);
    const grow = options.filter((o) => delta(o) > 0 && score.has(o)).sort(byRank);
    outer: for (let sum = 0; sum <= grow.length + shrink.length - 2; sum++) {
      for (let a = Math.max(0, sum - shrink.length + 1); a <= Math.min(sum, grow.length - 1); a++) {
        if (spent()) break outer;
        const g = grow[a];
        const h = shrink[sum - a];
        if (h.p !== g.p) price([g, h]);
      }
    }
  }
  if (!best) return false;
  return apply(s, search.undo, routed(s, best.deps, best.fixed), before);
}

/** A deployment set's memo key: its (layout, replicas) in layout order. */
export function keyOf(deps: Deployments): string {
  return [...deps.values()]
    .sort((a, b) => a.c - b.c)
    .map((ch) => `${ch.c}x${ch.r}`)
    .join(' ');
}

/** Rebuilds `s` from the priced neighbour's routes; undone unless feasible and cheaper. */
function apply(s: PlanState, undo: PlanState, best: Priced, before: number): boolean {
  undo.copyFrom(s);
  load(s, best);
  if (s.feasible() && s.cost() < before * (1 - IMPROVE_EPS)) return true;
  s.copyFrom(undo);
  return false;
}

/** Replaces the plan in `s` by a priced deployment set's routes (replicas shrink to the loads). */
export function load(s: PlanState, priced: Priced): void {
  const { C } = s.pre;
  const { configs } = s.pre.d;
  s.reset();
  for (const { c } of priced.deps) {
    const p = configs[c].pair;
    for (let i = 0; i < s.I; i++) {
      const x = priced.x[i * C + c];
      if (x > 0) s.addShare(i, p, c, x);
    }
  }
}

/**
 * Deployment starts: the `n` cheapest plans made of one replica of one layout, each priced with
 * the routing LP, each then improved by re-deploy steps over single changes only (`maxLps` LPs a
 * step) until none improves. Returns the distinct feasible results, cheapest first. Why: on
 * budget-bound instances the optimum is a handful of one-replica deployments shared by several
 * types, which the type-by-type GH construction does not assemble (it spends the budget on the
 * first types' cheapest routes) and which single-slice moves cannot reach from its plans; adding
 * and swapping whole deployments with all routing re-solved — facility-location style — does.
 */
export async function deploymentStarts(inst: Instance, search: Search, n: number, maxLps: number, memo?: Map<string, number>): Promise<PlanState[]> {
  const probe = new PlanState(inst);
  const none: Deployments = new Map();
  // The n cheapest one-replica plans, best first by lower bound: LPs stop once the n-th cheapest
  // total so far is at most the next bound.
  const candidates: { deps: Deployments; fixed: number; bound: number }[] = [];
  for (const ch of singleChanges(probe, none, false)) {
    const deps = withChanges(none, [ch]);
    const fixed = fixedCost(probe, deps);
    if (fixed !== null) candidates.push({ deps, fixed, bound: fixed + lowerBound(probe, deps, inst.system.budget_usd - fixed) });
  }
  candidates.sort((a, b) => a.bound - b.bound);
  const singles: Priced[] = [];
  for (const { deps, fixed, bound } of candidates) {
    if (singles.length >= n && singles[n - 1].total <= bound) break;
    singles.push(routed(probe, deps, fixed));
    singles.sort((a, b) => a.total - b.total);
  }
  const results: PlanState[] = [];
  for (const priced of singles.slice(0, n)) {
    const s = new PlanState(inst);
    load(s, priced);
    if (!s.feasible()) continue;
    while (redeployStep(s, search, maxLps, { pairs: false, memo })) await yieldToEventLoop();
    const cost = s.hourlyCost();
    if (!results.some((r) => Math.abs(r.hourlyCost() - cost) <= 1e-9 * Math.max(1, cost))) results.push(s);
  }
  return results.sort((a, b) => a.hourlyCost() - b.hourlyCost());
}
