/**
 * `alloc-bench merge`: the shards of one grid (same resolved config, run anywhere) combined into
 * exactly the rows an unsharded run gives, in the grid's canonical order. Everything is checked
 * before anything is written: configs agree, every shard finished, every cell is present.
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../lib/errors.ts';
import { makeDirs, makeSubdir, writeFileAtomic } from '../../lib/files.ts';
import { CELL_FILE_DIRS } from './cell.ts';
import { RAW_COLUMNS } from './columns.ts';
import { expandGrid } from './grid.ts';
import { configDifference, environment, readManifest, writeManifest, type Manifest } from './manifest.ts';
import { readRawCsv, refuseDuplicateRows, writeRawCsv, type StoredRow } from './raw-csv.ts';
import { LOCK_FILE, withRunLock } from './run-lock.ts';
import { completeCells, sortRows } from './sweep.ts';

export interface MergeOptions {
  /** Merge shards given twice or run from different commits anyway, with a warning. */
  force?: boolean;
  warn?: (line: string) => void;
}

export async function mergeRuns(dirs: string[], outDir: string, commandLine: string[], opts: MergeOptions = {}): Promise<Manifest> {
  if (dirs.length === 0) throw new InputError('merge: name the run directories to merge');
  const manifests = dirs.map(readManifest);
  const base = manifests[0];
  manifests.forEach((m, n) => {
    const differs = configDifference(base.config, m.config);
    if (differs) throw new InputError(`merge: ${dirs[n]} ran another grid than ${dirs[0]} (manifest.json config differs at ${differs})`);
    if (!m.finished_at) throw new InputError(`merge: ${dirs[n]} has not finished; resume it first (--resume ${dirs[n]})`);
  });
  for (const problem of mixedInputs(dirs, manifests)) {
    if (!opts.force) throw new InputError(`merge: ${problem}; check the inputs, or pass --force to merge them anyway`);
    (opts.warn ?? ((l) => process.stderr.write(`${l}\n`)))(`warning: merge --force: ${problem}`);
  }
  const rows = mergedRows(dirs, manifests, opts.warn ?? ((l) => process.stderr.write(`${l}\n`)));
  makeDirs(outDir);
  return withRunLock(outDir, commandLine, async () => {
    if (readdirSync(outDir).some((name) => name !== LOCK_FILE)) throw new InputError(`merge: output directory ${outDir} exists and is not empty`);
    const manifest: Manifest = {
      ...base,
      command_line: commandLine,
      shard: null,
      merged_from: manifests.map((m, n) => ({ dir: dirs[n], shard: m.shard, environment: m.environment, started_at: m.started_at, finished_at: m.finished_at })),
      cells_in_run: base.cells_total,
      cells_done: base.cells_total,
      environment: environment(),
      started_at: manifests.map((m) => m.started_at).sort()[0],
      resumed_at: [],
      finished_at: new Date().toISOString(),
    };
    writeRawCsv(join(outDir, 'raw.csv'), RAW_COLUMNS[base.config.kind], rows);
    for (const sub of CELL_FILE_DIRS) copyCellFiles(dirs, outDir, sub, new Set(rows.map((r) => r.cell_key)));
    writeManifest(outDir, manifest);
    return manifest;
  });
}

/** The shards' per-cell files (plans/, trajectories/) of the merged cells; runs made before a folder existed have none. */
function copyCellFiles(dirs: string[], outDir: string, sub: string, keys: Set<string>): void {
  let target: string | undefined;
  for (const dir of dirs) {
    const from = join(dir, sub);
    if (!existsSync(from)) continue;
    for (const name of readdirSync(from)) {
      if (!keys.has(name.replace(/\.json$/, ''))) continue;
      target ??= makeSubdir(outDir, sub);
      writeFileAtomic(join(target, name), readFileSync(join(from, name)));
    }
  }
}

/**
 * What makes a merge suspect though every cell is there: the same shard (or the same directory)
 * given twice, and shards run from different commits (their rows may not be comparable).
 */
function mixedInputs(dirs: string[], manifests: Manifest[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  manifests.forEach((m, n) => {
    const id = m.shard ? `shard ${m.shard.index}/${m.shard.count}` : 'the whole grid';
    const real = realpathSync(dirs[n]);
    const again = seen.get(id) ?? seen.get(real);
    if (again !== undefined) problems.push(`${dirs[n]} repeats ${id} of ${again}`);
    seen.set(id, dirs[n]).set(real, dirs[n]);
  });
  const commits = [...new Set(manifests.map((m) => `${m.environment.git_commit ?? 'unknown'}${m.environment.git_dirty ? ' (dirty)' : ''}`))];
  if (commits.length > 1) problems.push(`the shards were run from different commits (${commits.join(', ')})`);
  return problems;
}

/** Every cell's rows, each from the first input that has it complete, in canonical order. */
function mergedRows(dirs: string[], manifests: Manifest[], warn: (line: string) => void): StoredRow[] {
  const base = manifests[0];
  const columns = RAW_COLUMNS[base.config.kind];
  const cells = expandGrid(base.config);
  const byKey = new Map<string, StoredRow[]>();
  for (const dir of dirs) {
    const own = new Map<string, StoredRow[]>();
    const rawPath = join(dir, 'raw.csv');
    const raw = readRawCsv(rawPath, columns);
    if (raw.droppedPartialBytes > 0) warn(`warning: ${rawPath}: ignored a torn last line (${raw.droppedPartialBytes} bytes, an interrupted write); its cell counts as missing`);
    refuseDuplicateRows(rawPath, raw.rows);
    for (const row of completeCells(raw.rows, cells)) {
      own.set(row.cell_key, [...(own.get(row.cell_key) ?? []), row]);
    }
    // A cell run by two of the inputs (overlapping shards, with --force) is taken from the first.
    for (const [key, rows] of own) if (!byKey.has(key)) byKey.set(key, rows);
  }
  const missing = cells.filter((c) => !byKey.has(c.key));
  if (missing.length > 0) {
    const shards = manifests.map((m) => (m.shard ? `${m.shard.index}/${m.shard.count}` : 'all')).join(', ');
    throw new InputError(`merge: ${missing.length} of ${cells.length} cells are missing (given shards: ${shards}); first missing is cell ${missing[0].index}`);
  }
  return sortRows([...byKey.values()].flat());
}
