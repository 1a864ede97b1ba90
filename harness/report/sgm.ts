/**
 * Shifted geometric mean (SGM) of solve times, as the public MILP benchmarks (Mittelmann's,
 * MIPLIB) and qpbenchmark report them: SGM_s(t) = exp(mean(log(t_i + s))) − s. The shift s damps
 * the weight of very short times (10 s for exact solvers; 1 s for heuristics, whose times are
 * sub-second). A run that failed — an error, or no plan — is charged the time limit, so giving up
 * early never looks fast.
 */

/** The shifts of summary.csv's SGM columns, in seconds (docs/COLUMNS.md states them). */
export const SGM_SHIFTS_S = { exact: 10, heuristic: 1 } as const;

export function shiftedGeometricMean(times: readonly number[], shift: number): number | null {
  if (times.length === 0) return null;
  const logs = times.map((t) => Math.log(Math.max(0, t) + shift));
  return Math.exp(logs.reduce((a, b) => a + b, 0) / logs.length) - shift;
}

/** What a run needs to be charged for its time: its time, whether it failed, and its time limit. */
export interface TimedRun {
  time_s: number | null;
  failed: boolean;
  time_limit_s: number | null;
}

/**
 * The time each run is charged: its own time when it has a plan and a time; otherwise (failure,
 * no plan, no time) its time limit, or — when it has none — the longest time observed among
 * `runs`. Null when nothing can be charged (every run failed and none has a limit or a time).
 */
export function chargedTimes(runs: readonly TimedRun[]): number[] | null {
  const observed = runs.map((r) => r.time_s).filter((t): t is number => t !== null && Number.isFinite(t));
  const fallback = observed.length ? Math.max(...observed) : null;
  const out: number[] = [];
  for (const r of runs) {
    const own = !r.failed && r.time_s !== null && Number.isFinite(r.time_s) ? r.time_s : null;
    const charged = own ?? r.time_limit_s ?? fallback;
    if (charged === null) return null;
    out.push(charged);
  }
  return out;
}
