/**
 * Anytime data of a solve: how its best plan's cost (the incumbent) and, for exact solvers, its
 * lower bound evolved over the solve's wall time. A solver that records one returns it as
 * `SolveResult.trajectory`; a sweep writes it to `trajectories/<cell_key>.json` beside raw.csv
 * (docs/compare.md, "Trajectory files").
 *
 * The values are the solver's own objective of its incumbent ($ over the horizon), not the
 * evaluator's: only the final plan is scored by the evaluator. They serve the anytime curves and
 * the primal integral, never a result column.
 */

/** One observation: seconds since the solve started, and what improved then. */
export interface TrajectoryPoint {
  t_s: number;
  incumbent_usd?: number;
  bound_usd?: number;
}

/** The file a sweep writes per cell (schema tag, the cell, its solver, the points in time order). */
export interface TrajectoryFile {
  schema: 'llm-alloc-bench/trajectory@1';
  cell_key: string;
  instance_id: string;
  solver_label: string;
  points: TrajectoryPoint[];
}

/** Relative change below which a value is not an improvement (floating-point noise). */
const NOISE = 1e-9;

/**
 * Records improvements only: an incumbent lower than the last recorded, a bound higher, each with
 * the time since `t0` (a `performance.now()` reading, or seconds when the caller has its own clock).
 */
export class TrajectoryRecorder {
  readonly points: TrajectoryPoint[] = [];
  private incumbent = Infinity;
  private bound = -Infinity;

  constructor(private readonly t0 = performance.now()) {}

  /** A new incumbent cost ($ over the horizon) found now, or at `t_s` seconds when given. */
  incumbentAt(usd: number, t_s?: number): void {
    if (!Number.isFinite(usd) || usd >= this.incumbent - NOISE * Math.max(1, Math.abs(this.incumbent))) return;
    this.incumbent = usd;
    this.push({ t_s: t_s ?? this.elapsed(), incumbent_usd: usd });
  }

  /** A new lower bound ($) proved now, or at `t_s` seconds. */
  boundAt(usd: number, t_s?: number): void {
    if (!Number.isFinite(usd) || usd <= this.bound + NOISE * Math.max(1, Math.abs(this.bound))) return;
    this.bound = usd;
    this.push({ t_s: t_s ?? this.elapsed(), bound_usd: usd });
  }

  private elapsed(): number {
    return (performance.now() - this.t0) / 1000;
  }

  /** Merges with the previous point when it is at the same time (a log line giving both). */
  private push(p: TrajectoryPoint): void {
    const last = this.points[this.points.length - 1];
    if (last && last.t_s === p.t_s) Object.assign(last, p);
    else this.points.push(p);
  }
}
