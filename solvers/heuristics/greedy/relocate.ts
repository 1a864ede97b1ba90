/**
 * AGH step 2 — relocate local search (docs/heuristics.md, "AGH — adaptive greedy heuristic"). A
 * move takes a slice of one type's traffic — all of its share on one route, or its unmet share —
 * and puts as much of it as fits on another target (deployed pair, M3 upgrade or new deployment);
 * whatever does not fit stays where it was. Targets: every deployed pair, and for new deployments
 * the type's SHORTLIST cheapest pairs on the M1 table (a candidate list: all of them at base size,
 * a fraction at (50,50,50)). Under agh-lns only (`search.wide`, `mech.mix`), also the
 * capacity-priced table's shortlist and the delay-mixing targets (`mixTarget`).
 *
 * Acceptance: for each slice, the targets are priced read-only and the best one (largest estimated
 * saving) is tried on the state; the move is kept if the state stays feasible and its objective
 * drops — first-improving over slices, best-improving over targets. The estimate is optimistic
 * (it credits the source's freed budget and GPUs to every target), so the real move is checked.
 */
import { candidateTable, shortlist, SHORTLIST } from './candidates.ts';
import { assess, MIN_SHARE, NO_RELIEF, type Assessment, type Relief } from './coverage.ts';
import { applyTarget, mixTarget, newTarget, targetFor, type Mechanisms } from './construct.ts';
import { replicasFor } from './replicas.ts';
import type { PlanState } from './state.ts';
import { Target } from './target.ts';

/** Objective decrease ($/h, relative to the objective) below which a move is not worth taking. */
export const IMPROVE_EPS = 1e-9;

export interface Search {
  mech: Mechanisms;
  /** Scratch state for undo; same instance as the searched state. */
  undo: PlanState;
  /** performance.now() deadline; passes stop early past it. */
  deadline: number;
  timedOut: boolean;
  /** agh-lns: relocate also opens new deployments on the capacity-priced table (candidateTable `granular`). */
  wide?: boolean;
}

const scratch = { tg: new Target(), best: new Target(), a: { t: 0, cost: 0 } as Assessment, relief: { offD: 0, offE: 0, budget: 0, gpus: 0, g: -1 } as Relief };

/** One pass over every slice of every type. Returns the number of accepted moves. */
export function relocatePass(s: PlanState, search: Search): number {
  let moves = 0;
  for (let i = 0; i < s.I; i++) {
    const sources: number[] = [];
    for (let p = 0; p < s.P; p++) if (s.x[i * s.P + p] > 0) sources.push(p);
    sources.push(-1);
    for (const src of sources) {
      if (performance.now() > search.deadline) {
        search.timedOut = true;
        return moves;
      }
      if (relocate(s, i, src, search)) moves++;
    }
  }
  return moves;
}

/** Tries to move type i's slice on pair `src` (−1: its unmet share) elsewhere. */
function relocate(s: PlanState, i: number, src: number, search: Search): boolean {
  const pre = s.pre;
  const d = pre.d;
  const S = src >= 0 ? s.x[i * s.P + src] : s.unmet(i);
  if (S < MIN_SHARE) return false;
  const { tg, best, a, relief } = scratch;
  const tok = d.token_storage_usd_per_h[i];
  let saving: (t: number) => number;
  if (src < 0) {
    Object.assign(relief, NO_RELIEF);
    const penalty = d.unmet_penalty_usd_per_h[i];
    saving = (t) => penalty * t;
  } else {
    const cA = s.layout[src];
    const cfg = d.configs[cA];
    const ic = i * pre.C + cA;
    const la = d.load_replicas[ic];
    const kb = d.kv_replicas[ic];
    const rA = s.replicas[src];
    const releases = s.typesOn[src] === 1;
    const storage = releases && s.modelPairs[cfg.j] === 1 ? d.model_storage_usd_per_h[cfg.j] : 0;
    const rentalSaved = (t: number) => {
      const left = S - t;
      const r = releases && left < MIN_SHARE ? 0 : replicasFor(s.loadSum[src] - la * t, s.kvSum[src] - kb * t);
      return cfg.price_usd_per_h * (rA - r);
    };
    relief.offD = pre.dRel[ic];
    relief.offE = pre.eRel[i * pre.P + src];
    relief.budget = rentalSaved(S) + storage + tok * S;
    relief.gpus = cfg.gpus * (rA - (releases ? 0 : replicasFor(s.loadSum[src] - la * S, s.kvSum[src] - kb * S)));
    relief.g = cfg.gpu;
    const pen = d.delay_penalty_usd_per_h[ic];
    saving = (t) => rentalSaved(t) + (pen + tok) * t + (t >= S - MIN_SHARE ? storage : 0);
  }

  const table = candidateTable(pre, search.mech.noM1);
  let bestDelta = -IMPROVE_EPS * Math.max(1, s.hourlyCost());
  let bestT = 0;
  best.p = -1;
  const consider = (spareOnly: boolean) => {
    if (!assess(s, i, tg, S, spareOnly, relief, a)) return;
    const delta = a.cost - saving(a.t);
    if (delta < bestDelta) {
      bestDelta = delta;
      bestT = a.t;
      best.copyFrom(tg);
    }
  };
  for (let p = 0; p < s.P; p++) {
    if (p === src || s.layout[p] < 0) continue;
    if (targetFor(s, table, i, p, search.mech, tg)) {
      consider(true);
      consider(false);
    }
    if (search.mech.mix && mixTarget(s, i, p, tg)) {
      consider(true);
      consider(false);
    }
  }
  // New deployments: the type's shortlist on the M1 table (agh-lns: also the capacity-priced one).
  for (const t of search.mech.noM1 || !search.wide ? [table] : [table, candidateTable(pre, false, true)]) {
    for (const p of shortlist(pre, t, SHORTLIST)[i]) {
      if (s.layout[p] < 0 && newTarget(s, p, t[i * s.P + p], tg)) consider(false);
    }
  }
  if (search.mech.mix) {
    for (const p of shortlist(pre, candidateTable(pre, true), SHORTLIST)[i]) {
      if (s.layout[p] < 0 && mixTarget(s, i, p, tg)) consider(false);
    }
  }
  if (best.p < 0) return false;

  const before = s.hourlyCost();
  search.undo.copyFrom(s);
  if (src >= 0) s.addShare(i, src, s.layout[src], -bestT);
  applyTarget(s, i, best, bestT);
  if (s.feasible() && s.hourlyCost() < before - IMPROVE_EPS * Math.max(1, before)) return true;
  s.copyFrom(search.undo);
  return false;
}
