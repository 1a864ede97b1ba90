// README "Running on a cluster", run for real: the shipped harness/cluster/sweep.sbatch as a 4-task
// array on a single-node Slurm cluster on 127.0.0.1 (local-cluster.ts), merged into exactly the
// rows of an unsharded run; a task killed mid-run and resubmitted resumes without duplicates.
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { RAW_COLUMNS, stableColumnNames } from '../sweep/columns.ts';
import type { GridInput } from '../sweep/grid.ts';
import { readManifest } from '../sweep/manifest.ts';
import { readRawCsv, type StoredRow } from '../sweep/raw-csv.ts';
import { clusterUnavailable, startLocalCluster, type LocalCluster } from '../../testing/local-cluster.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO, 'harness', 'bin.mjs');
const TASKS = 4;

// A dozen heuristic cells and one short exact solve (cell 12, so shard 1: array task 0), which
// HiGHS finishes to optimality in a few seconds: its rows repeat exactly.
const GRID: GridInput = {
  experiment: 'slurm',
  blocks: [
    { sizes: ['3,3,4', '4,4,5'], seeds: [1, 2, 3], solvers: ['gh', 'agh'] },
    { sizes: ['4,4,5'], seeds: [1], solvers: ['highs:time_limit_s=60'] },
  ],
};
const EXACT_TASK = 0;

const unavailable = clusterUnavailable();
const skip = unavailable !== null && process.env.CI !== 'true';

const exec = promisify(execFile);
let tmp: string;
let cluster: LocalCluster | undefined;
let reference: StoredRow[];
/** The --sbatch helper's CPU and time lines, as sbatch options (the array is given per call). */
let sbatchOptions: string[];
/** A failed test keeps the temporary directory (daemon logs, task logs, run directories). */
let keep = false;
const keepOnFailure = () => onTestFailed(() => void (keep = true));

/** The alloc-bench CLI in a child process (async: a sweep takes minutes). */
const cli = (...args: string[]) => exec(process.execPath, [BIN, ...args], { cwd: REPO, maxBuffer: 1 << 24 });
const rowsOf = (dir: string) => readRawCsv(join(dir, 'raw.csv'), RAW_COLUMNS.solve).rows;
const stable = (rows: StoredRow[]) => rows.map((r) => stableColumnNames('solve').map((n) => r[n]).join(','));
const taskDirs = (runs: string) => readdirSync(runs).filter((d) => d.startsWith('task-')).sort().map((d) => join(runs, d));

/** The sbatch and merge lines of README's "Running on a cluster" block, comments dropped. */
function readmeLines(): { sbatch: string[]; merge: string } {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('### Running on a cluster')))?.[1] ?? '';
  const line = (start: string) => (block.split('\n').find((l) => l.startsWith(start)) ?? '').replace(/\s+#.*$/, '');
  return { sbatch: line('sbatch ').split(/\s+/), merge: line('npx alloc-bench merge ') };
}
const README = readmeLines();

/** README's sbatch line with --wait, for this grid into `runs`: sbatch --array=… TEMPLATE RUNS_DIR run e1. */
function sbatch(array: string, runs: string): { jobId: Promise<string>; done: Promise<number> } {
  const [command, , template] = README.sbatch;
  const args = ['--wait', `--array=${array}`, ...sbatchOptions, `--output=${join(tmp, 'logs', '%A_%a.out')}`, template, runs, 'sweep', '--config', join(tmp, 'grid.json')];
  const child = spawn(command, args, { cwd: REPO, env: cluster!.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const jobId = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      const m = /Submitted batch job (\d+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', () => reject(new Error(`sbatch printed no job id: ${out}`)));
  });
  jobId.catch(() => {});
  child.stderr.on('data', (d: Buffer) => process.stderr.write(d));
  const done = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
  return { jobId, done };
}

/** README's merge line, run by the shell (it globs the task directories), from `runs` into `out`. */
async function merge(runs: string, out: string): Promise<void> {
  const line = README.merge.replaceAll(README.sbatch[3], runs).replace(/--out \S+/, `--out ${out} --no-report`);
  await exec('sh', ['-c', line], { cwd: REPO });
}

/** The task logs of the array, for a failure message. */
const logs = () => readdirSync(join(tmp, 'logs')).map((f) => `--- ${f}\n${readFileSync(join(tmp, 'logs', f), 'utf8').slice(-2000)}`).join('\n');

describe.skipIf(skip)('sweeps on a single-node Slurm cluster', () => {
  beforeAll(async () => {
    if (unavailable) throw new Error(`CI=true and the Slurm cluster test cannot run: ${unavailable}`);
    tmp = mkdtempSync(join(tmpdir(), 'slurm-test-'));
    mkdirSync(join(tmp, 'logs'));
    writeFileSync(join(tmp, 'grid.json'), JSON.stringify(GRID));
    const unsharded = join(tmp, 'unsharded');
    // Settled both ways, so a failure of one leaves nothing of the other running.
    const [started, ran] = await Promise.allSettled([
      startLocalCluster(join(tmp, 'cluster')),
      cli('sweep', '--config', join(tmp, 'grid.json'), '--jobs', '1', '--no-report', '--out', unsharded),
    ]);
    if (started.status === 'fulfilled') cluster = started.value;
    for (const r of [started, ran]) if (r.status === 'rejected') throw r.reason;
    reference = rowsOf(unsharded);
    // The resource lines the helper suggests for this grid, passed to sbatch as options.
    const { stdout } = await cli('sweep', '--config', join(tmp, 'grid.json'), '--sbatch', String(TASKS));
    const lines = stdout.split('\n').filter((l) => l.startsWith('#SBATCH ')).map((l) => l.slice('#SBATCH '.length));
    expect(lines).toEqual([`--array=0-${TASKS - 1}`, '--cpus-per-task=1', expect.stringMatching(/^--time=0-\d\d:\d\d:00$/)]);
    sbatchOptions = lines.filter((l) => !l.startsWith('--array='));
  }, 600_000);
  afterAll(async () => {
    await cluster?.stop();
    if (keep) console.warn(`slurm.test.ts: kept ${tmp} for inspection`);
    else if (tmp) rmSync(tmp, { recursive: true, force: true });
  }, 120_000);

  it('runs the grid as a 4-task array whose merged rows are the unsharded rows', async () => {
    keepOnFailure();
    expect(README.sbatch).toEqual(['sbatch', expect.stringMatching(/^--array=0-\d+$/), 'harness/cluster/sweep.sbatch', expect.any(String), 'run', 'e1']);
    expect(README.merge).toContain(`${README.sbatch[3]}/task-*`);
    expect(reference).toHaveLength(13);
    expect(reference.find((r) => r.solver === 'highs')?.status).toBe('optimal');

    const runs = join(tmp, 'runs');
    const code = await sbatch(`0-${TASKS - 1}`, runs).done;
    expect(code, logs()).toBe(0);
    // Each task wrote its own directory, holding its own shard.
    const dirs = taskDirs(runs);
    expect(dirs.map((d) => readManifest(d).shard)).toEqual(Array.from({ length: TASKS }, (_, n) => ({ index: n + 1, count: TASKS })));

    await merge(runs, join(tmp, 'merged'));
    const merged = rowsOf(join(tmp, 'merged'));
    console.log(`slurm: array of ${dirs.length} tasks merged into ${merged.length} rows (unsharded run: ${reference.length})`);
    expect(stable(merged)).toEqual(stable(reference));
  }, 900_000);

  it('resumes a task killed mid-run when it is resubmitted, without duplicates', async () => {
    keepOnFailure();
    // The other tasks' directories are those of the run above, finished: submitted again, they
    // find nothing left to do (README: resubmitting the whole range).
    const runs = join(tmp, 'killed');
    const finished = taskDirs(join(tmp, 'runs')).filter((d) => !d.endsWith(`task-${EXACT_TASK}`));
    for (const dir of finished) cpSync(dir, join(runs, basename(dir)), { recursive: true });
    const array = sbatch(`0-${TASKS - 1}`, runs);
    const jobId = await array.jobId;
    // Task 0 runs its three heuristic cells, then the exact solve: cancel it during that solve.
    const raw = join(runs, `task-${EXACT_TASK}`, 'raw.csv');
    const dataLines = () => (existsSync(raw) ? readFileSync(raw, 'utf8').split('\n').length - 2 : 0);
    let ended = false;
    void array.done.then(() => (ended = true));
    while (dataLines() < 3 && !ended) await new Promise((r) => setTimeout(r, 100));
    await exec('scancel', [`${jobId}_${EXACT_TASK}`], { env: cluster!.env });
    expect(await array.done).not.toBe(0);
    const cut = join(runs, `task-${EXACT_TASK}`);
    expect(readManifest(cut).finished_at).toBeNull();
    expect(rowsOf(cut).some((r) => r.solver === 'highs')).toBe(false);

    // The README's rerun: the same line with --array naming the failed task.
    const code = await sbatch(String(EXACT_TASK), runs).done;
    expect(code, logs()).toBe(0);
    for (const dir of finished) expect(readFileSync(join(runs, basename(dir), 'raw.csv'), 'utf8'), dir).toBe(readFileSync(join(dir, 'raw.csv'), 'utf8'));
    expect(readManifest(cut).finished_at).not.toBeNull();
    // Resumed once by the whole-range array, and not again by the rerun of task 0.
    for (const dir of taskDirs(runs)) expect(readManifest(dir).resumed_at, dir).toHaveLength(1);
    await merge(runs, join(tmp, 'killed-merged'));
    const merged = rowsOf(join(tmp, 'killed-merged'));
    console.log(`slurm: task ${EXACT_TASK} of ${TASKS} cancelled and resubmitted; merged ${merged.length} rows`);
    expect(stable(merged)).toEqual(stable(reference));
    for (const dir of taskDirs(runs)) {
      const keys = rowsOf(dir).map((r) => r.cell_key);
      expect(new Set(keys).size, dir).toBe(keys.length);
    }
  }, 900_000);
});
