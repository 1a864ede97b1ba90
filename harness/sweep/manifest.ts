/**
 * manifest.json of a run directory (docs/experiments.md, "Outputs of every run"): what was asked (command
 * line, preset, the full resolved config, shard), on what (git commit, package and Node versions,
 * CPU), when (start, resumes, end) and how timings were taken. Written atomically at every change.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../lib/errors.ts';
import { parseJson } from '../../lib/json.ts';
import { firstSchemaError, type Schema } from '../../solvers/problem/json-schema.ts';
import type { CellKind } from './columns.ts';
import { checkExperimentName } from './grid-validate.ts';
import { writeFileAtomic } from '../../lib/files.ts';
import { canonicalJson, sha256Hex } from './cell-key.ts';
import { upgradeConfig, type ResolvedGrid, type Shard, type SweepConfig } from './grid.ts';

export const MANIFEST_SCHEMA = 'llm-alloc-bench/run@1';
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface TimingPolicy {
  jobs: number;
  description: string;
}

export interface Manifest {
  schema: typeof MANIFEST_SCHEMA;
  command_line: string[];
  preset: string | null;
  quick: boolean;
  config: SweepConfig;
  profile_path: string;
  shard: Shard | null;
  /** The shard runs this run was merged from (merge only), each with where and when it ran. */
  merged_from?: { dir: string; shard: Shard | null; environment: Environment; started_at: string; finished_at: string | null }[];
  cells_total: number;
  cells_in_run: number;
  cells_done: number;
  /** Every seed the run uses: instance generator, stage-2 sampler (null without solve cells), demand paths. */
  seeds: { instance: number[]; stage2: number | null; path_seeds: number[] };
  timing_policy: TimingPolicy;
  environment: Environment;
  started_at: string;
  resumed_at: string[];
  finished_at: string | null;
}

export interface Environment {
  git_commit: string | null;
  /** True when tracked files differ from the commit (results may not match it). */
  git_dirty: boolean | null;
  package: string;
  dependencies: Record<string, string>;
  node: string;
  platform: string;
  cpu_model: string;
  cpu_count: number;
  memory_gb: number;
}

export function manifestPath(dir: string): string {
  return join(dir, 'manifest.json');
}

export function writeManifest(dir: string, m: Manifest): void {
  writeFileAtomic(manifestPath(dir), `${JSON.stringify(m, null, 2)}\n`);
}

export function readManifest(dir: string): Manifest {
  const path = manifestPath(dir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError(`${dir} is not a run directory: cannot read ${path} (${(err as Error).message})`);
  }
  const m = parseJson(text, path) as Manifest;
  const schema = typeof m === 'object' && m !== null ? m.schema : undefined;
  if (schema !== MANIFEST_SCHEMA) throw new InputError(`${path}: expected schema ${MANIFEST_SCHEMA}, got ${JSON.stringify(schema)}`);
  const shapeError = firstSchemaError(m, MANIFEST_SHAPE);
  const upgraded = shapeError ? m : { ...m, config: upgradeConfig(m.config) };
  const wrong = shapeError ?? nullableErrors(upgraded);
  if (wrong) throw new InputError(`${path}: ${wrong} (a manifest alloc-bench writes; was it edited?)`);
  checkExperimentName(upgraded.config.experiment, `${path}: config.experiment`);
  return upgraded;
}

/**
 * The grid a run was made with, from its manifest: `sweep --resume DIR` without grid flags resumes
 * it. The profile must still be the one the run used (instances depend on its content).
 */
export function gridOfRun(dir: string): ResolvedGrid {
  const m = readManifest(dir);
  const missing = firstSchemaError(m.config, RUNNABLE_CONFIG, 'config');
  if (missing) throw new InputError(`--resume ${dir}: manifest.json: ${missing}; give the grid flags or --config again`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(m.profile_path);
  } catch (err) {
    throw new InputError(`--resume ${dir}: cannot read the run's profile ${m.profile_path} (${(err as NodeJS.ErrnoException).code ?? String(err)}); give the grid flags or --config again, with --profile in the config`);
  }
  if (sha256Hex(bytes) !== m.config.profile_sha256) {
    throw new InputError(`--resume ${dir}: the run's profile ${m.profile_path} has changed since the run started (sha256 differs); expected the same profile`);
  }
  return { config: m.config, profilePath: m.profile_path };
}

const strings: Schema = { type: 'array', items: { type: 'string' } };
const numbers: Schema = { type: 'array', items: { type: 'number' } };
const ints: Schema = { type: 'array', items: { type: 'integer', minimum: 0 } };
const pos: Schema = { type: 'number', exclusiveMinimum: 0 };
const shape = (properties: Record<string, Schema>, required = Object.keys(properties)): Schema => ({ type: 'object', properties, required });
const BLOCK_SHAPE: Record<CellKind, Schema> = {
  solve: shape({ solvers: strings, headrooms: numbers, inflations: numbers }),
  rolling: shape({ sigmas: numbers, paths: { type: 'integer', minimum: 1 }, policies: strings, exact_solver: { type: 'string' } }),
};
const AXES = {
  sizes: { type: 'array', items: shape({ I: { type: 'integer', minimum: 1 }, J: { type: 'integer', minimum: 1 }, K: { type: 'integer', minimum: 1 } }) },
  seeds: ints, scenarios: strings, slo_modes: strings,
} satisfies Record<string, Schema>;
const CONFIG_FIELDS: Record<string, Schema> = {
  experiment: { type: 'string' }, kind: { type: 'string', enum: ['solve', 'rolling'] }, demand_scale: pos,
  stage2: shape({ scenarios: { type: 'integer', minimum: 1 }, seed: { type: 'integer', minimum: 0 } }),
  heuristic_limit_s: pos, cell_overhead_s: pos, rolling_limit_s: pos, path_seed: { type: 'integer', minimum: 0 },
  profile_sha256: { type: 'string' }, blocks: { type: 'array', items: shape(AXES) },
};
/** Every setting, for running the grid again: what resume takes from a manifest. */
const RUNNABLE_CONFIG = shape(CONFIG_FIELDS);
/** What the code reading a manifest relies on (the report needs only the config's experiment, kind and blocks) (fields of older versions may be absent elsewhere). */
const MANIFEST_SHAPE: Schema = shape({
  command_line: strings,
  config: shape(CONFIG_FIELDS, ['experiment', 'kind', 'blocks']),
  profile_path: { type: 'string' },
  cells_total: { type: 'integer', minimum: 0 }, cells_in_run: { type: 'integer', minimum: 0 }, cells_done: { type: 'integer', minimum: 0 },
  started_at: { type: 'string' }, resumed_at: strings,
});

/** The fields that may be null, which the schema subset cannot say, and each block by its kind. */
function nullableErrors(m: Manifest): string | null {
  const shard = m.shard as unknown;
  if (shard !== null && shard !== undefined && firstSchemaError(shard, shape({ index: { type: 'integer', minimum: 1 }, count: { type: 'integer', minimum: 1 } }), 'shard')) {
    return `shard: expected null or {"index": i, "count": n}, got ${JSON.stringify(shard)}`;
  }
  if (m.finished_at !== null && typeof m.finished_at !== 'string') return `finished_at: expected null or a time, got ${JSON.stringify(m.finished_at)}`;
  for (const [n, block] of m.config.blocks.entries()) {
    const e = firstSchemaError(block, BLOCK_SHAPE[m.config.kind], `config.blocks[${n}]`);
    if (e) return e;
  }
  return null;
}

/** Whether two runs computed the same grid (the condition for resuming one or merging them). */
export function sameConfig(a: SweepConfig, b: SweepConfig): boolean {
  return canonicalJson(a as never) === canonicalJson(b as never);
}

/**
 * Where two JSON values first differ, as `path: a vs b` (e.g. `seeds: [1,2] vs [9]`), or null
 * when they are equal: the field a refused resume or merge names.
 */
export function configDifference(a: unknown, b: unknown, path = ''): string | null {
  const json = (v: unknown) => (v === undefined ? '(absent)' : canonicalJson(v as never));
  const show = (v: unknown) => (json(v).length > 80 ? `${json(v).slice(0, 77)}...` : json(v));
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = Array.isArray(a)
      ? a.length === (b as unknown[]).length ? [...a.keys()].map(String) : []
      : [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    if (keys.length > 0 || !Array.isArray(a)) {
      for (const k of keys) {
        const d = configDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
        if (d) return d;
      }
      return null;
    }
  }
  return json(a) === json(b) ? null : `${path || '(whole config)'}: ${show(a)} vs ${show(b)}`;
}

export function environment(): Environment {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string; version: string; dependencies: Record<string, string> };
  // Installed versions, which may differ from the ranges in package.json.
  const dependencies = Object.fromEntries(
    Object.keys(pkg.dependencies).map((name) => {
      const file = join(REPO_ROOT, 'node_modules', name, 'package.json');
      return [name, existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : 'missing'];
    }),
  );
  const cpu = cpus();
  return {
    git_commit: git(['rev-parse', 'HEAD']),
    git_dirty: gitDirty(),
    package: `${pkg.name}@${pkg.version}`,
    dependencies,
    node: process.version,
    platform: `${platform()} ${release()}`,
    cpu_model: cpu[0]?.model ?? 'unknown',
    cpu_count: cpu.length,
    memory_gb: Math.round(totalmem() / 2 ** 30),
  };
}

/**
 * Whether tracked files differ from the commit, outside results/: run outputs are not code, and a
 * reference re-run moves the previous run aside there before it starts.
 */
export function gitDirty(root = REPO_ROOT): boolean | null {
  const status = git(['status', '--porcelain', '--untracked-files=no', '--', '.', ':(exclude)results'], root);
  return status === null ? null : status !== '';
}

function git(args: string[], root = REPO_ROOT): string | null {
  try {
    // GIT_OPTIONAL_LOCKS=0: `git status` must not refresh (write) the index of a shared checkout.
    const env = { ...process.env, GIT_OPTIONAL_LOCKS: '0' };
    return execFileSync('git', args, { cwd: root, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}
