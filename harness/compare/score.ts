/**
 * The figures of `alloc-bench compare`, from a run's raw rows, the best-known table and the
 * solvers' trajectories. Pure: rows in, figures out. Every cost is the evaluator's (raw.csv's
 * `cost_usd` of a feasible plan), never a solver's self-report.
 *
 * - Win/tie/loss of solver s against solver a, per instance both ran: s wins when its feasible plan
 *   is cheaper than a's by more than TIE_TOLERANCE (relative), or when only s has a feasible plan;
 *   a tie when the costs are within the tolerance, or neither has a feasible plan; else a loss.
 * - Gap to the best known: (cost − optimum) / optimum where the optimum is proven — by the
 *   best-known table's entry, or by an exact solve of the run (status optimal) — ("certified");
 *   where it is not, (cost − best-known bound) / bound, an upper bound on the gap ("≤"); for an
 *   instance the table lacks and no run proved, against the run's cheapest feasible plan ("vs run
 *   best": neither a certificate nor a bound).
 * - SGM of the solve times (harness/report/sgm.ts), failures charged at the time limit.
 * - Primal gap and primal integral (Berthold 2013): γ(t) = 1 before the first incumbent, then
 *   |c(t) − c*| / max(|c(t)|, |c*|) for the incumbent c(t) and the reference cost c*; the integral
 *   of γ over [0, T], T the longest solve time on the instance (a solver that ended keeps its last
 *   plan until T). Incumbents are the trajectory's (the solver's own objective) until the solve
 *   ends, then the evaluator's cost of the returned plan; a solver without a trajectory has its one
 *   plan from the moment it returns.
 */
import { byInstance, instanceResults, referenceCost, type InstanceResult } from '../report/profiles.ts';
import { chargedTimes, SGM_SHIFTS_S, shiftedGeometricMean } from '../report/sgm.ts';
import type { KnownLookup, Row } from '../report/summary.ts';
import type { TrajectoryPoint } from '../../solvers/trajectory.ts';

/** Relative cost difference within which two plans tie (docs/compare.md). */
export const TIE_TOLERANCE = 1e-6;

export interface WinTieLoss {
  solver: string;
  against: string;
  /** Instances both ran. */
  instances: number;
  wins: number;
  ties: number;
  losses: number;
}

export type GapKind = 'certified' | 'upper_bound' | 'run_best';

export interface InstanceScore extends InstanceResult {
  /** The cost the gap is measured against (best-known cost, its bound, or the run's best), or null. */
  reference_usd: number | null;
  gap: number | null;
  gap_kind: GapKind | null;
  /** Berthold's primal integral over the instance's horizon, in seconds; null without a reference cost. */
  primal_integral_s: number | null;
}

export interface SolverScore {
  solver: string;
  instances: number;
  /** Instances with an evaluator-feasible plan. */
  solved: number;
  sgm10_s: number | null;
  sgm1_s: number | null;
  certified_gaps: number;
  gap_mean: number | null;
  gap_max: number | null;
  bounded_gaps: number;
  /** Largest upper bound on a gap ("≤"), where only a bound is known. */
  gap_bound_max: number | null;
  primal_integral_mean_s: number | null;
}

/** s against a on one instance: 1 win, 0 tie, −1 loss. */
export function duel(s: InstanceResult, a: InstanceResult, tolerance = TIE_TOLERANCE): 1 | 0 | -1 {
  if (s.cost_usd === null || a.cost_usd === null) return s.cost_usd !== null ? 1 : a.cost_usd !== null ? -1 : 0;
  const scale = Math.max(Math.abs(s.cost_usd), Math.abs(a.cost_usd), 1e-12);
  if (Math.abs(s.cost_usd - a.cost_usd) <= tolerance * scale) return 0;
  return s.cost_usd < a.cost_usd ? 1 : -1;
}

export function winTieLoss(results: readonly InstanceResult[], solvers: readonly string[], against: readonly string[]): WinTieLoss[] {
  const groups = [...byInstance(results).values()];
  return solvers.flatMap((solver) => against.filter((a) => a !== solver).map((a) => {
    const out: WinTieLoss = { solver, against: a, instances: 0, wins: 0, ties: 0, losses: 0 };
    for (const g of groups) {
      const [mine, theirs] = [g.find((r) => r.solver === solver), g.find((r) => r.solver === a)];
      if (!mine || !theirs) continue;
      out.instances++;
      const d = duel(mine, theirs);
      if (d > 0) out.wins++;
      else if (d < 0) out.losses++;
      else out.ties++;
    }
    return out;
  }));
}

/** Gap of a feasible plan against the best-known entry, else the run's best (see the header). */
export function gapOf(
  cost: number | null, instanceId: string, run: { best: number | null; optimum: number | null }, known: KnownLookup,
): { reference_usd: number | null; gap: number | null; gap_kind: GapKind | null } {
  const e = known(instanceId);
  const optimum = Math.min(e?.proven ? e.best_cost_usd : Infinity, run.optimum ?? Infinity);
  if (Number.isFinite(optimum)) return withGap(cost, optimum, 'certified');
  if (e && e.best_bound_usd > 0) return withGap(cost, e.best_bound_usd, 'upper_bound');
  return withGap(cost, run.best, 'run_best');
}

function withGap(cost: number | null, reference: number | null, kind: GapKind) {
  if (reference === null || !(reference > 0)) return { reference_usd: null, gap: null, gap_kind: null };
  return { reference_usd: reference, gap: cost === null ? null : (cost - reference) / reference, gap_kind: cost === null ? null : kind };
}

/** Berthold's primal gap of a cost against the reference: 0 at the reference, 1 without a plan. */
export function primalGap(cost: number | null | undefined, reference: number): number {
  if (cost === null || cost === undefined || !Number.isFinite(cost)) return 1;
  if (cost === reference) return 0;
  return Math.min(1, Math.abs(cost - reference) / Math.max(Math.abs(cost), Math.abs(reference)));
}

/** The incumbent over time as steps (t, cost): the trajectory's incumbents, then the evaluator's cost at the solve's end. */
export function incumbentSteps(r: InstanceResult, trajectory: readonly TrajectoryPoint[] | undefined): [t: number, cost: number | null][] {
  const end = r.time_s ?? 0;
  const steps: [number, number | null][] = (trajectory ?? [])
    .filter((p) => p.incumbent_usd !== undefined && p.t_s < end)
    .map((p) => [Math.max(0, p.t_s), p.incumbent_usd!]);
  steps.push([end, r.cost_usd]);
  return steps;
}

/** γ(t) as steps: 1 from 0, then the primal gap of each incumbent from its time on. */
export function gapSteps(steps: readonly [number, number | null][], reference: number): [t: number, gap: number][] {
  const out: [number, number][] = [[0, 1]];
  for (const [t, c] of steps) out.push([t, primalGap(c, reference)]);
  return out;
}

/** γ at time t of a step function. */
export function gapAt(steps: readonly [number, number][], t: number): number {
  let g = 1;
  for (const [s, v] of steps) {
    if (s > t) break;
    g = v;
  }
  return g;
}

/** ∫₀ᵀ γ(t) dt of a step function (the last value holds until T). */
export function primalIntegral(steps: readonly [number, number][], horizon: number): number {
  let total = 0;
  for (let n = 0; n < steps.length; n++) {
    const from = Math.min(steps[n][0], horizon);
    const to = Math.min(n + 1 < steps.length ? steps[n + 1][0] : horizon, horizon);
    total += Math.max(0, to - from) * steps[n][1];
  }
  return total;
}

export interface ComparisonInput {
  raw: readonly Row[];
  known: KnownLookup;
  /** Trajectory points by cell key (trajectories/<cell_key>.json). */
  trajectories: ReadonlyMap<string, readonly TrajectoryPoint[]>;
}

export interface Comparison {
  instances: InstanceScore[];
  /** γ(t) steps per instance score (same order as `instances`), for the anytime curves. */
  gapSteps: [number, number][][];
  solvers: SolverScore[];
}

export function compareRuns({ raw, known, trajectories }: ComparisonInput): Comparison {
  const instances: InstanceScore[] = [];
  const steps: [number, number][][] = [];
  for (const group of byInstance(instanceResults(raw)).values()) {
    const runBest = referenceCost(group, () => undefined);
    const optima = group.filter((r) => r.solver_kind === 'exact' && r.status === 'optimal' && r.cost_usd !== null).map((r) => r.cost_usd!);
    const run = { best: runBest, optimum: optima.length ? Math.min(...optima) : null };
    const reference = referenceCost(group, known);
    const horizon = Math.max(0, ...group.map((r) => r.time_s ?? 0));
    for (const r of group) {
      const gs = reference === null ? [] : gapSteps(incumbentSteps(r, trajectories.get(r.cell_key)), reference);
      steps.push(gs);
      instances.push({ ...r, ...gapOf(r.cost_usd, r.instance_id, run, known), primal_integral_s: reference === null ? null : primalIntegral(gs, horizon) });
    }
  }
  const names = [...new Set(instances.map((r) => r.solver))];
  return { instances, gapSteps: steps, solvers: names.map((s) => solverScore(s, instances.filter((r) => r.solver === s))) };
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const maxOf = (xs: number[]) => (xs.length ? Math.max(...xs) : null);

function solverScore(solver: string, rows: readonly InstanceScore[]): SolverScore {
  const times = chargedTimes(rows.map((r) => ({ time_s: r.time_s, failed: !r.solved, time_limit_s: r.time_limit_s })));
  const certified = rows.filter((r) => r.gap_kind === 'certified').map((r) => r.gap!);
  const bounded = rows.filter((r) => r.gap_kind === 'upper_bound').map((r) => r.gap!);
  return {
    solver,
    instances: rows.length,
    solved: rows.filter((r) => r.solved).length,
    sgm10_s: times && shiftedGeometricMean(times, SGM_SHIFTS_S.exact),
    sgm1_s: times && shiftedGeometricMean(times, SGM_SHIFTS_S.heuristic),
    certified_gaps: certified.length,
    gap_mean: mean(certified),
    gap_max: maxOf(certified),
    bounded_gaps: bounded.length,
    gap_bound_max: maxOf(bounded),
    primal_integral_mean_s: mean(rows.map((r) => r.primal_integral_s).filter((x): x is number => x !== null)),
  };
}
