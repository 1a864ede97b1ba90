/**
 * M3 — TP upgrade on active pairs (docs/heuristics.md, "The three mechanisms"). When a deployed
 * pair's layout is too slow for the type being placed, the pair may move to the smallest TP degree
 * (same PP depth first, then deeper PP) that meets the type's delay SLO. The move re-prices every
 * replica of the pair and changes the delay of every type already on it; the target records those
 * effects so that the coverage check can accept it only if budget, pool and every SLO still hold.
 */
import type { Prepared } from './candidates.ts';
import { replicasFor } from './replicas.ts';
import type { LayoutSums, PlanState } from './state.ts';
import { UPGRADE, type Target } from './target.ts';

const sums: LayoutSums = { load: 0, kv: 0, penalty: 0 };

/** The layout pair p (now on c0) moves to so that type i meets Δ_i, or −1. */
export function upgradeLayout(pre: Prepared, i: number, p: number, c0: number): number {
  const { configs } = pre.d;
  const from = configs[c0];
  let best = -1;
  for (const c of pre.d.pairConfigs[p]) {
    const to = configs[c];
    if (to.n <= from.n || to.m < from.m || to.free_kv_gb <= 0 || pre.dRel[i * pre.C + c] > 0) continue;
    if (best < 0 || to.m < configs[best].m || (to.m === configs[best].m && to.n < configs[best].n)) best = c;
  }
  return best;
}

/** Fills tg with the upgrade of deployed pair p for type i; false when none exists or it breaks another type's delay SLO. */
export function upgradeTarget(s: PlanState, i: number, p: number, tg: Target): boolean {
  const c1 = upgradeLayout(s.pre, i, p, s.layout[p]);
  return c1 >= 0 && layoutChange(s, p, c1, tg);
}

/**
 * Fills tg with deployed pair p moved to layout c1 with all its routes: re-priced replicas, the
 * change in delay penalty, the GPUs it adds. False when a type on the pair would break its delay
 * SLO (per-route: on the new layout; average: its mean); the sums are PlanState.layoutSums, the
 * same computation setLayout applies. agh-lns's relayout and ruin moves use it directly.
 */
export function layoutChange(s: PlanState, p: number, c1: number, tg: Target): boolean {
  if (!s.layoutSums(p, c1, false, sums)) return false;
  const { load, kv, penalty } = sums;
  const d = s.pre.d;
  const c0 = s.layout[p];
  const from = d.configs[c0];
  const to = d.configs[c1];
  const r0 = s.replicas[p];
  const r1 = replicasFor(load, kv);
  tg.p = p;
  tg.c = c1;
  tg.kind = UPGRADE;
  tg.baseL = load;
  tg.baseK = kv;
  tg.baseR = r1;
  tg.extraBudget = to.price_usd_per_h * r1 - from.price_usd_per_h * r0;
  tg.extraPenalty = penalty;
  tg.extraGpus = to.gpus * r1 - from.gpus * r0;
  tg.extraStorageGb = 0;
  return true;
}
