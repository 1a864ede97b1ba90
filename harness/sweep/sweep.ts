/**
 * The sweep engine: runs the cells of a resolved grid (or of one shard of it) into a run
 * directory — manifest.json and raw.csv — resuming what an interrupted run left. The report is the
 * report stage's job (`harness/report/`), called by the commands that want one. Every cell runs in its own isolated worker with a hard wall-clock limit, so a crash, a
 * hang or a memory blow-up costs one cell's rows (with their status), never the sweep.
 *
 * Timing policy (recorded in the manifest): heuristic solve cells — sub-second timings compared
 * against each other and against exact solves — run first, one at a time, with nothing else
 * running; then exact solve cells and rolling cells run `jobs` at a time (default: one per core;
 * each exact back-end is single-threaded, so a solve keeps a core to itself). Exact times are
 * seconds to minutes and censored at their limits, so the sharing of memory bandwidth between
 * parallel solves is small against what they measure.
 */
import { existsSync, readdirSync, statSync, type writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../lib/errors.ts';
import { makeDirs, makeSubdir } from '../../lib/files.ts';
import { parseSolverSpec } from '../../solvers/registry.ts';
import { PLANS_DIR, rowsPerCell, TRAJECTORIES_DIR, type CellJob } from './cell.ts';
import { RAW_COLUMNS } from './columns.ts';
import { expandGrid, inShard, type Cell, type ResolvedGrid, type Shard } from './grid.ts';
import { runCellIsolated } from './isolated-cell.ts';
import { configDifference, environment, manifestPath, readManifest, writeManifest, type Manifest } from './manifest.ts';
import { Progress, type ProgressSink } from './progress.ts';
import { encodeRow, RawCsvAppender, readRawCsv, writeRawCsv, type StoredRow } from './raw-csv.ts';
import { LOCK_FILE, lockRunDir, type RunLock } from './run-lock.ts';

export interface SweepOptions {
  grid: ResolvedGrid;
  outDir: string;
  /** Continue the run in `outDir` (its config must equal `grid`'s) instead of starting one. */
  resume?: boolean;
  jobs?: number;
  shard?: Shard;
  commandLine: string[];
  preset?: string;
  quick?: boolean;
  progress?: ProgressSink;
  /** `fs.writeSync` for raw.csv rows, except in tests that inject a full disk. */
  write?: typeof writeSync;
}

export interface SweepOutcome {
  manifest: Manifest;
  rows: StoredRow[];
}

function timingPolicy(jobs: number): Manifest['timing_policy'] {
  return {
    jobs,
    description:
      'Heuristic solve cells first, one at a time with nothing else running, each in a fresh worker timed after ' +
      `one untimed warm-up solve; then exact solve cells and rolling cells ${jobs} at a time, each exact solve in its own process; ` +
      'last, the cells of blocks marked alone, one at a time with nothing else running.',
  };
}

export async function runSweep(opts: SweepOptions): Promise<SweepOutcome> {
  const jobs = opts.jobs ?? availableParallelism();
  const cells = expandGrid(opts.grid.config);
  const mine = cells.filter((c) => inShard(c, opts.shard));

  // One writer per run directory: taken before anything is read, so what is read stays true.
  const lock = opts.resume ? lockRunDir(existingRunDir(opts.outDir), opts.commandLine) : lockNewRunDir(opts.outDir, opts.commandLine);
  const stopOnSignal = onStopSignals(opts.outDir);
  try {
    return await runLocked(opts, cells, mine, jobs);
  } finally {
    stopOnSignal.remove();
    lock.release();
  }
}

/** Signals a sweep ends on cleanly; exit codes are 128 + the signal's number, as the shell reports them. */
export const STOP_SIGNALS = { SIGINT: 130, SIGHUP: 129, SIGTERM: 143 } as const;

/**
 * SIGTERM (what Slurm sends at a time limit), SIGINT (Ctrl-C) and SIGHUP end a sweep cleanly: the
 * cells in flight are abandoned (their solver processes killed by isolate.ts's exit hook), every
 * row already in raw.csv is whole and kept, the lock is released (its exit hook), and one line says
 * how to continue. Without a handler Node would exit with no message and leave the lock.
 */
function onStopSignals(outDir: string): { remove(): void } {
  const handlers = Object.keys(STOP_SIGNALS).map((signal) => {
    const handler = () => {
      const dir = /[\u0000-\u001f\u007f-\u009f]/.test(outDir) ? JSON.stringify(outDir) : outDir;
      process.stderr.write(`alloc-bench: stopped by ${signal}; the finished cells are kept in ${dir} — continue with --resume ${dir}\n`);
      process.exit(STOP_SIGNALS[signal as keyof typeof STOP_SIGNALS]);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return { remove: () => handlers.forEach(([signal, handler]) => process.off(signal, handler)) };
}

async function runLocked(opts: SweepOptions, cells: Cell[], mine: Cell[], jobs: number): Promise<SweepOutcome> {
  const { config, profilePath } = opts.grid;
  const columns = RAW_COLUMNS[config.kind];
  const rawPath = join(opts.outDir, 'raw.csv');
  const now = new Date().toISOString();
  let manifest: Manifest;
  let kept: StoredRow[];
  // A run directory without a manifest (the disk filled up while the first one was written) is
  // resumed as a new run: nothing of it was kept.
  if (opts.resume && existsSync(manifestPath(opts.outDir))) {
    manifest = readManifest(opts.outDir);
    const differs = configDifference(manifest.config, config) ?? (sameShard(manifest.shard, opts.shard) ? null : `shard: ${shardText(manifest.shard)} vs ${shardText(opts.shard)}`);
    if (differs) {
      throw new InputError(`--resume ${opts.outDir}: that run was made with another grid or shard (${differs}, run vs now); resume it with its own command (manifest.json: command_line)`);
    }
    const raw = readRawCsv(rawPath, columns, { repairLastLine: true });
    kept = completeCells(raw.rows, mine);
    const dropped = raw.rows.length - kept.length;
    if (raw.droppedPartialBytes > 0 || dropped > 0) {
      (opts.progress ?? process.stderr).write(`resume: dropped ${raw.droppedPartialBytes} bytes of a torn last record and ${dropped} rows of unfinished cells\n`);
    }
    manifest = { ...manifest, resumed_at: [...manifest.resumed_at, now], finished_at: null, cells_done: countCells(kept) };
  } else {
    kept = [];
    manifest = {
      schema: 'llm-alloc-bench/run@1',
      command_line: opts.commandLine,
      preset: opts.preset ?? null,
      quick: opts.quick ?? false,
      config,
      profile_path: profilePath,
      shard: opts.shard ?? null,
      cells_total: cells.length,
      cells_in_run: mine.length,
      cells_done: 0,
      seeds: seedsOf(cells),
      timing_policy: timingPolicy(jobs),
      environment: environment(),
      started_at: now,
      resumed_at: [],
      finished_at: null,
    };
  }
  // The manifest first, so that a directory holding anything can be resumed. The raw file restarts
  // from exactly the complete cells: a partial last line and the rows of a cell cut short are
  // dropped here, before anything is appended.
  writeManifest(opts.outDir, manifest);
  writeRawCsv(rawPath, columns, kept);

  const done = new Set(kept.map((r) => r.cell_key));
  const todo = mine.filter((c) => !done.has(c.key));
  const progress = new Progress(mine.length, mine.length - todo.length, opts.progress);
  const appender = new RawCsvAppender(rawPath, columns, opts.write);
  const planDir = config.kind === 'solve' ? makeSubdir(opts.outDir, PLANS_DIR) : undefined;
  const trajectoryDir = config.kind === 'solve' ? makeSubdir(opts.outDir, TRAJECTORIES_DIR) : undefined;
  const runOne = async (cell: Cell) => {
    const label = describeCell(cell);
    progress.start(label);
    const job: CellJob = { experiment: config.experiment, profilePath, cell, planDir, trajectoryDir };
    const rows = (await runCellIsolated(job, (steps) => progress.steps(label, steps))).map((r) => encodeRow(r, columns));
    appender.append(rows);
    manifest.cells_done++;
    progress.finish(label, [...new Set(rows.map((r) => r.status))].join(','));
  };
  try {
    for (const phase of runPhases(todo, jobs)) await pool(phase.cells, phase.jobs, runOne);
  } finally {
    appender.close();
    progress.close();
  }

  const rows = sortRows(readRawCsv(rawPath, columns).rows);
  writeRawCsv(rawPath, columns, rows);
  manifest = { ...manifest, finished_at: new Date().toISOString() };
  writeManifest(opts.outDir, manifest);
  return { manifest, rows };
}

/** The directory of a run to resume: it must exist and be one (the lock goes inside it). */
function existingRunDir(dir: string): string {
  if (isDirectory(dir) && readdirSync(dir).every((name) => name === LOCK_FILE)) return dir; // see runLocked
  readManifest(dir);
  return dir;
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** Creates (or accepts an empty) run directory and locks it; anything else in it is refused. */
function lockNewRunDir(dir: string, commandLine: string[]): RunLock {
  makeDirs(dir);
  const lock = lockRunDir(dir, commandLine);
  if (readdirSync(dir).some((name) => name !== LOCK_FILE)) {
    lock.release();
    throw new InputError(`output directory ${dir} exists and is not empty; use --resume ${dir} to continue it, or another --out`);
  }
  return lock;
}

function sameShard(a: Shard | null | undefined, b: Shard | null | undefined): boolean {
  return shardText(a) === shardText(b);
}

function shardText(s: Shard | null | undefined): string {
  return s ? `${s.index}/${s.count}` : 'none';
}

/**
 * The order cells run in (see timingPolicy): heuristic solves one at a time, then the rest `jobs`
 * at a time, then the cells of `alone` blocks one at a time.
 */
export function runPhases(todo: Cell[], jobs: number): { cells: Cell[]; jobs: number }[] {
  const rest = todo.filter((c) => !isTimingCritical(c));
  return [
    { cells: todo.filter(isTimingCritical), jobs: 1 },
    { cells: rest.filter((c) => !c.alone), jobs },
    { cells: rest.filter((c) => c.alone), jobs: 1 },
  ];
}

/** Heuristic solve cells: their timings are the ones a neighbour's load would distort most. */
export function isTimingCritical(cell: Cell): boolean {
  return cell.config.kind === 'solve' && parseSolverSpec(cell.config.solver.label).solver.kind === 'heuristic';
}

/** Rows of the cells of `cells` that are fully present, in file order; anything else is dropped. */
export function completeCells(rows: StoredRow[], cells: Cell[]): StoredRow[] {
  const expected = new Map(cells.map((c) => [c.key, rowsPerCell(c)]));
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.cell_key, (counts.get(r.cell_key) ?? 0) + 1);
  return rows.filter((r) => counts.get(r.cell_key) === expected.get(r.cell_key));
}

/** Canonical order: by cell index, rows of one cell in the order they were written (κ order). */
export function sortRows(rows: StoredRow[]): StoredRow[] {
  return rows
    .map((r, n) => ({ r, n }))
    .sort((a, b) => Number(a.r.cell_index) - Number(b.r.cell_index) || a.n - b.n)
    .map((x) => x.r);
}

function countCells(rows: StoredRow[]): number {
  return new Set(rows.map((r) => r.cell_key)).size;
}

function seedsOf(cells: Cell[]): Manifest['seeds'] {
  const sorted = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);
  const rolling = cells.flatMap((c) => (c.config.kind === 'rolling' ? [c.config.path_seed] : []));
  const stage2 = cells.find((c) => c.config.kind === 'solve')?.config;
  return {
    instance: sorted(cells.map((c) => c.config.instance.seed)),
    stage2: stage2?.kind === 'solve' ? stage2.stage2.seed : null,
    path_seeds: sorted(rolling),
  };
}

function describeCell(cell: Cell): string {
  const c = cell.config;
  const { I, J, K } = c.instance.sizes;
  const inst = `(${I},${J},${K}) seed ${c.instance.seed} ${c.instance.scenario}`;
  if (c.kind === 'solve') return `${c.solver.label}${c.headroom ? ` θ=${c.headroom}` : ''} ${inst}`;
  return `${c.policy} ${describeDays(c.days)} ${inst}`;
}

/**
 * A rolling cell's days in one form whether it plays one or several (a static policy plays every
 * σ and path): "1 day (σ=0.05, path 0)", "6 days (σ=0.01…0.05, paths 0–1)".
 */
export function describeDays(days: readonly { sigma: number; path: number }[]): string {
  const span = (xs: number[], sep: string) => {
    const u = [...new Set(xs)].sort((a, b) => a - b);
    return u.length === 1 ? `${u[0]}` : `${u[0]}${sep}${u[u.length - 1]}`;
  };
  const paths = days.map((d) => d.path);
  const pathWord = new Set(paths).size === 1 ? 'path' : 'paths';
  return `${days.length} day${days.length === 1 ? '' : 's'} (σ=${span(days.map((d) => d.sigma), '…')}, ${pathWord} ${span(paths, '–')})`;
}

/**
 * Runs `fn` over `items` with at most `limit` in flight; items start in order. The first failure
 * (e.g. raw.csv cannot be written) stops new items from starting; it is thrown once the items in
 * flight have ended.
 */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      try {
        await fn(items[next++]);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const failure = results.find((r) => r.status === 'rejected');
  if (failure) throw (failure as PromiseRejectedResult).reason;
}

