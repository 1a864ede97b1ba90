/**
 * One cell, computed where it runs (inside its isolated worker): generate the instance — a pure
 * function of the cell config — then solve and score it (solve cells) or play a day of the
 * rolling horizon (rolling cells). Every cost and feasibility figure comes from the evaluator or
 * the stage-2 evaluation built on it; the solver contributes its plan, status and timing only.
 */
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { writeFileAtomic } from '../../lib/files.ts';
import { generateInstance, instanceId } from '../../generators/instance.ts';
import { perTypeBound } from '../../solvers/exact/bound.ts';
import { evaluate } from '../../solvers/problem/evaluator.ts';
import { withHeadroom } from '../../solvers/problem/headroom.ts';
import type { Instance } from '../../solvers/problem/types.ts';
import { parseSolverSpec } from '../../solvers/registry.ts';
import type { SolveResult, SolveStatus } from '../../solvers/solver.ts';
import type { TrajectoryFile, TrajectoryPoint } from '../../solvers/trajectory.ts';
import { stressTest } from '../../solvers/problem/stress.ts';
import { loadProfileBundle, type ProfileBundle } from '../../traces/profile.ts';
import { sha256Hex } from './cell-key.ts';
import type { Cell, RollingCellConfig, SolveCellConfig } from './grid.ts';
import type { RawRow } from './raw-csv.ts';
import type { CellSteps } from './progress.ts';
import { runRollingHorizon, type RollingDay } from '../experiments/rolling-horizon.ts';
import { POLICY_SOLVER } from '../experiments/rolling-policies.ts';

/** What a worker needs to compute a cell (JSON-serialisable: it crosses a process boundary). */
export interface CellJob {
  experiment: string;
  profilePath: string;
  cell: Cell;
  /** Where a solve cell writes its plan, as `<cell key>.json` (the run's plans/). */
  planDir?: string;
  /** Where a solve cell writes its solver's trajectory, when it records one, as `<cell key>.json` (the run's trajectories/). */
  trajectoryDir?: string;
}

/** The run directory's folder of plans, one `<cell key>.json` per solve cell that has one. */
export const PLANS_DIR = 'plans';

/** The run directory's folder of anytime data (solvers/trajectory.ts), one `<cell key>.json` per solve cell whose solver recorded one. */
export const TRAJECTORIES_DIR = 'trajectories';

/** The per-cell folders of a solve run, which `merge` copies for the cells it keeps. */
export const CELL_FILE_DIRS = [PLANS_DIR, TRAJECTORIES_DIR] as const;

/** How solve times are taken (columns.ts `timing_method`). */
const TIMING_METHOD = { heuristic: 'warm_worker', exact: 'isolated_exact' } as const;

const profiles = new Map<string, ProfileBundle>();

/** Steps of a long cell as it runs (a rolling cell: slots played of all its days' slots). */
export type CellProgress = (steps: CellSteps) => void;

export async function runCell(job: CellJob, onProgress?: CellProgress): Promise<RawRow[]> {
  const started = performance.now();
  const { config } = job.cell;
  let profile = profiles.get(job.profilePath);
  if (!profile) profiles.set(job.profilePath, (profile = loadProfileBundle(job.profilePath)));
  const i = config.instance;
  const instance = generateInstance({
    sizes: i.sizes, seed: i.seed, scenario: i.scenario, sloMode: i.slo_mode, demandScale: i.demand_scale,
    profile, profileName: `profile sha256:${i.profile_sha256.slice(0, 16)}`,
  });
  const rows = config.kind === 'solve' ? await solveRows(job, config, instance) : await rollingRows(job, config, instance, onProgress);
  const cell_time_s = (performance.now() - started) / 1000;
  return rows.map((r) => ({ ...r, cell_time_s }));
}

/** Columns every row of the cell carries, computable without running anything (a rolling row's
 * day excepted: rollingColumns). */
function baseRow(job: CellJob): RawRow {
  const { index, key, config } = job.cell;
  const i = config.instance;
  return {
    experiment: job.experiment,
    cell_index: index,
    cell_key: key,
    instance_id: instanceId(i.sizes, i.seed, i.scenario, i.slo_mode, i.demand_scale),
    size_i: i.sizes.I,
    size_j: i.sizes.J,
    size_k: i.sizes.K,
    seed: i.seed,
    scenario: i.scenario,
    slo_mode: i.slo_mode,
    ...(config.kind === 'solve' && solverColumns(config)),
  };
}

/** Rows per cell: one per κ (at least one) for solve cells, one per day for rolling cells. */
export function rowsPerCell(cell: Cell): number {
  return cell.config.kind === 'solve' ? Math.max(1, cell.config.inflations.length) : cell.config.days.length;
}

/** The rows of a cell whose worker died or was killed: status and message, no results. */
export function failureRows(job: CellJob, status: SolveStatus, message: string, cell_time_s: number): RawRow[] {
  const base = { ...baseRow(job), status, message, cell_time_s };
  const { config } = job.cell;
  if (config.kind === 'rolling') return config.days.map((day) => ({ ...base, ...rollingColumns(config, day) }));
  return kappaRows(config, (kappa) => ({ ...base, has_plan: false, kappa }));
}

function solverColumns(config: SolveCellConfig): RawRow {
  const limit = config.solver.options.time_limit_s;
  const kind = parseSolverSpec(config.solver.label).solver.kind;
  return {
    solver: config.solver.name,
    solver_label: config.solver.label,
    solver_kind: kind,
    headroom: config.headroom ?? 0,
    time_limit_s: typeof limit === 'number' ? limit : undefined,
    timing_method: TIMING_METHOD[kind],
  };
}

function rollingColumns(config: RollingCellConfig, day: RollingDay): RawRow {
  const limit = config.exact_solver.options.time_limit_s;
  return {
    sigma: day.sigma,
    path: day.path,
    path_seed: config.path_seed,
    policy: config.policy,
    solver_label: POLICY_SOLVER[config.policy] === 'exact' ? config.exact_solver.label : POLICY_SOLVER[config.policy],
    exact_time_limit_s: typeof limit === 'number' ? limit : undefined,
  };
}

function kappaRows(config: SolveCellConfig, row: (kappa: number | undefined) => RawRow): RawRow[] {
  return config.inflations.length ? config.inflations.map(row) : [row(undefined)];
}

/**
 * A solve cell: the solver plans on the instance with the cell's headroom (the nominal one at
 * θ = 0); the evaluator and stage 2 score its plan on the nominal instance.
 */
async function solveRows(job: CellJob, config: SolveCellConfig, instance: Instance): Promise<RawRow[]> {
  const { solver, options } = parseSolverSpec(config.solver.label);
  const planning = withHeadroom(instance, config.headroom ?? 0);
  let result: SolveResult;
  let solve_time_s: number;
  try {
    if (solver.kind === 'heuristic') {
      // Warm-up: the first call pays module loading and JIT compilation, which would dominate
      // sub-second heuristic timings; the second, timed call is the one reported.
      await solver.solve(planning, options);
      const t0 = performance.now();
      result = await solver.solve(planning, options);
      solve_time_s = (performance.now() - t0) / 1000;
    } else {
      // Exact solvers run in their own isolated process; their wall time includes its start.
      result = await solver.solve(planning, options);
      solve_time_s = result.wall_time_s;
    }
  } catch (err) {
    result = { solver: solver.name, status: 'error', plan: null, wall_time_s: 0, message: errorMessage(err) };
    solve_time_s = NaN;
  }
  // The plan itself, so that a row's cost can be checked and a best-known table can cite it.
  if (result.plan && job.planDir) writeFileAtomic(join(job.planDir, `${job.cell.key}.json`), `${JSON.stringify(result.plan)}\n`);
  if (result.trajectory?.length && job.trajectoryDir) writeTrajectory(job, config, result.trajectory);
  const planned: RawRow = { ...baseRow(job), ...planColumns(instance, result), solve_time_s };
  // A heuristic has no bound of its own: its row carries the relaxation bound of the instance it
  // solved, so that the summary has a gap (an upper bound) at sizes no exact solver reaches. Not timed.
  if (solver.kind === 'heuristic') planned.bound_usd = boundOf(planning);
  return kappaRows(config, (kappa) =>
    kappa === undefined || !result.plan ? { ...planned, kappa } : { ...planned, ...stage2Columns(instance, result, config, kappa) },
  );
}

/**
 * perTypeBound of the last instance asked for: an instance's heuristic cells run one after
 * another in one worker, and the bound takes seconds at (50,50,50). Keyed by content, since each
 * cell generates its instance anew.
 */
let lastBound: { key: string; bound: number } | undefined;
function boundOf(planning: Instance): number {
  const key = sha256Hex(JSON.stringify(planning));
  if (lastBound?.key !== key) lastBound = { key, bound: perTypeBound(planning) };
  return lastBound.bound;
}

/** trajectories/<cell key>.json (docs/compare.md, "Trajectory files"). */
function writeTrajectory(job: CellJob, config: SolveCellConfig, points: TrajectoryPoint[]): void {
  const i = config.instance;
  const file: TrajectoryFile = {
    schema: 'llm-alloc-bench/trajectory@1',
    cell_key: job.cell.key,
    instance_id: instanceId(i.sizes, i.seed, i.scenario, i.slo_mode, i.demand_scale),
    solver_label: config.solver.label,
    points,
  };
  writeFileAtomic(join(job.trajectoryDir!, `${job.cell.key}.json`), `${JSON.stringify(file)}\n`);
}

function planColumns(instance: Instance, r: SolveResult): RawRow {
  const after = r.model_size?.after;
  const out: RawRow = {
    status: r.status,
    message: r.message,
    has_plan: r.plan !== null,
    solver_objective_usd: r.solver_objective_usd,
    bound_usd: r.bound_usd,
    solver_gap: r.gap,
    time_cap_hit: typeof r.diagnostics?.time_cap_hit === 'boolean' ? r.diagnostics.time_cap_hit : undefined,
    model_rows: after?.rows,
    model_cols: after?.cols,
    model_integer_cols: after?.integer_cols,
    model_nonzeros: after?.nonzeros,
    model_rows_full: r.model_size?.before.rows,
    model_cols_full: r.model_size?.before.cols,
  };
  if (!r.plan) return out;
  const ev = evaluate(instance, r.plan);
  return {
    ...out,
    feasible: ev.feasible,
    violated_families: ev.violated_families.join(';'),
    violation_count: ev.violations.length,
    cost_usd: ev.cost_usd,
    ...ev.terms,
    gpus_total: ev.gpus_total,
    unmet_rate: ev.unmet_rate,
  };
}

function stage2Columns(instance: Instance, r: SolveResult, config: SolveCellConfig, kappa: number): RawRow {
  const s = stressTest(instance, r.plan!, { inflation: kappa, scenarios: config.stage2.scenarios, seed: config.stage2.seed });
  return {
    kappa,
    stage2_scenarios: config.stage2.scenarios,
    stage2_seed: config.stage2.seed,
    realised_cost_mean_usd: s.cost_usd.mean,
    realised_cost_p5_usd: s.cost_usd.p5,
    realised_cost_p95_usd: s.cost_usd.p95,
    realised_mean_rental_usd: s.terms.rental_usd.mean,
    realised_mean_model_storage_usd: s.terms.model_storage_usd.mean,
    realised_mean_token_storage_usd: s.terms.token_storage_usd.mean,
    realised_mean_delay_penalty_usd: s.terms.delay_penalty_usd.mean,
    realised_mean_unmet_penalty_usd: s.terms.unmet_penalty_usd.mean,
    violation_rate_mean: s.violation_rate.mean,
    violation_rate_p5: s.violation_rate.p5,
    violation_rate_p95: s.violation_rate.p95,
    dropped_rate_mean: s.dropped_rate_mean,
    shed_rate_mean: s.shed_rate_mean,
    violation_any_share: s.violating_scenario_share,
  };
}

async function rollingRows(job: CellJob, config: RollingCellConfig, instance: Instance, onProgress?: CellProgress): Promise<RawRow[]> {
  const rows = await runRollingHorizon({
    onSlot: onProgress && ((done, total) => onProgress({ done, total, unit: 'slots' })),
    instance,
    days: config.days,
    policy: config.policy,
    seed: config.path_seed,
    exactSolverSpec: config.exact_solver.label,
  });
  const base = baseRow(job);
  return rows.map((row, n) => ({ ...base, ...rollingColumns(config, config.days[n]), status: 'completed', ...row }));
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
