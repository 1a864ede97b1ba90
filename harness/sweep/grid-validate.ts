/**
 * Grid validation: a `GridInput` is checked field by field and resolved once into a `SweepConfig`;
 * every problem is an InputError naming the block and field.
 *
 * A grid is a list of blocks, each a cartesian product (like benchopt's parameter grids), so a
 * preset can pair some solvers with some sizes only (e.g. exact solvers on small sizes). Fields
 * given at the top level are defaults for every block.
 */
import { readFileSync } from 'node:fs';
import { SCENARIOS, SYSTEM_DEFAULTS } from '../../generators/catalog.ts';
import { parseSizes } from '../../generators/sizes.ts';
import { InputError } from '../../lib/errors.ts';
import { MAX_TIME_LIMIT_S } from '../../lib/isolate.ts';
import { parseJson } from '../../lib/json.ts';
import { MAX_SCENARIOS } from '../../solvers/problem/stress.ts';
import { checkHeadroom } from '../../solvers/problem/headroom.ts';
import type { ScenarioId, SloMode } from '../../solvers/problem/types.ts';
import { parseSolverSpec } from '../../solvers/registry.ts';
import { DEFAULT_PROFILE_PATH } from '../../traces/profile.ts';
import { ROLLING_POLICIES } from '../experiments/rolling-policies.ts';
import { sha256Hex } from './cell-key.ts';
import type { CellKind } from './columns.ts';
import type { BlockInput, GridInput, InstanceAxes, ResolvedGrid, RollingBlock, SolveBlock, SweepSettings } from './grid-config.ts';

const SLO_MODES: readonly SloMode[] = ['average', 'per-route'];
/** Most demand paths per σ of a rolling block (the presets use 2 and 20). */
export const MAX_PATHS = 10_000;
/**
 * An experiment name: it names files and directories (`results/<name>-…`, `<name>.ipynb`) and is
 * the first cell of every raw.csv and summary.csv row, so it is a plain file-name word — no path
 * separator or `..`, no control character, and no leading `=`, `+`, `-` or `@` that a spreadsheet
 * would evaluate as a formula.
 */
export const EXPERIMENT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

export function checkExperimentName(name: unknown, where: string): string {
  if (typeof name !== 'string' || !EXPERIMENT_NAME.test(name) || name.includes('..')) {
    throw new InputError(`${where}: expected a name of 1–64 letters, digits, "_", "-" and "." (not starting with "-" or ".", no ".."), got ${JSON.stringify(name)}`);
  }
  return name;
}

const DEFAULT_SETTINGS: Omit<SweepSettings, 'experiment' | 'kind'> = {
  demand_scale: SYSTEM_DEFAULTS.demand_scale,
  stage2: { scenarios: 200, seed: 1 },
  heuristic_limit_s: 60,
  cell_overhead_s: 120,
  rolling_limit_s: 3600,
  path_seed: 1000,
};

const SETTING_FIELDS = ['experiment', 'kind', 'profile', 'demand_scale', 'stage2', 'heuristic_limit_s', 'cell_overhead_s', 'rolling_limit_s', 'path_seed', 'blocks'];
const BLOCK_FIELDS: Record<CellKind, string[]> = {
  solve: ['sizes', 'seeds', 'scenarios', 'slo_modes', 'solvers', 'headrooms', 'inflations', 'alone'],
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
  const value = parseJson(text, `config ${path}`);
  if (!isObject(value)) throw new InputError(`config ${path} is not a valid grid: expected a JSON object`);
  return value as GridInput;
}

export function resolveGrid(input: GridInput): ResolvedGrid {
  refuseControlCharacters(input, 'grid');
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
  if (input.stage2 !== undefined && !isObject(input.stage2)) throw new InputError(`grid: stage2: expected an object such as {"scenarios": 200, "seed": 1}, got ${JSON.stringify(input.stage2)}`);
  for (const key of Object.keys(input.stage2 ?? {})) {
    if (key !== 'scenarios' && key !== 'seed') throw new InputError(`grid: stage2: unknown field ${JSON.stringify(key)} (allowed: scenarios, seed)`);
  }
  const settings: SweepSettings = {
    experiment: checkExperimentName(input.experiment ?? 'sweep', 'grid: experiment'),
    kind,
    demand_scale: positive(input.demand_scale ?? d.demand_scale, 'demand_scale'),
    stage2: {
      scenarios: count(input.stage2?.scenarios ?? d.stage2.scenarios, 'stage2.scenarios', 1, MAX_SCENARIOS),
      seed: count(input.stage2?.seed ?? d.stage2.seed, 'stage2.seed', 0),
    },
    heuristic_limit_s: seconds(input.heuristic_limit_s ?? d.heuristic_limit_s, 'heuristic_limit_s'),
    cell_overhead_s: seconds(input.cell_overhead_s ?? d.cell_overhead_s, 'cell_overhead_s'),
    rolling_limit_s: seconds(input.rolling_limit_s ?? d.rolling_limit_s, 'rolling_limit_s'),
    path_seed: count(input.path_seed ?? d.path_seed, 'path_seed', 0),
  };
  const shared = Object.fromEntries(Object.entries(input).filter(([k]) => BLOCK_FIELDS[kind].includes(k)));
  const blockInputs = input.blocks ?? [{}];
  if (!Array.isArray(blockInputs) || blockInputs.length === 0) throw new InputError('grid: blocks must be a non-empty list');
  const blocks = blockInputs.map((b: unknown, n) => {
    const where = input.blocks ? `grid block ${n + 1}` : 'grid';
    if (!isObject(b)) throw new InputError(`${where}: expected an object of block fields, got ${JSON.stringify(b)}`);
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
    sizes: list(b.sizes, `${where}: sizes`).map((s) => parseSizes(String(s), `${where}: sizes:`)),
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
    inflations: (b.inflations === undefined ? [] : list(b.inflations, `${where}: inflations`)).map((k) => {
      if (typeof k !== 'number' || !(k >= 1)) throw new InputError(`${where}: inflations must be numbers ≥ 1, got ${JSON.stringify(k)}`);
      return k;
    }),
    ...(alone(b.alone, where) && { alone: true as const }),
  };
}

function alone(v: unknown, where: string): boolean {
  if (v !== undefined && typeof v !== 'boolean') throw new InputError(`${where}: alone: expected true or false, got ${JSON.stringify(v)}`);
  return v === true;
}

function resolveRollingBlock(b: BlockInput, where: string): RollingBlock {
  return {
    ...resolveAxes(b, where),
    sigmas: list(b.sigmas, `${where}: sigmas`).map((s) => {
      if (typeof s !== 'number' || !(s >= 0)) throw new InputError(`${where}: sigmas must be numbers ≥ 0, got ${JSON.stringify(s)}`);
      return s;
    }),
    paths: count(b.paths, `${where}: paths`, 1, MAX_PATHS),
    policies: list(b.policies ?? [...ROLLING_POLICIES], `${where}: policies`).map((p) => oneOf(p, ROLLING_POLICIES, `${where}: policies`)),
    exact_solver: parseSolverSpec(String(b.exact_solver ?? 'highs')).label,
  };
}

/**
 * No string of a grid may hold a control character (ESC, BEL, a line break): names and solver specs
 * reach raw.csv, summary.csv, report.html and the terminal. Grids are shallow (JSON files are
 * depth-bounded by parseJson), so the walk's recursion is bounded too.
 */
function refuseControlCharacters(value: unknown, where: string): void {
  if (typeof value === 'string') {
    if (/[\u0000-\u001f\u007f-\u009f]/.test(value)) throw new InputError(`${where}: expected text without control characters, got ${JSON.stringify(value)}`);
  } else if (Array.isArray(value)) {
    value.forEach((v, n) => refuseControlCharacters(v, `${where}[${n}]`));
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) refuseControlCharacters(v, `${where}: ${k}`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function list<T>(v: T[] | undefined, what: string): T[] {
  if (!Array.isArray(v) || v.length === 0) throw new InputError(`${what}: expected a non-empty list`);
  return v;
}

function count(v: unknown, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new InputError(`${what}: expected an integer ≥ ${min}${max < Number.MAX_SAFE_INTEGER ? ` and ≤ ${max}` : ''}, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** A time limit: positive, and at most MAX_TIME_LIMIT_S so that its timer stays in range. */
function seconds(v: unknown, what: string): number {
  const s = positive(v, what);
  if (s > MAX_TIME_LIMIT_S) throw new InputError(`${what}: expected at most ${MAX_TIME_LIMIT_S} s (7 days), got ${JSON.stringify(v)}`);
  return s;
}

function positive(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new InputError(`${what}: expected a positive number, got ${JSON.stringify(v)}`);
  return v;
}

function oneOf<T extends string>(v: unknown, choices: readonly T[], what: string): T {
  if (!choices.includes(v as T)) throw new InputError(`${what}: expected one of ${choices.join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}
