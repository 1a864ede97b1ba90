/**
 * The GH construction (docs/heuristics.md, "GH — greedy heuristic", steps 2–4) on a mutable plan
 * state: types in a given order, each placed greedily — rank every target by M2, take the best,
 * place as much of the remaining demand as it carries, repeat until the type is placed or nothing
 * worthwhile fits. A target is worthwhile only if serving costs less than the unmet penalty it
 * saves, so the construction never raises the objective. AGH's consolidation and agh-lns's moves
 * call the same `placeType`. The hooks only agh-lns sets (Mechanisms `granular` and `mix`,
 * PlaceLimits `shortlisted` and `jitter`, `mixTarget`) stay here because they act inside the shared
 * ranking loop of placeType and relocate; GH and AGH leave them off, so their plans never use them.
 */
import { candidateTable, FULL_SCAN_PAIRS, shortlistMask } from './candidates.ts';
import { assess, MIN_SHARE, NO_RELIEF, type Assessment } from './coverage.ts';
import { ranksBefore, score } from './ranking.ts';
import type { PlanState } from './state.ts';
import { ACTIVE, NEW, Target } from './target.ts';
import { upgradeTarget } from './upgrade.ts';

export interface Mechanisms {
  noM1: boolean;
  noM2: boolean;
  noM3: boolean;
  /**
   * agh-lns only: the capacity-priced M1 table with ties to the fewest GPUs (its granular starts
   * and ruin steps; see candidateTable).
   */
  granular?: boolean;
  /**
   * agh-lns only, average mode (its local search and ruin-and-recreate): a deployed pair whose
   * layout is too slow for the type is also a target on that layout, carrying only the share the
   * delay slack banked by faster routes pays for (the mixing the MILP may do; the rows are tracked
   * exactly by the state).
   */
  mix?: boolean;
}

export const ALL_MECHANISMS: Readonly<Mechanisms> = Object.freeze({ noM1: false, noM2: false, noM3: false });

/**
 * Fills tg with where type i would go on pair p: the deployed layout if it meets Δ_i, else its M3
 * upgrade, or for an undeployed pair the candidate table's layout. Ablations remove a guard with
 * its mechanism (docs/heuristics.md, "Ablations"): under noM1 the delay is not looked at (the
 * deployed layout is taken as it is); under noM3 there is no upgrade and no layout check — the
 * type's own table layout opens beside the pair's (two layouts on one pair).
 */
export function targetFor(s: PlanState, table: Int32Array, i: number, p: number, mech: Mechanisms, tg: Target): boolean {
  const pre = s.pre;
  const c0 = s.layout[p];
  if (c0 < 0) {
    const c = table[i * pre.P + p];
    return c >= 0 && newTarget(s, p, c, tg);
  }
  if (pre.perRoute && pre.eRel[i * pre.P + p] > 0) return false;
  if (s.checkDelay && pre.dRel[i * pre.C + c0] > 0) return mech.noM3 ? besideTarget(s, table, i, p, tg) : upgradeTarget(s, i, p, tg);
  return activeTarget(s, p, c0, tg);
}

/** noM3: type i on a second layout of active pair p — the beside one if it is there and fast enough, else a new one from the table. */
function besideTarget(s: PlanState, table: Int32Array, i: number, p: number, tg: Target): boolean {
  const pre = s.pre;
  const b = s.besideOf(p);
  if (b.c >= 0) {
    if (pre.dRel[i * pre.C + b.c] > 0) return false;
    activeTarget(s, p, b.c, tg);
    tg.baseL = b.load;
    tg.baseK = b.kv;
    tg.baseR = b.replicas;
  } else {
    const c = table[i * pre.P + p];
    if (c < 0) return false;
    newTarget(s, p, c, tg);
  }
  tg.beside = true;
  return true;
}

/**
 * The mixing target (Mechanisms.mix, average mode): type i on a layout too slow for it on its own
 * — deployed pair p on its current layout, or an undeployed pair on its smallest layout (fewest
 * GPUs: a mixed route carries a small share). False when there is none or the layout meets Δ_i
 * (then the plain target covers it).
 */
export function mixTarget(s: PlanState, i: number, p: number, tg: Target): boolean {
  const pre = s.pre;
  const c0 = s.layout[p];
  if (pre.perRoute) return false;
  if (c0 < 0) {
    const c = candidateTable(pre, true)[i * pre.P + p];
    return c >= 0 && pre.dRel[i * pre.C + c] > 0 && newTarget(s, p, c, tg);
  }
  if (pre.dRel[i * pre.C + c0] <= 0 || !(pre.d.configs[c0].free_kv_gb > 0)) return false;
  return activeTarget(s, p, c0, tg);
}

/** Fills tg with deployed pair p on its current layout c0: spare capacity costs nothing extra. */
function activeTarget(s: PlanState, p: number, c0: number, tg: Target): true {
  tg.p = p;
  tg.c = c0;
  tg.kind = ACTIVE;
  tg.baseL = s.loadSum[p];
  tg.baseK = s.kvSum[p];
  tg.baseR = s.replicas[p];
  tg.extraBudget = tg.extraPenalty = tg.extraGpus = tg.extraStorageGb = 0;
  tg.beside = false;
  return true;
}

/** Fills tg with a new deployment of pair p on layout c (model storage counted if the model is new). */
export function newTarget(s: PlanState, p: number, c: number, tg: Target): true {
  const d = s.pre.d;
  const j = d.configs[c].j;
  const newModel = s.modelPairs[j] === 0;
  tg.p = p;
  tg.c = c;
  tg.kind = NEW;
  tg.baseL = tg.baseK = tg.baseR = 0;
  tg.extraBudget = newModel ? d.model_storage_usd_per_h[j] : 0;
  tg.extraStorageGb = newModel ? d.model_storage_gb[j] : 0;
  tg.extraPenalty = tg.extraGpus = 0;
  tg.beside = false;
  return true;
}

/** Applies a chosen target: the upgrade first, then the share. */
export function applyTarget(s: PlanState, i: number, tg: Target, t: number): void {
  if (tg.beside) return s.addBeside(i, tg.p, tg.c, t);
  if (tg.kind !== NEW && s.layout[tg.p] !== tg.c) s.setLayout(tg.p, tg.c);
  s.addShare(i, tg.p, tg.c, t);
}

export interface PlaceLimits {
  /** Place at most this share (default: all of the type's unmet demand). */
  maxShare?: number;
  /** Only deployed pairs (on their layout or upgraded): consolidation must not open new ones. */
  deployedOnly?: boolean;
  /**
   * agh-lns's re-placements (paired mix, ruin-and-recreate): beyond FULL_SCAN_PAIRS pairs, new
   * deployments only on the type's shortlisted pairs (`shortlistMask`: the plain table's, and for
   * mixing the smallest-layout table's), as relocate does; deployed pairs are always looked at.
   * GH's construction scans every pair.
   */
  shortlisted?: boolean;
  /**
   * agh-lns's ruin-and-recreate: each M2 score is multiplied by 1 + amount·U(0,1) from this
   * seeded stream.
   */
  jitter?: { rng: () => number; amount: number };
}

/** Scratch objects of the ranking loop, reused across calls. */
const scratch = { tg: new Target(), best: new Target(), a: { t: 0, cost: 0 } as Assessment, bestA: { t: 0, cost: 0 } as Assessment };

/** GH step 3 for one type. Returns the share placed. */
export function placeType(s: PlanState, i: number, mech: Mechanisms, limits: PlaceLimits = {}): number {
  const pre = s.pre;
  const table = candidateTable(pre, mech.noM1, mech.granular);
  const penalty = pre.d.unmet_penalty_usd_per_h[i];
  const { tg, best, a, bestA } = scratch;
  let rem = Math.min(s.unmet(i), limits.maxShare ?? 1);
  let placed = 0;
  const limited = limits.shortlisted === true && pre.P > FULL_SCAN_PAIRS;
  const plainNew = limited ? shortlistMask(pre, table)[i] : null;
  const mixNew = limited && mech.mix ? shortlistMask(pre, candidateTable(pre, true))[i] : null;
  // The pairs looked at, ascending (ties rank by pair): placement only opens pairs, so a pair
  // deployed now stays deployed, and a new one comes from the shortlist.
  const cands = pairsToScan(s, limits.deployedOnly === true, plainNew, mixNew);
  // Every step places a share ≥ MIN_SHARE or deploys nothing new, so this bound is never binding in practice.
  for (let step = 0; rem >= MIN_SHARE && step < 4 * pre.P + 16; step++) {
    let bestScore = Infinity;
    best.p = -1;
    for (let n = 0, N = cands ? cands.length : pre.P; n < N; n++) {
      const p = cands ? cands[n] : n;
      // With deployedOnly, cands holds only deployed pairs (placement never closes one).
      const deployed = s.layout[p] >= 0;
      const plain = (deployed || !plainNew || plainNew[p] === 1) && targetFor(s, table, i, p, mech, tg);
      const mixOk = mech.mix && (deployed || !mixNew || mixNew[p] === 1);
      for (let variant = 0; variant < 2; variant++) {
        if (variant === 0 ? !plain : !(mixOk && mixTarget(s, i, p, tg))) continue;
        // Deployed pairs are assessed twice: filling spare capacity only, and taking all it can.
        for (let spare = tg.kind === NEW ? 0 : 1; spare >= 0; spare--) {
          if (!assess(s, i, tg, rem, spare === 1, NO_RELIEF, a)) continue;
          if (a.cost >= penalty * a.t) continue;
          const sc = limits.jitter ? score(s, tg, a, mech.noM2) * (1 + limits.jitter.amount * limits.jitter.rng()) : score(s, tg, a, mech.noM2);
          if (best.p < 0 || ranksBefore(sc, tg, bestScore, best)) {
            bestScore = sc;
            best.copyFrom(tg);
            bestA.t = a.t;
            bestA.cost = a.cost;
          }
        }
      }
    }
    if (best.p < 0) break;
    applyTarget(s, i, best, bestA.t);
    rem -= bestA.t;
    placed += bestA.t;
  }
  return placed;
}

/** The pairs placeType scans when limited (deployed ones, plus the shortlists), or null for all. */
function pairsToScan(s: PlanState, deployedOnly: boolean, plainNew: Uint8Array | null, mixNew: Uint8Array | null): number[] | null {
  if (!deployedOnly && !plainNew) return null;
  const out: number[] = [];
  for (let p = 0; p < s.P; p++) if (s.layout[p] >= 0 || (!deployedOnly && (plainNew?.[p] === 1 || mixNew?.[p] === 1))) out.push(p);
  return out;
}

/**
 * GH step 2, a necessary condition for serving type i under any mechanism setting: some pair has a
 * layout that meets Δ_i (the M1 table is non-empty; per-route, that layout's error meets ε_i too;
 * under noM1 the delay is not looked at), and — average mode — some deployable pair meets ε_i,
 * since the mean error needs a route at or below it. Types failing it are reported and left unmet.
 */
export function coverable(s: PlanState, i: number): boolean {
  const pre = s.pre;
  const fast = candidateTable(pre, !s.checkDelay);
  const any = candidateTable(pre, true);
  let delayOk = false;
  let errorOk = pre.perRoute;
  for (let p = 0; p < pre.P && !(delayOk && errorOk); p++) {
    if (fast[i * pre.P + p] >= 0) delayOk = true;
    if (any[i * pre.P + p] >= 0 && pre.eRel[i * pre.P + p] <= 0) errorOk = true;
  }
  return delayOk && errorOk;
}

/** Runs the whole construction from the empty plan; returns the indices of uncoverable types. */
export function construct(s: PlanState, order: ArrayLike<number>, mech: Mechanisms): number[] {
  s.reset();
  // M1 is the delay rows' only guard: without it nothing checks them (docs/heuristics.md, "Ablations").
  s.checkDelay = !mech.noM1;
  const uncoverable: number[] = [];
  for (let n = 0; n < order.length; n++) {
    const i = order[n];
    if (coverable(s, i)) placeType(s, i, mech);
    else uncoverable.push(i);
  }
  return uncoverable;
}
