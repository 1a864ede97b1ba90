/**
 * agh-lns — drop and re-descend (docs/heuristics.md, "`agh-lns` — this project's extension").
 * Where SLO means are tight (S2 average), the optimum sometimes keeps none of two or three of
 * the plan's deployments and spends what they cost on others: base tuning seeds 306, 363 and 374
 * ended 12.6%, 15.9% and 6.7% above the optimum, four or five deployment changes away, and each
 * change alone or in pairs was dearer (re-deploy steps, redeploy.ts, see two at most). This move
 * removes every set of one to three deployments, routes what is left by the routing LP, and
 * takes DESCENT_STEPS re-deploy steps over single changes from there; the FINISH cheapest ends
 * then get full re-deploy steps (pairs of changes, finer layouts) until none improves. The plan
 * takes the cheapest end if it beats it. Not reached yet: seed 363, whose optimum needs pairs of
 * changes right after the drop. Effort is bounded by the subset count and the steps' LP caps,
 * not by the clock.
 */
import type { Search } from '../greedy/relocate.ts';
import { IMPROVE_EPS } from '../greedy/relocate.ts';
import { PlanState } from '../greedy/state.ts';
import { deploymentsOf, fixedCost, load, redeployStep, routed, withChanges } from './redeploy.ts';

/**
 * Re-deploy steps over single changes after each drop, and the ends then finished with full
 * re-deploy steps. On base tuning seeds 301–310 the fixes (306 S2 average −11.2%, 304 S2 average
 * −0.3%, 305 S5 per-route) all came with 2 and 1; one step lost 306, and more steps or ends
 * gained nothing there for up to 1.6× the time of the whole solve.
 */
const DESCENT_STEPS = 2;
const FINISH = 1;

/**
 * Tries the drops of up to `maxDrop` deployments on `s`, with at most `maxLps` routing LPs per
 * re-deploy step; when the cheapest end beats `s`, `s` takes it and true is returned.
 */
export function dropStep(s: PlanState, search: Search, maxDrop: number, maxLps: number, memo: Map<string, number>): boolean {
  const before = s.cost();
  const cur = deploymentsOf(s);
  const ends: PlanState[] = [];
  for (const set of subsets([...cur.keys()], maxDrop)) {
    if (search.timedOut) return false;
    const deps = withChanges(cur, set.map((p) => ({ p, c: cur.get(p)!.c, r: 0 })));
    const fixed = fixedCost(s, deps);
    if (fixed === null) continue;
    const t = new PlanState(s.inst);
    load(t, routed(t, deps, fixed));
    if (!t.feasible()) continue;
    for (let n = 0; n < DESCENT_STEPS && redeployStep(t, search, maxLps, { pairs: false, memo }); n++);
    const cost = t.cost();
    // Distinct ends only: several drops often descend to the same plan.
    if (!ends.some((e) => Math.abs(e.cost() - cost) <= 1e-9 * Math.max(1, cost))) ends.push(t);
  }
  ends.sort((a, b) => a.cost() - b.cost());
  let best: PlanState | null = null;
  for (const t of ends.slice(0, FINISH)) {
    for (const finer of [false, true]) while (redeployStep(t, search, maxLps, { finer, memo }));
    if (t.feasible() && t.cost() < (best ? best.cost() : before * (1 - IMPROVE_EPS))) best = t;
  }
  if (!best) return false;
  s.copyFrom(best);
  return true;
}

/** The non-empty subsets of `items` with at most `k` members: singles first, then pairs, … */
export function subsets<T>(items: readonly T[], k: number): T[][] {
  const out: T[][] = [];
  const grow = (from: number, acc: T[], size: number) => {
    if (acc.length === size) {
      out.push(acc);
      return;
    }
    for (let a = from; a < items.length; a++) grow(a + 1, [...acc, items[a]], size);
  };
  for (let size = 1; size <= Math.min(k, items.length); size++) grow(0, [], size);
  return out;
}
