/**
 * agh-lns — ruin-and-recreate (large-neighbourhood search), beyond the paper's AGH, under its
 * "relocate local search" umbrella: a move that relocates many slices at once. Single-slice
 * relocations cannot find the chains a budget-bound plan needs (free budget by removing one type,
 * open the big deployment an unmet type needs, let the removed type ride on its spare capacity), so
 * each step:
 *
 * 1. ruins the incumbent (seeded choice among): all traffic of 1–4 random types; all traffic of
 *    the types routed through one or two random deployed pairs (the pairs close); or the slices on
 *    one or two random deployed pairs (the pairs close, other routes of those types stay);
 * 2. recreates with the GH placement (`placeType`, every M2/M3 rule unchanged) for every type with
 *    unmet demand, in a seeded order — random, or the types that were unmet before the ruin first
 *    (by unmet penalty) — under a randomly chosen M1 tie-break (top TP or fewest GPUs), with the
 *    M2 scores multiplied by a seeded noise 1 + a·U(0,1), a ∈ {0, 0.1, 0.3, 1} (randomised greedy);
 * 3. tightens layouts (relayout pass) and accepts the result if it is feasible and its objective
 *    (the evaluator's, kept exactly by the plan state) is not above the incumbent's.
 *
 * Everything is driven by a seeded stream, so the search is deterministic per seed; the number of
 * steps is bounded by the caller (scaled with the instance size) and ends early once a quarter of
 * it (at least MIN_STALL steps) has passed without a new best, never by the clock.
 */
import { candidateTable, admitted } from '../greedy/candidates.ts';
import { applyTarget, newTarget, placeType, targetFor, type Mechanisms } from '../greedy/construct.ts';
import { assess, MIN_SHARE, NO_RELIEF, type Assessment } from '../greedy/coverage.ts';
import { Target } from '../greedy/target.ts';
import { layoutChange } from '../greedy/upgrade.ts';
import { placePairMix } from './pairmix.ts';
import { relayoutPass } from './relayout.ts';
import { IMPROVE_EPS, type Search } from '../greedy/relocate.ts';
import { PlanState } from '../greedy/state.ts';

export interface RuinStats {
  steps: number;
  accepted: number;
  improved: number;
}

/** Noise levels on the M2 scores during a recreate (a randomised greedy); one is drawn per step. */
const JITTER = [0, 0.1, 0.3, 1];

const trials = new WeakMap<PlanState, PlanState>();
const bests = new WeakMap<PlanState, PlanState>();

/** Runs `steps` ruin-and-recreate steps on s (kept as the incumbent). Returns the number of strict improvements. */
export function ruinAndRecreate(s: PlanState, search: Search, rng: () => number, steps: number, stats: RuinStats, threshold = 0): number {
  let trial = trials.get(s);
  if (!trial) {
    trial = new PlanState(s.inst);
    trials.set(s, trial);
  }
  let best = bests.get(s);
  if (!best) {
    best = new PlanState(s.inst);
    bests.set(s, best);
  }
  best.copyFrom(s);
  const I = s.I;
  const P = s.P;
  const order: number[] = [];
  const wasUnmet = new Uint8Array(I);
  const pairs: number[] = [];
  let improved = 0;
  // A round also ends once STALL of its steps in a row found no new best: by then the chain sits
  // in a basin the local search and the next round (started only after an improving one) handle.
  const stall = Math.max(MIN_STALL, Math.ceil(steps * STALL));
  let lastImproved = 0;
  for (let step = 0; step < steps && step - lastImproved < stall; step++) {
    if ((step & 15) === 0 && performance.now() > search.deadline) {
      search.timedOut = true;
      break;
    }
    stats.steps++;
    trial.copyFrom(s);
    for (let i = 0; i < I; i++) wasUnmet[i] = s.unmet(i) >= MIN_SHARE ? 1 : 0;
    pairs.length = 0;
    for (let p = 0; p < P; p++) if (s.layout[p] >= 0) pairs.push(p);

    // 1. Ruin (or, a quarter of the time when demand is unmet, a targeted insertion).
    const kind = rng();
    const unmetTypes = order;
    unmetTypes.length = 0;
    for (let i = 0; i < I; i++) if (wasUnmet[i]) unmetTypes.push(i);
    if (unmetTypes.length > 0 && kind < INSERT_SHARE) {
      insertUnmet(trial, unmetTypes[Math.floor(rng() * unmetTypes.length)], search.mech, rng);
    } else if (kind < INSERT_SHARE + 0.35 * (1 - INSERT_SHARE) || pairs.length === 0) {
      const k = 1 + Math.floor(rng() * Math.min(4, I));
      for (let n = 0; n < k; n++) removeType(trial, Math.floor(rng() * I));
    } else if (kind < INSERT_SHARE + 0.7 * (1 - INSERT_SHARE)) {
      const k = 1 + Math.floor(rng() * Math.min(2, pairs.length));
      for (let n = 0; n < k; n++) {
        const p = pairs[Math.floor(rng() * pairs.length)];
        for (let i = 0; i < I; i++) if (trial.x[i * P + p] > 0) removeType(trial, i);
      }
    } else {
      const k = 1 + Math.floor(rng() * Math.min(2, pairs.length));
      for (let n = 0; n < k; n++) {
        const p = pairs[Math.floor(rng() * pairs.length)];
        if (trial.layout[p] < 0) continue;
        const c = trial.layout[p];
        for (let i = 0; i < I; i++) {
          const x = trial.x[i * P + p];
          if (x > 0) trial.addShare(i, p, c, -x);
        }
      }
    }

    // 2. Recreate.
    order.length = 0;
    for (let i = 0; i < I; i++) if (trial.unmet(i) >= MIN_SHARE) order.push(i);
    shuffle(order, rng);
    if (rng() < 0.5) {
      // Previously unmet types first (largest penalty first): they are what a ruin is meant to make room for.
      const pen = trial.pre.d.unmet_penalty_usd_per_h;
      order.sort((a, b) => wasUnmet[b] - wasUnmet[a] || (wasUnmet[a] ? pen[b] - pen[a] : 0));
    }
    const mech: Mechanisms = { ...search.mech, granular: !search.mech.noM1 && rng() < 0.5 };
    const amount = JITTER[Math.floor(rng() * JITTER.length)];
    const limits = { shortlisted: true, ...(amount > 0 ? { jitter: { rng, amount } } : {}) };
    for (const i of order) {
      placeType(trial, i, mech, limits);
      // Average mode: demand no single route can take may still fit on a paired mix.
      if (mech.mix && trial.unmet(i) >= MIN_SHARE && rng() < PAIR_MIX_SHARE) placePairMix(trial, i, search);
    }
    relayoutPass(trial);

    // 3. Accept when feasible and not worse than the current plan plus a threshold that falls
    //    linearly to zero over the steps (threshold accepting); the best plan seen is kept.
    if (!trial.feasible()) continue;
    const before = s.hourlyCost();
    const after = trial.hourlyCost();
    const bestCost = best.hourlyCost();
    const slack = (threshold * (steps - step)) / steps * bestCost;
    if (after <= before + slack + IMPROVE_EPS * Math.max(1, before)) {
      stats.accepted++;
      s.copyFrom(trial);
      if (after < bestCost - IMPROVE_EPS * Math.max(1, bestCost)) {
        improved++;
        stats.improved++;
        lastImproved = step;
        best.copyFrom(trial);
      }
    }
  }
  if (best.hourlyCost() < s.hourlyCost()) s.copyFrom(best);
  return improved;
}

/** Share of a round's steps without a new best after which the round ends. */
const STALL = 0.25;
/**
 * ...but never fewer than this many steps: the short rounds of larger instances (50 steps at
 * (20,20,20)) find their improvements late (a 13-step stall cost 0.4% at (20,20,20) seed 1).
 */
const MIN_STALL = 100;
/** Chance that a recreate tries a paired mix (pairmix.ts) for a type left with unmet demand (average mode). */
const PAIR_MIX_SHARE = 0.1;
/** Share of steps that are targeted insertions when some demand is unmet. */
const INSERT_SHARE = 0.3;
/** Cap on the types (or pairs) a targeted insertion ejects to make room. */
const MAX_EJECT = 4;
const ins = { tg: new Target(), a: { t: 0, cost: 0 } as Assessment };

/**
 * Targeted insertion for unmet type i: pick a route for its unmet share — a deployed pair (on its
 * layout or the M3 upgrade) or any layout M1 admits on an undeployed pair — and eject other
 * traffic (a random served type, or everything on a random deployed pair) until that route can
 * take the whole unmet share within budget, pool and storage (at most MAX_EJECT ejections), then
 * place it there. The ejected types are re-placed by the recreate step, which now sees the new
 * deployment's spare capacity.
 */
function insertUnmet(s: PlanState, i: number, mech: Mechanisms, rng: () => number): void {
  const pre = s.pre;
  const { tg, a } = ins;
  // Candidate (pair, layout): a random pair with some admitted layout that meets ε_i.
  const options: number[] = [];
  for (let p = 0; p < s.P; p++) {
    if (pre.eRel[i * s.P + p] > 0) continue;
    for (const c of pre.d.pairConfigs[p]) if (admitted(pre, i, p, c)) { options.push(p); break; }
  }
  if (options.length === 0) return;
  const p = options[Math.floor(rng() * options.length)];
  let c = s.layout[p];
  const table = candidateTable(pre, mech.noM1, !mech.noM1 && rng() < 0.5);
  if (c < 0 || rng() < 0.25) {
    // A new deployment (or a relayout of the deployed pair): a random admitted layout, or the table's half of the time.
    const layouts = pre.d.pairConfigs[p].filter((cc) => admitted(pre, i, p, cc));
    c = rng() < 0.5 && table[i * s.P + p] >= 0 ? table[i * s.P + p] : layouts[Math.floor(rng() * layouts.length)];
  } else if (pre.dRel[i * pre.C + c] > 0) {
    c = -1; // deployed and too slow: targetFor's M3 upgrade
  }
  const fill = (): boolean => {
    const c0 = s.layout[p];
    if (c < 0) return c0 >= 0 && targetFor(s, table, i, p, mech, tg);
    if (c0 < 0) return newTarget(s, p, c, tg);
    if (c0 === c) return targetFor(s, table, i, p, mech, tg);
    return layoutChange(s, p, c, tg);
  };
  for (let e = 0; ; e++) {
    const rem = s.unmet(i);
    const ok = fill() && assess(s, i, tg, rem, false, NO_RELIEF, a);
    if ((ok && a.t >= rem - MIN_SHARE) || e >= MAX_EJECT) {
      if (ok) applyTarget(s, i, tg, a.t);
      return;
    }
    // Eject: a random other served type, or everything on a random other deployed pair.
    const served: number[] = [];
    for (let o = 0; o < s.I; o++) if (o !== i && s.served[o] > 0) served.push(o);
    const deployed: number[] = [];
    for (let q = 0; q < s.P; q++) if (q !== p && s.layout[q] >= 0) deployed.push(q);
    if (served.length === 0) {
      if (ok) applyTarget(s, i, tg, a.t);
      return;
    }
    if (deployed.length > 0 && rng() < 0.5) {
      const q = deployed[Math.floor(rng() * deployed.length)];
      for (let o = 0; o < s.I; o++) if (s.x[o * s.P + q] > 0) s.addShare(o, q, s.layout[q], -s.x[o * s.P + q]);
    } else removeType(s, served[Math.floor(rng() * served.length)]);
  }
}

function removeType(s: PlanState, i: number): void {
  for (let p = 0; p < s.P; p++) {
    const x = s.x[i * s.P + p];
    if (x > 0) s.addShare(i, p, s.layout[p], -x);
  }
}

function shuffle(a: number[], rng: () => number): void {
  for (let n = a.length - 1; n > 0; n--) {
    const m = Math.floor(rng() * (n + 1));
    [a[n], a[m]] = [a[m], a[n]];
  }
}
