/**
 * The forms of a sweep's grid: what the user writes (`GridInput`: JSON config files, presets and
 * CLI flags), the resolved `SweepConfig` the manifest records (every default filled, every solver
 * spec canonical, the profile identified by its content hash), and the cells it expands into.
 */
import type { Sizes } from '../../generators/sizes.ts';
import type { ScenarioId, SloMode } from '../../solvers/problem/types.ts';
import type { SolveOptions } from '../../solvers/solver.ts';
import type { CellKind } from './columns.ts';
import type { RollingDay } from '../experiments/rolling-horizon.ts';
import type { RollingPolicy } from '../experiments/rolling-policies.ts';

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

export interface InstanceAxes {
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
  /** Its cells run last, one at a time with nothing beside them: for long exact solves whose
   * time limit binds when another solve shares the memory bus. Absent when false, so a config
   * from before the field existed resolves the same. */
  alone?: true;
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
  /** Run with nothing beside it (a block with `alone: true` lists it); not part of the key. */
  alone?: true;
}

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
  alone?: unknown;
  sigmas?: unknown[];
  paths?: unknown;
  policies?: string[];
  exact_solver?: string;
}

export interface ResolvedGrid {
  config: SweepConfig;
  /** Not part of the config: shards on other machines may keep the profile elsewhere. */
  profilePath: string;
}

/**
 * A resolved config as a manifest holds it, from any version: a solve block of a run made before
 * headroom existed has no `headrooms` and planned without headroom, i.e. at [0].
 */
export function upgradeConfig(config: SweepConfig): SweepConfig {
  return { ...config, blocks: config.blocks.map((b) => ('solvers' in b && !('headrooms' in b) ? { ...(b as SolveBlock), headrooms: [0] } : b)) };
}

