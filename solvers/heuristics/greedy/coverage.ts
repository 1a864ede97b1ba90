/**
 * Effective coverage and marginal cost of one target for one type (the quantities M2 ranks): the
 * largest share of the type's remaining demand the target can take without breaking the type's
 * SLO rows, the budget, the pool or storage, and the hourly cost of taking it — new replicas
 * rounded up (spare capacity on rented replicas is free), delay penalty, token storage, and the
 * target's own extras (model storage, upgrade re-pricing).
 */
import { replicasFor } from './replicas.ts';
import type { PlanState } from './state.ts';
import type { Target } from './target.ts';

/** Smallest share worth placing; below it a move is noise. */
export const MIN_SHARE = 1e-9;
const TOL = 1e-9;

export interface Assessment {
  /** Share of type i's demand the target takes. */
  t: number;
  /** Hourly cost of taking it (all objective terms except the unmet penalty it saves). */
  cost: number;
}

/**
 * What a move frees before the slice lands (relocate): the SLO coefficients of the route the slice
 * leaves (so the slack it banked is accounted for) and the budget and GPUs its removal releases.
 */
export interface Relief {
  offD: number;
  offE: number;
  budget: number;
  gpus: number;
  /** GPU model whose pool `gpus` returns to (−1: none). */
  g: number;
}

export const NO_RELIEF: Readonly<Relief> = Object.freeze({ offD: 0, offE: 0, budget: 0, gpus: 0, g: -1 });

/**
 * Fills `out` for type i on target tg with at most `rem` of its demand; `spareOnly` limits it to
 * the replicas the target already has. False when the target can take nothing.
 */
export function assess(s: PlanState, i: number, tg: Target, rem: number, spareOnly: boolean, relief: Readonly<Relief>, out: Assessment): boolean {
  const pre = s.pre;
  const d = pre.d;
  const ic = i * pre.C + tg.c;
  const ip = i * pre.P + tg.p;
  let t = rem;
  // Without M1 (checkDelay false) nothing guards the delay rows.
  if (pre.perRoute) {
    if ((s.checkDelay && pre.dRel[ic] > 0) || pre.eRel[ip] > 0) return false;
  } else {
    // A route worse than the SLO carries only what the slack banked by better routes pays for.
    const cd = pre.dRel[ic] - relief.offD;
    if (cd > 0 && s.checkDelay) t = Math.min(t, Math.max(0, -s.slackD[i]) / cd);
    const ce = pre.eRel[ip] - relief.offE;
    if (ce > 0) t = Math.min(t, Math.max(0, -s.slackE[i]) / ce);
  }
  if (t < MIN_SHARE) return false;
  if (tg.extraStorageGb > s.storageLeftGb() + TOL) return false;

  const cfg = d.configs[tg.c];
  const budget = s.budgetLeftPerH() + relief.budget - tg.extraBudget;
  const pool = s.poolLeft(cfg.gpu) + (relief.g === cfg.gpu ? relief.gpus : 0) - tg.extraGpus;
  if (budget < -TOL || pool < -TOL) return false;

  const a = d.load_replicas[ic];
  const b = d.kv_replicas[ic];
  const rMax = spareOnly ? tg.baseR : tg.baseR + Math.floor(pool / cfg.gpus + TOL);
  t = Math.min(t, shareWithin(tg, a, b, rMax));
  const price = cfg.price_usd_per_h;
  const tok = d.token_storage_usd_per_h[i];
  let R = replicasNeeded(tg, a, b, t);
  if (price * (R - tg.baseR) + tok * t > budget) {
    // Fewer replicas than the share wants: the most the remaining budget rents, then the share they carry.
    const Rb = tg.baseR + Math.max(0, Math.floor((budget - tok * t) / price));
    t = Math.min(t, shareWithin(tg, a, b, Rb), tok > 0 ? (budget - price * (Rb - tg.baseR)) / tok : t);
    R = replicasNeeded(tg, a, b, t);
  }
  if (!(t >= MIN_SHARE)) return false;
  out.t = t;
  out.cost = tg.extraBudget + tg.extraPenalty + price * (R - tg.baseR) + (d.delay_penalty_usd_per_h[ic] + tok) * t;
  return true;
}

// Module-level helpers rather than closures: assess() is the innermost loop of every heuristic.

/** Largest share of per-unit load a and KV b that R replicas carry on top of the target's base. */
function shareWithin(tg: Target, a: number, b: number, R: number): number {
  return Math.min((R - tg.baseL) / a, b > 0 ? (R - tg.baseK) / b : Infinity);
}

function replicasNeeded(tg: Target, a: number, b: number, t: number): number {
  return Math.max(tg.baseR, replicasFor(tg.baseL + a * t, tg.baseK + b * t));
}
