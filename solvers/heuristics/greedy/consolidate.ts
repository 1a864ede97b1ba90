/**
 * AGH step 3 — consolidation (docs/heuristics.md, "AGH — adaptive greedy heuristic"). Deployed
 * pairs are visited in ascending utilisation; each one's traffic is moved onto other deployed pairs
 * (M3 upgrades allowed, no new deployments) with the GH placement, releasing its replicas and, if
 * no other pair uses it, its model's storage. Kept when the objective drops and the plan stays
 * feasible; otherwise undone.
 */
import { placeType } from './construct.ts';
import { IMPROVE_EPS, type Search } from './relocate.ts';
import type { PlanState } from './state.ts';

/** max(load, KV) over replicas: how full a deployed pair's replicas are. */
function utilisation(s: PlanState, p: number): number {
  return Math.max(s.loadSum[p], s.kvSum[p]) / s.replicas[p];
}

export function consolidatePass(s: PlanState, search: Search): number {
  const pairs: number[] = [];
  for (let p = 0; p < s.P; p++) if (s.layout[p] >= 0) pairs.push(p);
  const util = new Map(pairs.map((p) => [p, utilisation(s, p)]));
  pairs.sort((a, b) => util.get(a)! - util.get(b)! || a - b);
  let moves = 0;
  for (const p of pairs) {
    if (performance.now() > search.deadline) {
      search.timedOut = true;
      break;
    }
    if (s.layout[p] < 0) continue;
    if (empty(s, p, search)) moves++;
  }
  return moves;
}

function empty(s: PlanState, p: number, search: Search): boolean {
  const before = s.hourlyCost();
  search.undo.copyFrom(s);
  const c = s.layout[p];
  const slices: [number, number][] = [];
  for (let i = 0; i < s.I; i++) {
    const x = s.x[i * s.P + p];
    if (x > 0) slices.push([i, x]);
  }
  for (const [i, x] of slices) s.addShare(i, p, c, -x);
  // Largest slices first: they are the hardest to fit.
  slices.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  for (const [i, x] of slices) placeType(s, i, search.mech, { maxShare: x, deployedOnly: true });
  if (s.feasible() && s.hourlyCost() < before - IMPROVE_EPS * Math.max(1, before)) return true;
  s.copyFrom(search.undo);
  return false;
}
