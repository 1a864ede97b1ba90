/**
 * The one documented place of CSV columns (docs/experiments.md, "Outputs of every run"). Names are
 * snake_case with their unit in the name; the order here is the column order of the files.
 *
 * Encoding in every CSV: numbers as JavaScript prints them (full precision), booleans as
 * `true`/`false`, lists as `;`-joined strings, and an empty field for "not applicable / not known"
 * (e.g. `bound_usd` of a heuristic, the stage-2 columns of a row without inflation).
 *
 * raw.csv of a solve run (E1–E4, `alloc-bench sweep`): one row per (cell, κ). A cell is one
 * (instance, solver spec) pair: it is solved once, scored by the evaluator, and then evaluated in
 * stage 2 at every inflation κ of the grid — so a cell with inflations [1, 1.5] gives two rows
 * whose planned columns are equal; a cell of a grid without inflations gives one row with the
 * stage-2 columns empty. Long format keeps E4's "realised cost vs κ" a plain filter.
 *
 * raw.csv of a rolling run (E5): one row per (instance, σ, demand path, policy). A re-solving
 * policy's cell is one such row; a static policy's cell (agh-24h, dm-24h, peak-static) is
 * (instance, policy) with a row per σ and path: it plans once, before the day, on the expected
 * demand, so its one solve serves every row, and each row reports that solve.
 *
 * Columns flagged `timing` vary between otherwise identical runs; everything else is a pure
 * function of the cell's config (the determinism and shard-merge tests compare all other columns).
 */

import type { SolveStatus } from '../../solvers/solver.ts';

export type ColumnType = 'string' | 'integer' | 'number' | 'boolean';

export interface ColumnDef {
  name: string;
  type: ColumnType;
  /** Unit, or '' for dimensionless / categorical. */
  unit: string;
  description: string;
  /** Wall-clock measurements: excluded when comparing runs for equality. */
  timing?: boolean;
}

const col = (name: string, type: ColumnType, unit: string, description: string, timing = false): ColumnDef =>
  timing ? { name, type, unit, description, timing } : { name, type, unit, description };

/** Identity of the cell, shared by both kinds of raw rows. */
const CELL_COLUMNS: ColumnDef[] = [
  col('experiment', 'string', '', 'Preset name (e1…e5) or "sweep"'),
  col('cell_index', 'integer', '', "Position of the cell in the grid's canonical order (0-based); rows are sorted by it"),
  col('cell_key', 'string', '', 'First 16 hex digits of sha256 of the canonical JSON of the cell config (harness/sweep/cell-key.ts)'),
  col('instance_id', 'string', '', 'Generated instance id, e.g. I6-J6-K10-seed1-S1-average'),
  col('size_i', 'integer', '', 'I: query types'),
  col('size_j', 'integer', '', 'J: models'),
  col('size_k', 'integer', '', 'K: GPU tiers'),
  col('seed', 'integer', '', 'Instance generator seed'),
  col('scenario', 'string', '', 'S1…S5 (docs/model.md §6)'),
  col('slo_mode', 'string', '', 'average | per-route'),
];

const COST_TERM_COLUMNS = (prefix: string, what: string): ColumnDef[] => [
  col(`${prefix}rental_usd`, 'number', 'USD', `${what}: GPU rental term`),
  col(`${prefix}model_storage_usd`, 'number', 'USD', `${what}: model storage term`),
  col(`${prefix}token_storage_usd`, 'number', 'USD', `${what}: token storage term`),
  col(`${prefix}delay_penalty_usd`, 'number', 'USD', `${what}: delay penalty term`),
  col(`${prefix}unmet_penalty_usd`, 'number', 'USD', `${what}: unmet-demand penalty term`),
];

/** raw.csv rows of solve cells (E1–E4 and `alloc-bench sweep`). */
export const SOLVE_COLUMNS: readonly ColumnDef[] = [
  ...CELL_COLUMNS,
  col('solver', 'string', '', 'Registered solver name (glpk, highs, gh, agh, …)'),
  col('solver_label', 'string', '', 'Canonical solver spec: name plus non-default options, e.g. agh:noM2'),
  col('solver_kind', 'string', '', 'exact | heuristic'),
  col('headroom', 'number', '', 'Planning headroom θ (docs/model.md §9): the solver planned on route delays, errors and work × (1 + θ); the cost, feasibility and stage-2 columns score its plan on the nominal instance, the solver columns (objective, bound, gap) are of the instance it solved'),
  col('time_limit_s', 'number', 's', "The solver's time limit option (exact solvers); empty when it has none"),
  col('status', 'string', '', 'optimal | time_limit_feasible | time_limit_no_solution | infeasible | completed | error (solvers/solver.ts); a cell killed at its hard limit is time_limit_no_solution; time_limit_* also when HiGHS stopped at its memory guard before its time limit (the message says so)'),
  col('message', 'string', '', 'Why a cell has no plan or errored (solver message, crash, hard-limit kill)'),
  col('solve_time_s', 'number', 's', 'Solve wall time; how it was taken is timing_method', true),
  col('timing_method', 'string', '', 'warm_worker: heuristic timed inside its worker after one untimed warm-up solve; isolated_exact: the exact solver\'s own isolated-process wall time (includes process start and model load)'),
  col('cell_time_s', 'number', 's', 'Wall time of the whole cell (generation, solve, evaluation, stage 2, worker start)', true),
  col('has_plan', 'boolean', '', 'Whether the solver returned a plan (all cost columns are empty otherwise)'),
  col('feasible', 'boolean', '', 'Evaluator verdict on the plan (docs/model.md §7)'),
  col('violated_families', 'string', '', 'Constraint families the plan breaks, ";"-joined (evaluator order)'),
  col('violation_count', 'integer', '', 'Number of violated constraint rows'),
  col('cost_usd', 'number', 'USD', 'Planned cost over the horizon by the evaluator (sum of the five terms)'),
  ...COST_TERM_COLUMNS('', 'Planned cost'),
  col('gpus_total', 'integer', 'GPUs', 'GPUs rented by the plan'),
  col('unmet_rate', 'number', '', 'Demand-weighted share of requests the plan leaves unserved (u)'),
  col('solver_objective_usd', 'number', 'USD', "The solver's own objective (cross-check only; never used as a result)"),
  col('bound_usd', 'number', 'USD', "Proven lower bound on the instance's optimum: an exact solver's own bound (when known); on a heuristic's row, the per-type relaxation of `alloc-bench bound`"),
  col('solver_gap', 'number', '', 'Relative MIP gap as the solver reports it'),
  col('time_cap_hit', 'boolean', '', 'A heuristic stopped by its wall-clock safety cap: its plan then depends on machine speed and load'),
  col('model_rows', 'integer', '', 'MILP rows after variable reduction (exact solvers)'),
  col('model_cols', 'integer', '', 'MILP columns after reduction'),
  col('model_integer_cols', 'integer', '', 'Integer (incl. binary) columns after reduction'),
  col('model_nonzeros', 'integer', '', 'Constraint-matrix nonzeros after reduction'),
  col('model_rows_full', 'integer', '', 'MILP rows before reduction'),
  col('model_cols_full', 'integer', '', 'MILP columns before reduction'),
  col('kappa', 'number', '', 'Stage-2 inflation κ (docs/model.md §8); empty when the grid asks for no stage 2'),
  col('stage2_scenarios', 'integer', '', 'Sampled stage-2 scenarios S'),
  col('stage2_seed', 'integer', '', 'Seed of the stage-2 sampler'),
  col('realised_cost_mean_usd', 'number', 'USD', 'Mean realised cost over the stage-2 scenarios'),
  col('realised_cost_p5_usd', 'number', 'USD', '5th percentile of realised cost'),
  col('realised_cost_p95_usd', 'number', 'USD', '95th percentile of realised cost'),
  ...COST_TERM_COLUMNS('realised_mean_', 'Mean realised cost'),
  col('violation_rate_mean', 'number', '', 'Mean over the scenarios of the SLO-violation rate Σλ(unmet+dropped+shed)/Σλ (docs/model.md §8): demand the plan leaves unserved counts as violating; its parts are unmet_rate, dropped_rate_mean and shed_rate_mean'),
  col('violation_rate_p5', 'number', '', '5th percentile of the SLO-violation rate'),
  col('violation_rate_p95', 'number', '', '95th percentile of the SLO-violation rate'),
  col('dropped_rate_mean', 'number', '', 'Mean share of demand dropped for capacity (work or KV memory overflow); empty in rows upgraded from a raw.csv written before it existed'),
  col('shed_rate_mean', 'number', '', 'Mean share of demand shed to keep the SLOs; empty in rows upgraded from a raw.csv written before it existed'),
  col('violation_any_share', 'number', '', 'Share of scenarios with any violation above 1e-6 of the demand (1 when the plan leaves more than that unserved)'),
];

/** raw.csv rows of rolling-horizon cells (E5). */
export const ROLLING_COLUMNS: readonly ColumnDef[] = [
  ...CELL_COLUMNS,
  col('sigma', 'number', '', 'Demand volatility σ'),
  col('path', 'integer', '', 'Demand path index within σ (0-based)'),
  col('path_seed', 'integer', '', 'Seed of the demand paths: path p draws its Z series from (path_seed, p), the same for every σ and policy'),
  col('policy', 'string', '', 'agh-5min | agh-24h | dm-24h | peak-static | gh-5min'),
  col('solver_label', 'string', '', "Solver spec the policy calls (the exact spec for dm-24h)"),
  col('exact_time_limit_s', 'number', 's', 'Time limit of each exact solve (dm-24h)'),
  col('status', 'string', '', 'completed | error | time_limit_no_solution (cell killed at its hard limit) | the status of the first solve that gave no plan | time_limit_feasible when no solve failed but some stopped at their time limit or cap (a static policy: of its one solve, on every row)'),
  col('message', 'string', '', 'Why the cell failed, if it did'),
  col('slots', 'integer', '', 'Slots scored (288 for a full day of 5-minute slots)'),
  col('day_cost_usd', 'number', 'USD', 'Total realised cost over the day (evaluator, per slot, summed)'),
  ...COST_TERM_COLUMNS('', 'Day cost'),
  col('violation_rate', 'number', '', 'SLO-violation rate of the day (docs/model.md §8): demand-weighted share of its requests not served within their SLO — left unserved by the plans, dropped or shed'),
  col('unmet_rate', 'number', '', 'Demand-weighted share of the day\'s requests the plans left unserved (u)'),
  col('dropped_rate', 'number', '', 'Demand-weighted share of the day\'s requests dropped for capacity; empty in rows upgraded from a raw.csv written before it existed'),
  col('shed_rate', 'number', '', 'Demand-weighted share of the day\'s requests shed to keep the SLOs; empty in rows upgraded from a raw.csv written before it existed'),
  col('solver_calls', 'integer', '', 'Solves behind the day\'s plans: 288 for a re-solving policy; 1 for a static one, whose single solve per run serves every σ and path'),
  col('solve_time_total_s', 'number', 's', 'Sum of the wall times of those solves (a static policy: its one solve, the same on every row); heuristic solves are timed after one untimed warm-up solve per cell, exact ones in their own process', true),
  col('solve_time_max_s', 'number', 's', 'Longest single solve (must fit well inside a 5-minute slot)', true),
  col('cell_time_s', 'number', 's', 'Wall time of the whole cell (a static policy\'s cell plays every σ and path)', true),
];

export type CellKind = 'solve' | 'rolling';

/** A raw.csv row as stored: every column present, encoded by the column's type. */
export type StoredRow = Record<string, string>;

export const RAW_COLUMNS: Record<CellKind, readonly ColumnDef[]> = { solve: SOLVE_COLUMNS, rolling: ROLLING_COLUMNS };

/** Names of the columns that are pure functions of the config (for run-equality checks). */
export function stableColumnNames(kind: CellKind): string[] {
  return RAW_COLUMNS[kind].filter((c) => !c.timing).map((c) => c.name);
}

// ─── summary.csv (harness/report/summary.ts) ────────────────────────────────────────────────────────
// Aggregates of raw.csv, one row per group; written by `alloc-bench report`. Naming rule: a
// column that repeats a raw column's name holds that column's mean over the group's rows where
// it is not empty; `_median`, `_std` (sample standard deviation, n − 1) or `_max` inserted before
// the unit (`solve_time_median_s`) names another statistic of it. Other columns are specific.

const rawColumn = (columns: readonly ColumnDef[], name: string): ColumnDef => {
  const c = columns.find((x) => x.name === name);
  if (!c) throw new Error(`columns.ts: no raw column ${name}`);
  return c;
};

/** Raw columns copied as the group's key. */
const keyOf = (columns: readonly ColumnDef[], names: string[]): ColumnDef[] => names.map((n) => rawColumn(columns, n));

/** `solve_time_s` + `median` → `solve_time_median_s`: the statistic goes before the unit. */
export function statName(name: string, stat: Statistic): string {
  const m = /^(.*?)(_usd|_s)?$/.exec(name)!;
  return `${m[1]}_${stat}${m[2] ?? ''}`;
}

const STAT_WORDS = { mean: 'Mean', median: 'Median', std: 'Sample standard deviation', max: 'Maximum' } as const;
export type Statistic = keyof typeof STAT_WORDS;

/** A statistic over the group of raw column `name` (the mean keeps the raw name, see above). */
const statOf = (columns: readonly ColumnDef[], name: string, stat: Statistic): ColumnDef => {
  const raw = rawColumn(columns, name);
  return col(stat === 'mean' ? name : statName(name, stat), 'number', raw.unit,
    `${STAT_WORDS[stat]} over the group of raw ${name}: ${raw.description}`, raw.timing);
};

const meansOf = (columns: readonly ColumnDef[], names: string[]): ColumnDef[] => names.map((n) => statOf(columns, n, 'mean'));

export const COST_TERM_NAMES = (prefix: string): string[] => COST_TERM_COLUMNS(prefix, '').map((c) => c.name);

/** Statuses counted in summary rows, in solvers/solver.ts order. */
export const SOLVE_STATUSES = ['optimal', 'time_limit_feasible', 'time_limit_no_solution', 'infeasible', 'completed', 'error'] as const satisfies readonly SolveStatus[];

/** summary.csv of a solve run: one row per (experiment, size, scenario, SLO mode, solver label, headroom θ, κ). */
export const SUMMARY_SOLVE_COLUMNS: readonly ColumnDef[] = [
  ...keyOf(SOLVE_COLUMNS, ['experiment', 'size_i', 'size_j', 'size_k', 'scenario', 'slo_mode', 'solver_label', 'solver_kind', 'headroom', 'kappa']),
  col('rows', 'integer', '', 'Raw rows in the group: one per instance (seed)'),
  ...SOLVE_STATUSES.map((s) => col(`${s}_count`, 'integer', '', `Rows with status ${s}`)),
  col('time_cap_hit_count', 'integer', '', 'Rows whose heuristic stopped at its wall-clock safety cap (time_cap_hit): their plans depend on machine speed and load'),
  statOf(SOLVE_COLUMNS, 'solve_time_s', 'mean'),
  statOf(SOLVE_COLUMNS, 'solve_time_s', 'median'),
  col('solve_time_sgm10_s', 'number', 's', 'Shifted geometric mean of the solve times with shift 10 s (the exact solvers\' figure, as in the public MILP benchmarks): exp(mean(ln(t + 10))) − 10 over the group\'s rows, where a row that errored or has no plan is charged its time limit (time_limit_s), or the longest time of the group when it has none; harness/report/sgm.ts', true),
  col('solve_time_sgm1_s', 'number', 's', 'The same shifted geometric mean with shift 1 s (the heuristics\' figure: their times are sub-second, and a 10 s shift would hide their differences)', true),
  col('solve_time_censored', 'boolean', '', 'Some solve of the group stopped at its time limit: its solve time, and so the mean and median, are lower bounds'),
  col('speedup_pairs', 'integer', '', 'Instances with both a timed solve of this (heuristic) solver and of an exact solver at the same headroom θ'),
  col('speedup_geomean', 'number', '', 'Geometric mean over the instances of exact solve time / this solve time; the exact time of an instance is its fastest exact solve', true),
  col('speedup_median', 'number', '', 'Median of the same per-instance speedups', true),
  col('speedup_censored', 'boolean', '', 'Some exact time in the speedups is censored (time limit): the speedups are lower bounds'),
  col('gap_instances', 'integer', '', 'Instances where this solver has a feasible plan and an exact solver proved the optimum; planned without headroom only (θ = 0: a plan made with headroom is not meant to be cost-optimal on the nominal instance, so it has no optimality gap)'),
  col('gap_mean', 'number', '', 'Mean optimality gap (cost − optimum) / optimum over those instances: against proven optima only; gaps against a bound only are not averaged in (gap_bound_max)'),
  col('gap_max', 'number', '', 'Largest optimality gap against a proven optimum'),
  col('gap_bound_instances', 'integer', '', 'Instances (θ = 0, feasible plan) without a proven optimum but with a lower bound (raw bound_usd, best of any row of the instance): their gaps are only upper bounds ("≤")'),
  col('gap_bound_max', 'number', '', 'Largest of those upper bounds on the gap, (cost − bound) / bound; not a gap, and excluded from gap_mean'),
  col('gap_bound_relaxation', 'boolean', '', 'Some bound behind gap_bound_max is only the per-type relaxation bound (`alloc-bench bound`, no exact solver bound as high): a weak bound, so the true gap may be far smaller'),
  col('feasible_share', 'number', '', 'Share of the rows whose plan the evaluator finds feasible (a row without a plan counts as infeasible)'),
  col('violated_families', 'string', '', 'Violated constraint families with the number of rows breaking each, "family=count" ";"-joined'),
  ...meansOf(SOLVE_COLUMNS, ['cost_usd', ...COST_TERM_NAMES(''), 'gpus_total', 'unmet_rate']),
  ...meansOf(SOLVE_COLUMNS, ['realised_cost_mean_usd', 'realised_cost_p5_usd', 'realised_cost_p95_usd', ...COST_TERM_NAMES('realised_mean_')]),
  ...meansOf(SOLVE_COLUMNS, ['violation_rate_mean', 'violation_rate_p5', 'violation_rate_p95', 'dropped_rate_mean', 'shed_rate_mean', 'violation_any_share']),
];

/** summary.csv of a rolling run (E5): one row per (experiment, size, scenario, SLO mode, σ, policy). */
export const SUMMARY_ROLLING_COLUMNS: readonly ColumnDef[] = [
  ...keyOf(ROLLING_COLUMNS, ['experiment', 'size_i', 'size_j', 'size_k', 'scenario', 'slo_mode', 'sigma', 'policy', 'solver_label']),
  col('paths', 'integer', '', 'Raw rows in the group: one per demand path'),
  col('completed_count', 'integer', '', 'Paths whose day completed'),
  col('time_limit_count', 'integer', '', 'Paths whose day ran on plans of which some solve stopped at its time limit or cap (status time_limit_feasible; dm-24h\'s exact solve): its incumbents ran, so these days are in the statistics below, marked (†, ringed) as depending on that limit'),
  col('failed_count', 'integer', '', 'Paths that failed (error, or a solve without a plan); excluded from the statistics below'),
  statOf(ROLLING_COLUMNS, 'day_cost_usd', 'mean'),
  statOf(ROLLING_COLUMNS, 'day_cost_usd', 'std'),
  ...meansOf(ROLLING_COLUMNS, COST_TERM_NAMES('')),
  statOf(ROLLING_COLUMNS, 'violation_rate', 'mean'),
  statOf(ROLLING_COLUMNS, 'violation_rate', 'std'),
  ...meansOf(ROLLING_COLUMNS, ['unmet_rate', 'dropped_rate', 'shed_rate', 'solver_calls']),
  statOf(ROLLING_COLUMNS, 'solve_time_total_s', 'mean'),
  statOf(ROLLING_COLUMNS, 'solve_time_total_s', 'std'),
  statOf(ROLLING_COLUMNS, 'solve_time_max_s', 'mean'),
  statOf(ROLLING_COLUMNS, 'solve_time_max_s', 'std'),
  statOf(ROLLING_COLUMNS, 'solve_time_max_s', 'max'),
];

export const SUMMARY_COLUMNS: Record<CellKind, readonly ColumnDef[]> = { solve: SUMMARY_SOLVE_COLUMNS, rolling: SUMMARY_ROLLING_COLUMNS };
