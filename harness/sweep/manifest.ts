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
import { writeFileAtomic } from '../../lib/files.ts';
import { canonicalJson } from './cell-key.ts';
import { upgradeConfig, type Shard, type SweepConfig } from './grid.ts';

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
  let m: Manifest;
  try {
    m = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  } catch (err) {
    throw new InputError(`${dir} is not a run directory: cannot read ${path} (${(err as Error).message})`);
  }
  if (m.schema !== MANIFEST_SCHEMA) throw new InputError(`${path}: expected schema ${MANIFEST_SCHEMA}, got ${JSON.stringify(m.schema)}`);
  return { ...m, config: upgradeConfig(m.config) };
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
