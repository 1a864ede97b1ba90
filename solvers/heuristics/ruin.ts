/**
 * AGH — ruin-and-recreate (large-neighbourhood search), beyond HEURISTICS.md, under its "relocate
 * local search" umbrella: a move that relocates many slices at once. Single-slice relocations
 * cannot find the chains a budget-bound plan needs (free budget by removing one type, open the big
 * deployment an unmet type needs, let the removed type ride on its spare capacity), so each step:
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
 * steps is fixed by the caller (scaled with the instance size), never by the clock.
 */
import { placeType, type Mechanisms } from './construct.ts';
import { MIN_SHARE } from './coverage.ts';
import { relayoutPass } from './relayout.ts';
import { IMPROVE_EPS, type Search } from './relocate.ts';
import { PlanState } from './state.ts';

export interface RuinStats {
  steps: number;
  accepted: number;
  improved: number;
}

/** Noise levels on the M2 scores during a recreate (a randomised greedy); one is drawn per step. */
const JITTER = [0, 0.1, 0.3, 1];

const trials = new WeakMap<PlanState, PlanState>();

/** Runs `steps` ruin-and-recreate steps on s (kept as the incumbent). Returns the number of strict improvements. */
export function ruinAndRecreate(s: PlanState, search: Search, rng: () => number, steps: number, stats: RuinStats): number {
  let trial = trials.get(s);
  if (!trial) {
    trial = new PlanState(s.inst);
    trials.set(s, trial);
  }
  const I = s.I;
  const P = s.P;
  const order: number[] = [];
  const wasUnmet = new Uint8Array(I);
  const pairs: number[] = [];
  let improved = 0;
  for (let step = 0; step < steps; step++) {
    if ((step & 15) === 0 && performance.now() > search.deadline) {
      search.timedOut = true;
      break;
    }
    stats.steps++;
    trial.copyFrom(s);
    for (let i = 0; i < I; i++) wasUnmet[i] = s.unmet(i) >= MIN_SHARE ? 1 : 0;
    pairs.length = 0;
    for (let p = 0; p < P; p++) if (s.layout[p] >= 0) pairs.push(p);

    // 1. Ruin.
    const kind = rng();
    if (kind < 0.35 || pairs.length === 0) {
      const k = 1 + Math.floor(rng() * Math.min(4, I));
      for (let n = 0; n < k; n++) removeType(trial, Math.floor(rng() * I));
    } else if (kind < 0.7) {
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
    const limits = amount > 0 ? { jitter: { rng, amount } } : {};
    for (const i of order) placeType(trial, i, mech, limits);
    relayoutPass(trial);

    // 3. Accept when feasible and not worse.
    if (!trial.feasible()) continue;
    const before = s.hourlyCost();
    const after = trial.hourlyCost();
    if (after <= before + IMPROVE_EPS * Math.max(1, before)) {
      if (after < before - IMPROVE_EPS * Math.max(1, before)) {
        improved++;
        stats.improved++;
      }
      stats.accepted++;
      s.copyFrom(trial);
    }
  }
  return improved;
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
