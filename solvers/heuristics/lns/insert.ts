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

/** Insertions tried per penalised type. */
const PER_TYPE = 3;
/** Penalised types tried, and the share of the plan's cost their penalties must reach. */
const TYPES = 2;
const PENALISED = 0.05;
/** Paired insertions tried per penalised type with unmet demand (average mode). */
const MIX = 3;

/**
 * Tries the insertions for every type with unmet demand; on the first that ends cheaper, `s` takes
 * it and true is returned. `maxLps` caps the routing LPs of each insertion's repair and of each
 * re-deploy step after it.
 */
export function insertionStep(s: PlanState, search: Search, maxLps: number, memo: Map<string, number>): boolean {
  const before = s.cost();
  const cur = deploymentsOf(s);
  for (const ins of [...insertions(s, cur), ...mixInsertions(s, cur)]) {
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

/**
 * New deployments for the types that pay most in penalties (unmet demand, delay), cheapest first
 * per type: on a pair not deployed, the layout meeting both SLOs alone that carries the type's
 * whole demand most cheaply (replicas rounded up, delay penalty included), with those replicas.
 */
function insertions(s: PlanState, cur: Deployments): Change[][] {
  const { pre } = s;
  const d = pre.d;
  const out: Change[][] = [];
  const seen = new Set<string>();
  for (const i of penalisedTypes(s)) {
    const options: { ch: Change; price: number }[] = [];
    for (let p = 0; p < pre.P; p++) {
      if (cur.has(p)) continue;
      let best: { ch: Change; price: number } | undefined;
      for (const c of d.pairConfigs[p]) {
        const ic = i * pre.C + c;
        if (!Number.isFinite(d.kv_replicas[ic]) || !d.sloFeasible(i, c)) continue;
        const r = Math.ceil(Math.max(d.load_replicas[ic], d.kv_replicas[ic]) - 1e-9);
        if (r < 1 || r > d.configs[c].max_replicas) continue;
        const price = r * d.configs[c].price_usd_per_h + d.delay_penalty_usd_per_h[ic];
        if (!best || price < best.price) best = { ch: { p, c, r }, price };
      }
      if (best) options.push(best);
    }
    options.sort((a, b) => a.price - b.price);
    // Also with one replica: the routing LP may mix it with what is deployed (average mode), or
    // the whole demand does not fit the budget.
    for (const { ch } of options.slice(0, PER_TYPE)) {
      for (const r of new Set([ch.r, 1])) {
        const key = `${ch.p},${ch.c},${r}`;
        if (!seen.has(key)) out.push([{ ...ch, r }]), seen.add(key);
      }
    }
  }
  return out;
}

/**
 * Average mode: two new one-replica deployments for a type with unmet demand that neither meets
 * both SLOs alone but a mix of the two does — one fast but not accurate enough, one accurate but
 * too slow (tuning seed 301 at (8,8,10), S3 average: the optimum serves a long-context type 95/5
 * on two 70B layouts, neither admissible alone, where agh-lns left it unmet at 27× the optimum's
 * cost). The MIX pairings estimated cheapest.
 */
function mixInsertions(s: PlanState, cur: Deployments): Change[][] {
  const { pre } = s;
  if (pre.perRoute) return [];
  const d = pre.d;
  const H = s.inst.system.horizon_h;
  const out: Change[][] = [];
  for (const i of penalisedTypes(s)) {
    if (s.unmet(i) <= 1e-6) continue;
    const fast: Kind[] = [];
    const accurate: Kind[] = [];
    for (let p = 0; p < pre.P; p++) {
      if (cur.has(p)) continue;
      for (const c of d.pairConfigs[p]) {
        const ic = i * pre.C + c;
        if (!Number.isFinite(d.kv_replicas[ic]) || d.configs[c].max_replicas < 1) continue;
        const k = { c, p, price: d.configs[c].price_usd_per_h, need: Math.max(d.load_replicas[ic], d.kv_replicas[ic]), delay: d.delay_penalty_usd_per_h[ic], dRel: pre.dRel[ic], eRel: pre.eRel[i * pre.P + p] };
        if (k.dRel <= 0 && k.eRel > 0) fast.push(k);
        if (k.eRel <= 0 && k.dRel > 0) accurate.push(k);
      }
    }
    // Each pairing at the end of its feasible share range where serving the whole demand costs
    // least (whole replicas, delay penalties included); none whose rental alone breaks the budget.
    const pairs: { ins: Change[]; price: number }[] = [];
    for (const f of fast) {
      for (const a of accurate) {
        if (f.p === a.p) continue;
        // Share t on f: delay needs t ≥ a.dRel / (a.dRel − f.dRel), error t ≤ a.eRel / (a.eRel − f.eRel).
        const lo = a.dRel / (a.dRel - f.dRel);
        const hi = a.eRel / (a.eRel - f.eRel);
        if (lo > hi) continue;
        let best: { ins: Change[]; price: number } | undefined;
        for (const t of [lo, hi]) {
          const rf = Math.max(1, Math.ceil(t * f.need - 1e-9));
          const ra = Math.max(1, Math.ceil((1 - t) * a.need - 1e-9));
          if (rf > d.configs[f.c].max_replicas || ra > d.configs[a.c].max_replicas) continue;
          const rental = rf * f.price + ra * a.price;
          if (H * rental > s.inst.system.budget_usd) continue;
          const price = rental + t * f.delay + (1 - t) * a.delay;
          if (!best || price < best.price) best = { ins: [{ p: f.p, c: f.c, r: rf }, { p: a.p, c: a.c, r: ra }], price };
        }
        if (best) pairs.push(best);
      }
    }
    pairs.sort((x, y) => x.price - y.price);
    for (const { ins } of pairs.slice(0, MIX)) out.push(ins);
  }
  return out;
}

/** A layout for a mix: replicas `need` for the whole demand, its delay penalty $/h. */
interface Kind { c: number; p: number; price: number; need: number; delay: number; dRel: number; eRel: number }

/**
 * The types whose unmet and delay penalties are at least PENALISED of the plan's hourly cost,
 * dearest first, at most TYPES of them.
 */
function penalisedTypes(s: PlanState): number[] {
  const { pre } = s;
  const d = pre.d;
  const penalty = Array.from({ length: s.I }, (_, i) => {
    let perH = s.unmet(i) * d.unmet_penalty_usd_per_h[i];
    for (let p = 0; p < pre.P; p++) if (s.x[i * pre.P + p] > 0) perH += s.x[i * pre.P + p] * d.delay_penalty_usd_per_h[i * pre.C + s.layout[p]];
    return perH;
  });
  const floor = PENALISED * s.hourlyCost();
  return penalty.map((v, i) => [v, i]).filter(([v]) => v > floor).sort((a, b) => b[0] - a[0]).slice(0, TYPES).map(([, i]) => i);
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
function repair(s: PlanState, cur: Deployments, ins: Change[], maxLps: number, memo: Map<string, number>) {
  const red = reductions(s, cur);
  const sets: Change[][] = [ins, ...red.map((a) => [...ins, a])];
  for (let a = 0; a < red.length; a++) for (let b = a + 1; b < red.length; b++) if (red[a].p !== red[b].p) sets.push([...ins, red[a], red[b]]);
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
