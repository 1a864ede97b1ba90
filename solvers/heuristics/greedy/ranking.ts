/**
 * M2 — cost-per-effective-coverage ranking (docs/heuristics.md, "The three mechanisms"), and the
 * `noM2` ablation that ranks by raw replica price. Lower scores rank first; ties go to deployed
 * pairs before upgrades before new deployments (reuse first), then to the lower pair index so the
 * order is deterministic.
 */
import type { Assessment } from './coverage.ts';
import type { PlanState } from './state.ts';
import type { Target } from './target.ts';

export function score(s: PlanState, tg: Target, a: Assessment, noM2: boolean): number {
  return noM2 ? s.pre.d.configs[tg.c].price_usd_per_h : a.cost / a.t;
}

/** Whether (score, target) ranks strictly before the incumbent. */
export function ranksBefore(sc: number, tg: Target, bestScore: number, best: Target): boolean {
  if (sc !== bestScore) return sc < bestScore;
  if (tg.kind !== best.kind) return tg.kind < best.kind;
  return tg.p < best.p;
}
