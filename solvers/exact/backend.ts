/**
 * What every exact back-end (glpk.js, highs-js, glpsol, cbc) does: solve a `MilpModel` within a
 * time limit and a relative gap, and report column values plus what the solver knows about the
 * optimum. Back-ends run inside an isolated child process (`isolate.ts`).
 */
import type { SolveStatus } from '../solver.ts';
import type { MilpModel } from './model.ts';
import type { TrajectoryPoint } from '../trajectory.ts';

export interface BackendOptions {
  /** `Date.now()` by which the solve should end: the user's limit counted from the solve's start. */
  deadline_ms: number;
  /** Relative MIP gap at which a solve counts as optimal. */
  gap: number;
  seed?: number;
  /** Threads the solver may use (cbc only). */
  threads?: number;
  /** Column values in model order offered as the first incumbent (a heuristic's plan). */
  start?: Float64Array;
  /** HiGHS only: WebAssembly heap at which a MIP solve stops as at its time limit (tests lower it). */
  heap_guard_bytes?: number;
  /** HiGHS only: branch-and-bound nodes after which the solve stops with its incumbent (a limit by steps, not by the clock). */
  max_nodes?: number;
  /** HiGHS only: run its presolve (default true; on small restricted models it costs more than it saves). */
  presolve?: boolean;
}

export type ExactStatus = Exclude<SolveStatus, 'completed'>;

export interface BackendResult {
  status: ExactStatus;
  /** Column values in model order; present exactly when the solver has an integer solution. */
  values?: Float64Array;
  objective?: number;
  bound?: number;
  gap?: number;
  message?: string;
  /** Objective of the first incumbent, when the back-end reports it (to check a start was taken). */
  first_incumbent?: number;
  /** Incumbent and bound over the back-end's own time (seconds from its start), when it reports them. */
  trajectory?: TrajectoryPoint[];
}

/** Options for a solve that starts now and may take `timeLimitS` seconds. */
export function backendOptions(timeLimitS: number, gap: number, seed?: number): BackendOptions {
  return { deadline_ms: Date.now() + 1000 * timeLimitS, gap, ...(seed !== undefined ? { seed } : {}) };
}

/** The back-end is given at least this long, however much set-up took. */
const MIN_SOLVER_TIME_S = 1;

/**
 * Seconds left for the solver proper; back-ends ask just before they start it, so loading the
 * WebAssembly and reading the model count against the user's limit.
 */
export function secondsLeft(opts: BackendOptions): number {
  return Math.max(MIN_SOLVER_TIME_S, (opts.deadline_ms - Date.now()) / 1000);
}

export type Backend = (model: MilpModel, opts: BackendOptions) => Promise<BackendResult>;

/** Relative gap as glpk and HiGHS define it: |incumbent − bound| / |incumbent|. */
export function relativeGap(objective: number, bound: number): number {
  return Math.abs(objective - bound) / Math.max(Math.abs(objective), 1e-10);
}

/** Column values in model order from a name → value lookup (missing names are 0). */
export function valuesByName(model: MilpModel, lookup: (name: string) => number | undefined): Float64Array {
  return Float64Array.from(model.cols, (col) => lookup(col.name) ?? 0);
}
