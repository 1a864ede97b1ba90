/**
 * agh-lns — targeted deployment insertion (docs/heuristics.md, "`agh-lns` — this project's
 * extension"). Where the budget binds, the optimum often serves a type the heuristic leaves unmet
 * by storing one more model and paying for it with two or three changes elsewhere (measured on
 * tuning seed 307, S5 per-route: a 70B replica for Math_Solving, one 8B deployment dropped, the
 * 31B one moved to another tier; agh-lns left Math_Solving unmet at +73%). Re-deploy steps
 * (redeploy.ts) see one or two changes at a time and every one of these alone is dearer or breaks
 * the budget. This move forces one new one-replica deployment that can serve an unmet type, frees
 * budget, pool or storage for it with up to two reductions elsewhere (drop, one replica fewer, a
 * smaller layout on the same pair) priced exactly by the routing LP, then lets re-deploy steps
 * finish from there; the plan is kept only if the result is cheaper.
 */
import type { Search } from '../greedy/relocate.ts';
import { IMPROVE_EPS } from '../greedy/relocate.ts';
import { PlanState } from '../greedy/state.ts';
import { deploymentsOf, fixedCost, keyOf, load, lowerBound, redeployStep, routed, withChanges, type Change, type Deployments } from './redeploy.ts';

/** One-replica insertions tried per unmet type (the cheapest by fixed cost). */
const PER_TYPE = 3;

/**
 * Tries the insertions for every type with unmet demand; on the first that ends cheaper, `s` takes
 * it and true is returned. `maxLps` caps the routing LPs of each insertion's repair and of each
 * re-deploy step after it.
 */
export function insertionStep(s: PlanState, search: Search, maxLps: number, memo: Map<string, number>): boolean {
  const before = s.cost();
  const cur = deploymentsOf(s);
  for (const ins of insertions(s, cur)) {
    if (search.timedOut) return false;
    const repaired = repair(s, cur, ins, maxLps, memo);
    if (!repaired) continue;
    const t = new PlanState(s.inst);
    load(t, routed(t, repaired.deps, repaired.fixed));
    if (!t.feasible()) continue;
    while (redeployStep(t, search, maxLps, { memo }));
    if (t.feasible() && t.cost() < before * (1 - IMPROVE_EPS)) {
      s.copyFrom(t);
      return true;
    }
  }
  return false;
}

/** New one-replica deployments that can serve a type now (partly) unmet, cheapest first per type. */
function insertions(s: PlanState, cur: Deployments): Change[] {
  const { pre } = s;
  const d = pre.d;
  const out: Change[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < s.I; i++) {
    if (s.unmet(i) <= 1e-6) continue;
    const options: { ch: Change; price: number }[] = [];
    for (let p = 0; p < pre.P; p++) {
      if (cur.has(p)) continue;
      let best: { ch: Change; price: number } | undefined;
      for (const c of d.pairConfigs[p]) {
        const ic = i * pre.C + c;
        // Only routes that meet both SLOs alone: the point is to serve the type outright.
        if (!Number.isFinite(d.kv_replicas[ic]) || !d.sloFeasible(i, c) || d.configs[c].max_replicas < 1) continue;
        const price = d.configs[c].price_usd_per_h;
        if (!best || price < best.price) best = { ch: { p, c, r: 1 }, price };
      }
      if (best) options.push(best);
    }
    options.sort((a, b) => a.price - b.price);
    for (const { ch } of options.slice(0, PER_TYPE)) {
      const key = `${ch.p},${ch.c}`;
      if (!seen.has(key)) out.push(ch), seen.add(key);
    }
  }
  return out;
}

/** Reductions of the current deployments: drop one, one replica fewer, a smaller layout on its pair. */
function reductions(s: PlanState, cur: Deployments): Change[] {
  const { configs, pairConfigs } = s.pre.d;
  const out: Change[] = [];
  for (const now of cur.values()) {
    out.push({ p: now.p, c: now.c, r: 0 });
    if (now.r > 1) out.push({ p: now.p, c: now.c, r: now.r - 1 });
    const gpus = configs[now.c].gpus * now.r;
    for (const c of pairConfigs[now.p]) if (c !== now.c && configs[c].gpus < gpus) out.push({ p: now.p, c, r: 1 });
  }
  return out;
}

/**
 * The cheapest deployment set (by the routing LP) made of `cur`, the insertion and up to two
 * reductions on other pairs; null when none fits the budget, pools and storage within `maxLps`.
 */
function repair(s: PlanState, cur: Deployments, ins: Change, maxLps: number, memo: Map<string, number>) {
  const red = reductions(s, cur);
  const sets: Change[][] = [[ins], ...red.map((a) => [ins, a])];
  for (let a = 0; a < red.length; a++) for (let b = a + 1; b < red.length; b++) if (red[a].p !== red[b].p) sets.push([ins, red[a], red[b]]);
  let best: { deps: Deployments; fixed: number; total: number } | null = null;
  let lps = 0;
  for (const changes of sets) {
    if (lps >= maxLps) break;
    const deps = withChanges(cur, changes);
    const fixed = fixedCost(s, deps);
    if (fixed === null) continue;
    const bar = best ? best.total : Infinity;
    if (fixed >= bar) continue;
    lps++;
    if (best && fixed + lowerBound(s, deps, s.inst.system.budget_usd - fixed, bar - fixed) >= bar) continue;
    const key = keyOf(deps);
    let total = memo.get(key);
    if (total === undefined) memo.set(key, (total = routed(s, deps, fixed).total));
    if (total < bar) best = { deps, fixed, total };
  }
  return best;
}
