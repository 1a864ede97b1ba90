/**
 * Re-deploy with exact re-routing (beyond HEURISTICS.md; see README.md). The greedy moves shift
 * one slice at a time, so they miss plans in which several types trade places at once (measured
 * on S4 per-route instances: same GPUs as the optimum, 6–9× its cost). This move treats the
 * deployments as the only decision: a neighbour changes one pair's deployment (drop it, one
 * replica more or less, another layout, or a new pair with one replica) or — when one change
 * alone breaks the budget, a pool or the storage — one that adds capacity together with one that
 * frees some. Each neighbour is priced exactly: its fixed cost plus the routing LP of
 * solvers/problem/routing-lp.ts (all routes and unmet shares re-solved jointly). The best
 * improving neighbour is applied; replicas then shrink to what the new loads need. AGH runs the
 * steps twice: with the plain neighbourhood, then with `finer` layout changes (another layout may
 * take one replica more than the GPUs it replaces) once the plain one stalls.
 */
import { yieldToEventLoop } from '../yield.ts';
import { routingLp, type FixedDeployment } from '../problem/routing-lp.ts';
import type { Instance } from '../problem/types.ts';
import { IMPROVE_EPS, type Search } from './relocate.ts';
import { PlanState } from './state.ts';

/** One pair's deployment in a neighbour: layout c with r replicas (r = 0: not deployed). */
interface Change {
  p: number;
  c: number;
  r: number;
}

interface Priced {
  total: number;
  deps: FixedDeployment[];
  x: Float64Array;
}

type Deployments = Map<number, Change>;

function deploymentsOf(s: PlanState): Deployments {
  const cur: Deployments = new Map();
  for (let p = 0; p < s.P; p++) if (s.layout[p] >= 0) cur.set(p, { p, c: s.layout[p], r: s.replicas[p] });
  return cur;
}

/**
 * The single changes of `cur`: drop a pair, ±1 replica, another layout, a new pair with one
 * replica; `finer` adds, for another layout, one replica more than the GPUs it replaces.
 */
function singleChanges(s: PlanState, cur: Deployments, finer: boolean): Change[] {
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
      // replica more: a finer layout that serves what the old one could not), and with one replica.
      const per = configs[c].gpus;
      const rs = new Set([1, Math.floor(gpus / per), Math.ceil(gpus / per)]);
      if (finer) rs.add(Math.ceil(gpus / per) + 1);
      for (const r of rs) if (r >= 1 && r <= configs[c].max_replicas) options.push({ p, c, r });
    }
  }
  return options;
}

function withChanges(cur: Deployments, changes: Change[]): Deployments {
  const deps = new Map(cur);
  for (const ch of changes) {
    if (ch.r === 0) deps.delete(ch.p);
    else deps.set(ch.p, ch);
  }
  return deps;
}

/**
 * Fixed cost ($ over the horizon) of a deployment set, or null when it breaks the budget, a pool
 * or the storage on its own.
 */
function fixedCost(s: PlanState, deps: Deployments): number | null {
  const pre = s.pre;
  const d = pre.d;
  const { configs } = d;
  const sys = s.inst.system;
  let fixedPerH = 0;
  let storageGb = 0;
  const used = new Float64Array(pre.G);
  const models = new Set<number>();
  for (const ch of deps.values()) {
    fixedPerH += configs[ch.c].price_usd_per_h * ch.r;
    used[configs[ch.c].gpu] += configs[ch.c].gpus * ch.r;
    models.add(configs[ch.c].j);
  }
  for (const j of models) {
    fixedPerH += d.model_storage_usd_per_h[j];
    storageGb += d.model_storage_gb[j];
  }
  const fixed = sys.horizon_h * fixedPerH;
  if (fixed > sys.budget_usd || storageGb > sys.storage_capacity_gb) return null;
  for (let g = 0; g < pre.G; g++) if (used[g] > pre.pool[g]) return null;
  return fixed;
}

/** Routes a deployment set with the routing LP: its total cost and routes. */
function routed(s: PlanState, deps: Deployments, fixed: number): Priced {
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
 * One step: the best improving neighbour is applied to `s`. At most `maxLps` routing LPs are
 * solved. Returns whether the plan improved.
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
  /**
   * Prices a neighbour: its total cost (a lower bound when pruned against the best so far), or
   * null when it breaks the budget, a pool or the storage.
   */
  const price = (changes: Change[]): number | null => {
    const deps = withChanges(cur, changes);
    const fixed = fixedCost(s, deps);
    if (fixed === null) return null;
    const bar = best ? best.total : before * (1 - IMPROVE_EPS);
    if (fixed >= bar) return fixed;
    lps++;
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
    if (lps >= maxLps) break;
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
        if (lps >= maxLps) break outer;
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
function keyOf(deps: Deployments): string {
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
function load(s: PlanState, priced: Priced): void {
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
  const singles: Priced[] = [];
  for (const ch of singleChanges(probe, none, false)) {
    const deps = withChanges(none, [ch]);
    const fixed = fixedCost(probe, deps);
    if (fixed !== null) singles.push(routed(probe, deps, fixed));
  }
  singles.sort((a, b) => a.total - b.total);
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
