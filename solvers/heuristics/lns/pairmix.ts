/**
 * agh-lns — paired-mix move (average mode only; beyond the paper's AGH, whose M1 admits only routes
 * that meet Δ on their own and whose moves place one route at a time). In average mode the MILP may
 * serve a type on two routes neither of which is admissible alone — e.g. Math_Solving 98% on a fast
 * 31B route just above ε and 2% on an accurate 70B route too slow for Δ — and a one-route move
 * never reaches it: each route needs the slack the other banks. This move solves the 2×2 split
 * directly: for two targets A, B of type i (deployed pairs, M3 upgrades, new deployments, too-slow
 * layouts included) it maximises the served share a + b ≤ U subject to the type's delay and error
 * rows (with the slack it already banks) and each target's capacity, budget and pool, estimates the
 * cost of the split (replicas rounded up, delay penalty, token and model storage, the unmet penalty
 * of what is left), applies the best few estimates for real, and lets the caller keep the result
 * only if the state is feasible and cheaper. The state tracks the rows exactly, so plans stay
 * feasible by construction.
 */
import { candidateTable } from '../greedy/candidates.ts';
import { assess, MIN_SHARE, type Assessment, type Relief } from '../greedy/coverage.ts';
import { applyTarget, mixTarget, newTarget, placeType, targetFor } from '../greedy/construct.ts';
import { IMPROVE_EPS, type Search } from '../greedy/relocate.ts';
import { replicasFor } from '../greedy/replicas.ts';
import { PlanState } from '../greedy/state.ts';
import { Target } from '../greedy/target.ts';

/** New-deployment targets per table a paired mix looks at (all pairs up to this many). */
const NEW_TARGETS = 24;
/** Best estimated splits that are applied for real. */
const TRY = 3;

interface Split { A: Target; B: Target; a: number; b: number; est: number }

const relief: Relief = { offD: 0, offE: 0, budget: 0, gpus: 0, g: -1 };
const asm: Assessment = { t: 0, cost: 0 };

/** The targets type i could use in s: deployed pairs (plain, upgraded, too slow) and a list of new deployments. */
function targetsOf(s: PlanState, i: number): Target[] {
  const pre = s.pre;
  const out: Target[] = [];
  const seen = new Set<number>();
  const push = (tg: Target) => {
    const key = tg.p * pre.C + tg.c;
    if (seen.has(key)) return;
    seen.add(key);
    const copy = new Target();
    copy.copyFrom(tg);
    out.push(copy);
  };
  const tg = new Target();
  const table = candidateTable(pre, false);
  for (let p = 0; p < s.P; p++) {
    if (s.layout[p] < 0) continue;
    if (targetFor(s, table, i, p, { noM1: false, noM2: false, noM3: false }, tg)) push(tg);
    if (mixTarget(s, i, p, tg)) push(tg);
  }
  for (const t of [table, candidateTable(pre, false, true), candidateTable(pre, true)]) {
    // The cheapest and the most accurate undeployed pairs: a mix pairs a cheap route with one that banks error slack.
    for (const list of orderedPairs(s, t)[i]) {
      let taken = 0;
      for (let n = 0; n < list.length && taken < NEW_TARGETS; n++) {
        const p = list[n];
        if (s.layout[p] >= 0) continue;
        taken++;
        if (newTarget(s, p, t[i * s.P + p], tg)) push(tg);
      }
    }
  }
  return out;
}

const ordered = new WeakMap<Int32Array, number[][][]>();

/**
 * Per type, the table's pairs in two static orders — by unit cost (capacity-priced rental plus
 * delay penalty) and by error — without the layouts that break both rows (no partner pays for
 * those). Cached per table.
 */
function orderedPairs(s: PlanState, t: Int32Array): number[][][] {
  let lists = ordered.get(t);
  if (lists) return lists;
  const pre = s.pre;
  lists = [];
  for (let i = 0; i < pre.I; i++) {
    const cands: [number, number, number][] = [];
    for (let p = 0; p < pre.P; p++) {
      const c = t[i * pre.P + p];
      if (c < 0) continue;
      const ic = i * pre.C + c;
      const e = pre.eRel[i * pre.P + p];
      if (pre.dRel[ic] > 0 && e > 0) continue;
      cands.push([p, pre.unitRental[ic] + pre.d.delay_penalty_usd_per_h[ic], e]);
    }
    const byCost = [...cands].sort((x, y) => x[1] - y[1] || x[0] - y[0]).map((x) => x[0]);
    const byErr = [...cands].sort((x, y) => x[2] - y[2] || x[1] - y[1] || x[0] - y[0]).map((x) => x[0]);
    lists.push([byCost, byErr]);
  }
  ordered.set(t, lists);
  return lists;
}

/** Cost ($/h) of putting share t of type i on tg: extras, new replicas rounded up, delay penalty, token storage. */
function costOn(s: PlanState, i: number, tg: Target, t: number): number {
  const d = s.pre.d;
  const ic = i * s.pre.C + tg.c;
  const R = Math.max(tg.baseR, replicasFor(tg.baseL + d.load_replicas[ic] * t, tg.baseK + d.kv_replicas[ic] * t));
  return tg.extraBudget + tg.extraPenalty + d.configs[tg.c].price_usd_per_h * (R - tg.baseR) + (d.delay_penalty_usd_per_h[ic] + d.token_storage_usd_per_h[i]) * t;
}

/**
 * max a + b over a, b ≥ 0, a ≤ capA, b ≤ capB, a + b ≤ U, dA·a + dB·b ≤ rD, eA·a + eB·b ≤ rE,
 * by enumerating the vertices of the polygon (7 lines). Returns [a, b], or null when nothing fits.
 */
export function split2(U: number, capA: number, capB: number, dA: number, dB: number, rD: number, eA: number, eB: number, rE: number): [number, number] | null {
  // Rows as c1·a + c2·b ≤ r, in flat scratch arrays (this is the inner loop of the move).
  R1[2] = 1; R2[2] = 0; RR[2] = capA;
  R1[3] = 0; R2[3] = 1; RR[3] = capB;
  R1[4] = 1; R2[4] = 1; RR[4] = U;
  R1[5] = dA; R2[5] = dB; RR[5] = rD;
  R1[6] = eA; R2[6] = eB; RR[6] = rE;
  let bestA = -1;
  let bestB = -1;
  for (let x = 0; x < 7; x++) {
    for (let y = x + 1; y < 7; y++) {
      const det = R1[x] * R2[y] - R1[y] * R2[x];
      if (Math.abs(det) < 1e-15) continue;
      const a = (RR[x] * R2[y] - RR[y] * R2[x]) / det;
      const b = (R1[x] * RR[y] - R1[y] * RR[x]) / det;
      if (!(a >= -1e-12 && b >= -1e-12) || a + b <= bestA + bestB + 1e-12) continue;
      let ok = true;
      for (let z = 0; z < 7 && ok; z++) ok = R1[z] * a + R2[z] * b <= RR[z] + 1e-12 * (1 + Math.abs(RR[z]));
      if (ok) {
        bestA = Math.max(0, a);
        bestB = Math.max(0, b);
      }
    }
  }
  return bestA < 0 ? null : [bestA, bestB];
}
const R1 = new Float64Array([-1, 0, 0, 0, 0, 0, 0]);
const R2 = new Float64Array([0, -1, 0, 0, 0, 0, 0]);
const RR = new Float64Array(7);

/** The best few splits of type i's unmet share over two targets, by estimated cost (cheapest first). */
function bestSplits(s: PlanState, i: number): Split[] {
  const pre = s.pre;
  const U = s.unmet(i);
  if (U < MIN_SHARE) return [];
  const targets = targetsOf(s, i);
  const penalty = pre.d.unmet_penalty_usd_per_h[i];
  // Capacity of each target alone (its SLO rows ignored here: the split handles them).
  const caps = targets.map((tg) => {
    const ic = i * pre.C + tg.c;
    relief.offD = pre.dRel[ic];
    relief.offE = pre.eRel[i * pre.P + tg.p];
    return assess(s, i, tg, U, false, relief, asm) ? asm.t : 0;
  });
  const top: Split[] = [];
  for (let x = 0; x < targets.length; x++) {
    if (caps[x] < MIN_SHARE) continue;
    const A = targets[x];
    const dA = pre.dRel[i * pre.C + A.c];
    const eA = pre.eRel[i * pre.P + A.p];
    for (let y = x + 1; y < targets.length; y++) {
      const B = targets[y];
      if (caps[y] < MIN_SHARE || B.p === A.p) continue;
      const dB = pre.dRel[i * pre.C + B.c];
      const eB = pre.eRel[i * pre.P + B.p];
      // Only a pair where each route breaks a row the other pays for is new (singles are
      // relocate's): each broken row of one route must be banked by the other.
      if ((dA <= 0 && eA <= 0) || (dB <= 0 && eB <= 0)) continue;
      if ((eA > 0 && eB >= 0) || (eB > 0 && eA >= 0) || (dA > 0 && dB >= 0) || (dB > 0 && dA >= 0)) continue;
      const ab = split2(U, caps[x], caps[y], dA, dB, -s.slackD[i], eA, eB, -s.slackE[i]);
      if (!ab || ab[0] < MIN_SHARE || ab[1] < MIN_SHARE) continue;
      const est = costOn(s, i, A, ab[0]) + costOn(s, i, B, ab[1]) - penalty * (ab[0] + ab[1]);
      if (est >= 0) continue;
      if (top.length < TRY || est < top[top.length - 1].est) {
        if (top.length === TRY) top.pop();
        top.push({ A, B, a: ab[0], b: ab[1], est });
        top.sort((u, v) => u.est - v.est);
      }
    }
  }
  return top;
}

const scratch = new WeakMap<PlanState, { trial: PlanState; best: PlanState }>();
function scratchOf(s: PlanState) {
  let sc = scratch.get(s);
  if (!sc) {
    sc = { trial: new PlanState(s.inst), best: new PlanState(s.inst) };
    scratch.set(s, sc);
  }
  return sc;
}

/**
 * Places type i's unmet share on the best paired mix found (then the GH placement, with mixing, for
 * any rest). Leaves s at the cheapest feasible result among the tried splits, or unchanged; true
 * when s changed. Average mode only.
 */
export function placePairMix(s: PlanState, i: number, search: Search): boolean {
  if (s.pre.perRoute || !search.mech.mix) return false;
  const splits = bestSplits(s, i);
  if (splits.length === 0) return false;
  const { trial, best } = scratchOf(s);
  let bestCost = s.hourlyCost();
  let found = false;
  for (const sp of splits) {
    for (const scale of [1, 0.5]) {
      trial.copyFrom(s);
      applyTarget(trial, i, sp.A, sp.a * scale);
      // B's target may have moved with A (same model's storage): refresh it by kind.
      applyTarget(trial, i, sp.B, sp.b * scale);
      if (!trial.feasible()) continue;
      placeType(trial, i, search.mech, { shortlisted: true });
      if (trial.feasible() && trial.hourlyCost() < bestCost - IMPROVE_EPS * Math.max(1, bestCost)) {
        bestCost = trial.hourlyCost();
        best.copyFrom(trial);
        found = true;
      }
      break;
    }
  }
  if (found) s.copyFrom(best);
  return found;
}

/**
 * Local-search pass: for every type, take all its traffic off and re-place it with a paired mix;
 * kept when the plan stays feasible and gets cheaper. Returns the number of accepted moves.
 */
export function pairMixPass(s: PlanState, search: Search): number {
  if (s.pre.perRoute || !search.mech.mix) return 0;
  let moves = 0;
  const work = new PlanState(s.inst);
  for (let i = 0; i < s.I; i++) {
    if (performance.now() > search.deadline) {
      search.timedOut = true;
      break;
    }
    work.copyFrom(s);
    for (let p = 0; p < s.P; p++) {
      const x = work.x[i * s.P + p];
      if (x > 0) work.addShare(i, p, work.layout[p], -x);
    }
    if (!placePairMix(work, i, search)) continue;
    if (work.feasible() && work.hourlyCost() < s.hourlyCost() - IMPROVE_EPS * Math.max(1, s.hourlyCost())) {
      s.copyFrom(work);
      moves++;
    }
  }
  return moves;
}
