/**
 * The solver interface shared by exact back-ends and heuristics. A solver returns a plan and
 * facts about how it got there; it never reports the plan's cost or feasibility to the harness —
 * the evaluator (`solvers/problem/evaluator.ts`) scores every plan.
 */
import type { Instance, Plan } from './problem/types.ts';
import type { TrajectoryPoint } from './trajectory.ts';

/**
 * Outcome taxonomy. Exact solvers: optimal / time_limit_feasible / time_limit_no_solution /
 * infeasible / error. Heuristics: `completed` (a plan was built; whether it is feasible is the
 * evaluator's call) or error.
 */
export type SolveStatus =
  | 'optimal'
  | 'time_limit_feasible'
  | 'time_limit_no_solution'
  | 'infeasible'
  | 'completed'
  | 'error';

export type OptionValue = number | boolean | string;

export interface OptionSpec {
  type: 'number' | 'integer' | 'boolean' | 'string';
  default: OptionValue;
  description: string;
  min?: number;
  max?: number;
  choices?: readonly string[];
}

export type SolveOptions = Record<string, OptionValue>;

/** Size of a MILP model, before and after the reduction of docs/model.md §3. */
export interface ModelSize {
  rows: number;
  cols: number;
  integer_cols: number;
  binary_cols: number;
  nonzeros: number;
}

export interface SolveResult {
  solver: string;
  status: SolveStatus;
  /** Null when no plan exists (no solution found, infeasible, error). */
  plan: Plan | null;
  /** Wall-clock seconds of the solve as measured by the caller side that ran it. */
  wall_time_s: number;
  /** The solver's own objective, $ over the horizon — logged to cross-check the evaluator only. */
  solver_objective_usd?: number;
  /** Best proven lower bound on the optimum, $ (exact solvers, when known). */
  bound_usd?: number;
  /** Relative MIP gap as the solver reports it. */
  gap?: number;
  /** Human-readable reason for `error` and other non-plan outcomes. */
  message?: string;
  model_size?: { before: ModelSize; after: ModelSize };
  /** Anytime data (trajectory.ts): incumbent and bound over the solve's time, when the solver records them. */
  trajectory?: TrajectoryPoint[];
  diagnostics?: Record<string, unknown>;
}

export interface Solver {
  name: string;
  /** One line for `alloc-bench solvers`. */
  description: string;
  kind: 'exact' | 'heuristic';
  options: Record<string, OptionSpec>;
  /** Same plan for the same instance and options (seed included). */
  deterministic: boolean;
  /** Whether plans with these options are feasible by construction whenever the instance allows it. */
  claimsFeasibility(options: SolveOptions): boolean;
  /**
   * Must not hold the event loop for long: synchronous work awaits `yieldToEventLoop()`
   * (lib/yield.ts) at its start and between phases, so callers that loop over solves keep
   * their timers, pipes and progress output alive.
   */
  solve(instance: Instance, options: SolveOptions): Promise<SolveResult>;
}
