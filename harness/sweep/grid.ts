/**
 * A sweep's grid: the user's input (CLI flags, a JSON config or a preset) is resolved once into a
 * `SweepConfig` — every default filled, every solver spec canonical, the profile identified by
 * its content hash — and expanded into cells in a canonical order. The resolved config is what
 * the manifest records and what shards must agree on; the cell order is the row order of raw.csv.
 *
 * A grid is a list of blocks, each a cartesian product (like benchopt's parameter grids), so a
 * preset can pair some solvers with some sizes only (e.g. exact solvers on small sizes). Fields
 * given at the top level are defaults for every block. Within a block the loops nest, outermost
 * first: sizes, seeds, scenarios, slo_modes, then solvers and headrooms (solve) or sigmas, paths,
 * policies (rolling). A cell repeated by a later block is kept once, at its first position.
 *
 * Rolling cells: a re-solving policy's cell is one day (σ, path), but a static policy's cell is
 * (instance, policy) with every day of the grid, at the position of its first day. Its plan
 * depends on neither σ nor the path, so it is solved once per run — not once per day, which for
 * dm-24h meant 100 identical 600 s exact solves, and for a time-limited solver even different
 * plans for the same input. A cell, rather than a plan cache shared between cells, keeps shards,
 * --jobs and --resume as they are: cells stay independent of each other.
 */
import { readFileSync } from 'node:fs';
import { SCENARIOS, SYSTEM_DEFAULTS } from '../../generators/catalog.ts';
import type { Sizes } from '../../generators/instance.ts';
import { parseSizes } from '../../generators/sizes.ts';
import { hardLimitS as exactHardLimitS } from '../../solvers/exact/solvers.ts';
import { InputError } from '../../lib/errors.ts';
import { checkHeadroom } from '../../solvers/problem/headroom.ts';
import type { ScenarioId, SloMode } from '../../solvers/problem/types.ts';
import { parseSolverSpec } from '../../solvers/registry.ts';
export { splitSolverList } from '../../solvers/registry.ts';
import type { SolveOptions } from '../../solvers/solver.ts';
import { DEFAULT_PROFILE_PATH } from '../../traces/profile.ts';
import { cellKey, sha256Hex } from './cell-key.ts';
import type { CellKind } from './columns.ts';
import type { RollingDay } from '../experiments/rolling-horizon.ts';
import { ROLLING_POLICIES, STATIC_POLICIES, type RollingPolicy } from '../experiments/rolling-policies.ts';

const SLO_MODES: readonly SloMode[] = ['average', 'per-route'];


/** Settings shared by every cell of a sweep. */
export interface SweepSettings {
  experiment: string;
  kind: CellKind;
  demand_scale: number;
  /** Stage-2 sampler (solve cells with inflations): scenarios S and seed, the same for every plan. */
  stage2: { scenarios: number; seed: number };
  /** Hard wall-clock limit of one heuristic solve (the cell makes two: warm-up and timed), s. */
  heuristic_limit_s: number;
  /** Added to a cell's solve limit for generation, evaluation, stage 2 and process start, s. */
  cell_overhead_s: number;
  /** Hard wall-clock limit of a one-day rolling-horizon cell, s; a static policy's cell, which
   * solves once and then only scores, gets cell_overhead_s more for each further day. */
  rolling_limit_s: number;
  /** Seed of the E5 demand paths: path p draws its Z series from (path_seed, p), the same for every σ and policy. */
  path_seed: number;
}

interface InstanceAxes {
  sizes: Sizes[];
  seeds: number[];
  scenarios: ScenarioId[];
  slo_modes: SloMode[];
}

export interface SolveBlock extends InstanceAxes {
  /** Canonical solver labels. */
  solvers: string[];
  /** Planning headrooms θ (docs/model.md §9); [0] = plan on the nominal instance. */
  headrooms: number[];
  /** Stage-2 inflations κ; empty = no stage 2. */
  inflations: number[];
}

export interface RollingBlock extends InstanceAxes {
  sigmas: number[];
  /** Demand paths per σ. */
  paths: number;
  policies: RollingPolicy[];
  /** Canonical label of the exact solver the dm-24h policy calls (its time limit included). */
  exact_solver: string;
}

export interface SweepConfig extends SweepSettings {
  /** sha256 of the profile bundle file: instances depend on its content, not its path. */
  profile_sha256: string;
  blocks: (SolveBlock | RollingBlock)[];
}

export interface InstanceConfig {
  sizes: Sizes;
  seed: number;
  scenario: ScenarioId;
  slo_mode: SloMode;
  demand_scale: number;
  profile_sha256: string;
}

export interface SolveCellConfig {
  kind: 'solve';
  instance: InstanceConfig;
  solver: { name: string; label: string; options: SolveOptions };
  /** Planning headroom θ > 0; absent for θ = 0, so that a cell without headroom keeps the key it
   * had before headroom existed (runs made then still resume). */
  headroom?: number;
  inflations: number[];
  stage2: { scenarios: number; seed: number };
  hard_limit_s: number;
}

export interface RollingCellConfig {
  kind: 'rolling';
  instance: InstanceConfig;
  /** One day, or every day of the grid for a static policy; a row each. */
  days: RollingDay[];
  path_seed: number;
  policy: RollingPolicy;
  exact_solver: { label: string; options: SolveOptions };
  hard_limit_s: number;
}

export type CellConfig = SolveCellConfig | RollingCellConfig;

export interface Cell {
  /** Position in the canonical order of the whole (unsharded) grid. */
  index: number;
  key: string;
  config: CellConfig;
}

const DEFAULT_SETTINGS: Omit<SweepSettings, 'experiment' | 'kind'> = {
  demand_scale: SYSTEM_DEFAULTS.demand_scale,
  stage2: { scenarios: 200, seed: 1 },
  heuristic_limit_s: 60,
  cell_overhead_s: 120,
  rolling_limit_s: 3600,
  path_seed: 1000,
};

/** The user-facing form: JSON config files, presets and CLI flags all produce one of these. */
export interface GridInput {
  experiment?: string;
  kind?: CellKind;
  profile?: string;
  demand_scale?: number;
  stage2?: { scenarios?: unknown; seed?: unknown };
  heuristic_limit_s?: number;
  cell_overhead_s?: number;
  rolling_limit_s?: number;
  path_seed?: number;
  blocks?: BlockInput[];
  [blockField: string]: unknown;
}

export interface BlockInput {
  sizes?: string[];
  /** Numbers; other values are kept so that the error message can quote them. */
  seeds?: unknown[];
  scenarios?: string[];
  slo_modes?: string[];
  solvers?: string[];
  headrooms?: unknown[];
  inflations?: unknown[];
  sigmas?: unknown[];
  paths?: unknown;
  policies?: string[];
  exact_solver?: string;
}

const SETTING_FIELDS = ['experiment', 'kind', 'profile', 'demand_scale', 'stage2', 'heuristic_limit_s', 'cell_overhead_s', 'rolling_limit_s', 'path_seed', 'blocks'];
const BLOCK_FIELDS: Record<CellKind, string[]> = {
  solve: ['sizes', 'seeds', 'scenarios', 'slo_modes', 'solvers', 'headrooms', 'inflations'],
  rolling: ['sizes', 'seeds', 'scenarios', 'slo_modes', 'sigmas', 'paths', 'policies', 'exact_solver'],
};

/** Reads a JSON grid config; any problem is an InputError naming the file. */
export function readGridFile(path: string): GridInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read config ${path}: ${(err as Error).message}`);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (!isObject(value)) throw new Error('expected a JSON object');
    return value as GridInput;
  } catch (err) {
    throw new InputError(`config ${path} is not a valid grid: ${(err as Error).message}`);
  }
}

export interface ResolvedGrid {
  config: SweepConfig;
  /** Not part of the config: shards on other machines may keep the profile elsewhere. */
  profilePath: string;
}

export function resolveGrid(input: GridInput): ResolvedGrid {
  const kind = input.kind ?? 'solve';
  if (kind !== 'solve' && kind !== 'rolling') throw new InputError(`grid: kind must be "solve" or "rolling", got ${JSON.stringify(kind)}`);
  for (const key of Object.keys(input)) {
    if (!SETTING_FIELDS.includes(key) && !BLOCK_FIELDS[kind].includes(key)) throw new InputError(`grid: unknown field ${JSON.stringify(key)} for a ${kind} grid`);
  }
  const profilePath = input.profile ?? DEFAULT_PROFILE_PATH;
  let profileBytes: Buffer;
  try {
    profileBytes = readFileSync(profilePath);
  } catch (err) {
    throw new InputError(`cannot read profile ${profilePath}: ${(err as Error).message}`);
  }
  const d = DEFAULT_SETTINGS;
  const settings: SweepSettings = {
    experiment: input.experiment ?? 'sweep',
    kind,
    demand_scale: positive(input.demand_scale ?? d.demand_scale, 'demand_scale'),
    stage2: {
      scenarios: count(input.stage2?.scenarios ?? d.stage2.scenarios, 'stage2.scenarios', 1),
      seed: count(input.stage2?.seed ?? d.stage2.seed, 'stage2.seed', 0),
    },
    heuristic_limit_s: positive(input.heuristic_limit_s ?? d.heuristic_limit_s, 'heuristic_limit_s'),
    cell_overhead_s: positive(input.cell_overhead_s ?? d.cell_overhead_s, 'cell_overhead_s'),
    rolling_limit_s: positive(input.rolling_limit_s ?? d.rolling_limit_s, 'rolling_limit_s'),
    path_seed: count(input.path_seed ?? d.path_seed, 'path_seed', 0),
  };
  const shared = Object.fromEntries(Object.entries(input).filter(([k]) => BLOCK_FIELDS[kind].includes(k)));
  const blockInputs = input.blocks ?? [{}];
  if (!Array.isArray(blockInputs) || blockInputs.length === 0) throw new InputError('grid: blocks must be a non-empty list');
  const blocks = blockInputs.map((b, n) => {
    const where = input.blocks ? `grid block ${n + 1}` : 'grid';
    for (const key of Object.keys(b)) {
      if (!BLOCK_FIELDS[kind].includes(key)) throw new InputError(`${where}: unknown field ${JSON.stringify(key)} for a ${kind} grid`);
    }
    const merged = { ...shared, ...b } as BlockInput;
    return kind === 'solve' ? resolveSolveBlock(merged, where) : resolveRollingBlock(merged, where);
  });
  return { config: { ...settings, profile_sha256: sha256Hex(profileBytes), blocks }, profilePath };
}

function resolveAxes(b: BlockInput, where: string): InstanceAxes {
  return {
    sizes: list(b.sizes, `${where}: sizes`).map((s) => parseSizes(String(s))),
    seeds: list(b.seeds, `${where}: seeds`).map((s) => count(s, `${where}: seeds`, 0)),
    scenarios: list(b.scenarios ?? ['S1'], `${where}: scenarios`).map((s) => oneOf(s, Object.keys(SCENARIOS) as ScenarioId[], `${where}: scenarios`)),
    slo_modes: list(b.slo_modes ?? ['average'], `${where}: slo_modes`).map((s) => oneOf(s, SLO_MODES, `${where}: slo_modes`)),
  };
}

function resolveSolveBlock(b: BlockInput, where: string): SolveBlock {
  return {
    ...resolveAxes(b, where),
    solvers: list(b.solvers, `${where}: solvers`).map((s) => parseSolverSpec(String(s)).label),
    headrooms: list(b.headrooms ?? [0], `${where}: headrooms`).map((h) => checkHeadroom(h, `${where}: headrooms`)),
    inflations: (b.inflations ?? []).map((k) => {
      if (typeof k !== 'number' || !(k >= 1)) throw new InputError(`${where}: inflations must be numbers ≥ 1, got ${JSON.stringify(k)}`);
      return k;
    }),
  };
}

function resolveRollingBlock(b: BlockInput, where: string): RollingBlock {
  return {
    ...resolveAxes(b, where),
    sigmas: list(b.sigmas, `${where}: sigmas`).map((s) => {
      if (typeof s !== 'number' || !(s >= 0)) throw new InputError(`${where}: sigmas must be numbers ≥ 0, got ${JSON.stringify(s)}`);
      return s;
    }),
    paths: count(b.paths, `${where}: paths`, 1),
    policies: list(b.policies ?? [...ROLLING_POLICIES], `${where}: policies`).map((p) => oneOf(p, ROLLING_POLICIES, `${where}: policies`)),
    exact_solver: parseSolverSpec(String(b.exact_solver ?? 'highs')).label,
  };
}

/** Every cell of the grid in canonical order, with its index and key. */
export function expandGrid(config: SweepConfig): Cell[] {
  // Rolling configs get their hard limit and key once every block has added its days.
  const configs: (SolveCellConfig | Omit<RollingCellConfig, 'hard_limit_s'>)[] = [];
  const staticCells = new Map<string, Omit<RollingCellConfig, 'hard_limit_s'>>();
  for (const block of config.blocks) {
    for (const sizes of block.sizes) for (const seed of block.seeds) for (const scenario of block.scenarios) for (const slo_mode of block.slo_modes) {
      const instance: InstanceConfig = { sizes, seed, scenario, slo_mode, demand_scale: config.demand_scale, profile_sha256: config.profile_sha256 };
      if ('solvers' in block) {
        for (const label of block.solvers) for (const theta of block.headrooms) configs.push(solveCell(config, instance, label, theta, block.inflations));
      } else {
        const exact = parseSolverSpec(block.exact_solver);
        for (const sigma of block.sigmas) for (let path = 0; path < block.paths; path++) for (const policy of block.policies) {
          const cell = {
            kind: 'rolling' as const, instance, days: [{ sigma, path }], path_seed: config.path_seed, policy,
            exact_solver: { label: exact.label, options: exact.options },
          };
          if (!STATIC_POLICIES.has(policy)) {
            configs.push(cell);
            continue;
          }
          const id = cellKey({ ...cell, days: [] });
          const shared = staticCells.get(id);
          if (!shared) {
            staticCells.set(id, cell);
            configs.push(cell);
          } else if (!shared.days.some((d) => d.sigma === sigma && d.path === path)) {
            shared.days.push({ sigma, path });
          }
        }
      }
    }
  }
  const cells: Cell[] = [];
  const seen = new Set<string>();
  for (const c of configs) {
    const cfg: CellConfig = c.kind === 'solve' ? c : { ...c, hard_limit_s: config.rolling_limit_s + (c.days.length - 1) * config.cell_overhead_s };
    const key = cellKey(cfg);
    if (seen.has(key)) continue;
    seen.add(key);
    cells.push({ index: cells.length, key, config: cfg });
  }
  return cells;
}

function solveCell(config: SweepConfig, instance: InstanceConfig, label: string, theta: number, inflations: number[]): SolveCellConfig {
  const spec = parseSolverSpec(label);
  const ownLimit = spec.options.time_limit_s;
  // An exact solver enforces its own hard limit (time limit plus grace) in its own process; a
  // heuristic's cell holds a warm-up and a timed solve.
  const solveLimit = spec.solver.kind === 'exact' && typeof ownLimit === 'number' ? exactHardLimitS(ownLimit) : 2 * config.heuristic_limit_s;
  return {
    kind: 'solve',
    instance,
    solver: { name: spec.solver.name, label: spec.label, options: spec.options },
    ...(theta > 0 && { headroom: theta }),
    inflations,
    stage2: config.stage2,
    hard_limit_s: solveLimit + config.cell_overhead_s,
  };
}

/** `--shard i/n` (1 ≤ i ≤ n): cell c belongs to shard (c.index mod n) + 1. Round robin over the
 * canonical order spreads each block's sizes and solvers evenly, so shards take similar times. */
export interface Shard {
  index: number;
  count: number;
}

export function parseShard(text: string, env: NodeJS.ProcessEnv = process.env): Shard {
  if (text.trim() === 'slurm') return slurmShard(env);
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) throw new InputError(`--shard expects i/n with 1 ≤ i ≤ n, such as 1/2, or slurm; got ${JSON.stringify(text)}`);
  return { index, count };
}

/** `--shard slurm`: the array task's shard, task ids MIN…MAX being shards 1…n. A rerun of some
 * tasks (`--array=2`) is a smaller array, so it resumes their directories rather than re-reading
 * this (the manifest keeps each directory's shard). */
function slurmShard(env: NodeJS.ProcessEnv): Shard {
  const names = ['SLURM_ARRAY_TASK_ID', 'SLURM_ARRAY_TASK_MIN', 'SLURM_ARRAY_TASK_MAX', 'SLURM_ARRAY_TASK_COUNT'];
  if (env.SLURM_ARRAY_TASK_ID === undefined) throw new InputError('--shard slurm: SLURM_ARRAY_TASK_ID is not set; use it inside a Slurm array job (sbatch --array=0-N)');
  const [id, min, max, count] = names.map((n) => Number(env[n] ?? NaN));
  if (![id, min, max, count].every(Number.isInteger) || count !== max - min + 1 || id < min || id > max) {
    const got = names.map((n) => `${n}=${env[n] ?? ''}`).join(' ');
    throw new InputError(`--shard slurm needs an array of consecutive task ids, such as --array=0-15; got ${got}`);
  }
  return { index: id - min + 1, count };
}

/**
 * A resolved config as a manifest holds it, from any version: a solve block of a run made before
 * headroom existed has no `headrooms` and planned without headroom, i.e. at [0].
 */
export function upgradeConfig(config: SweepConfig): SweepConfig {
  return { ...config, blocks: config.blocks.map((b) => ('solvers' in b && !('headrooms' in b) ? { ...(b as SolveBlock), headrooms: [0] } : b)) };
}

export function inShard(cell: Cell, shard: Shard | undefined): boolean {
  return !shard || cell.index % shard.count === shard.index - 1;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function list<T>(v: T[] | undefined, what: string): T[] {
  if (!Array.isArray(v) || v.length === 0) throw new InputError(`${what}: expected a non-empty list`);
  return v;
}

function count(v: unknown, what: string, min: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw new InputError(`${what}: expected an integer ≥ ${min}, got ${JSON.stringify(v)}`);
  return v;
}

function positive(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new InputError(`${what}: expected a positive number, got ${JSON.stringify(v)}`);
  return v;
}

function oneOf<T extends string>(v: unknown, choices: readonly T[], what: string): T {
  if (!choices.includes(v as T)) throw new InputError(`${what}: expected one of ${choices.join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}
