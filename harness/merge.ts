/**
 * `alloc-bench merge`: the shards of one grid (same resolved config, run anywhere) combined into
 * exactly the rows an unsharded run gives, in the grid's canonical order. Everything is checked
 * before anything is written: configs agree, every shard finished, every cell is present.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../solvers/problem/errors.ts';
import { RAW_COLUMNS } from './columns.ts';
import { expandGrid } from './grid.ts';
import { environment, readManifest, sameConfig, writeManifest, type Manifest } from './manifest.ts';
import { readRawCsv, writeRawCsv, type StoredRow } from './raw-csv.ts';
import { completeCells, renderRunReport, sortRows } from './sweep.ts';

export async function mergeRuns(dirs: string[], outDir: string, commandLine: string[], report = true): Promise<Manifest> {
  if (dirs.length === 0) throw new InputError('merge: name the run directories to merge');
  const manifests = dirs.map(readManifest);
  const base = manifests[0];
  manifests.forEach((m, n) => {
    if (!sameConfig(m.config, base.config)) throw new InputError(`merge: ${dirs[n]} ran another grid than ${dirs[0]} (their manifest.json configs differ)`);
    if (!m.finished_at) throw new InputError(`merge: ${dirs[n]} has not finished; resume it first (--resume ${dirs[n]})`);
  });
  if (existsSync(outDir) && readdirSync(outDir).length > 0) throw new InputError(`merge: output directory ${outDir} exists and is not empty`);

  const columns = RAW_COLUMNS[base.config.kind];
  const cells = expandGrid(base.config);
  const byKey = new Map<string, StoredRow[]>();
  for (const dir of dirs) {
    const own = new Map<string, StoredRow[]>();
    for (const row of completeCells(readRawCsv(join(dir, 'raw.csv'), columns).rows, cells)) {
      own.set(row.cell_key, [...(own.get(row.cell_key) ?? []), row]);
    }
    // A cell run by two of the inputs (overlapping shards) is taken from the first.
    for (const [key, rows] of own) if (!byKey.has(key)) byKey.set(key, rows);
  }
  const missing = cells.filter((c) => !byKey.has(c.key));
  if (missing.length > 0) {
    const shards = manifests.map((m) => (m.shard ? `${m.shard.index}/${m.shard.count}` : 'all')).join(', ');
    throw new InputError(`merge: ${missing.length} of ${cells.length} cells are missing (given shards: ${shards}); first missing is cell ${missing[0].index}`);
  }
  const rows = sortRows([...byKey.values()].flat());

  const manifest: Manifest = {
    ...base,
    command_line: commandLine,
    shard: null,
    merged_from: manifests.map((m, n) => ({ dir: dirs[n], shard: m.shard, environment: m.environment, started_at: m.started_at, finished_at: m.finished_at })),
    cells_in_run: cells.length,
    cells_done: cells.length,
    environment: environment(),
    started_at: manifests.map((m) => m.started_at).sort()[0],
    resumed_at: [],
    finished_at: new Date().toISOString(),
  };
  mkdirSync(outDir, { recursive: true });
  writeRawCsv(join(outDir, 'raw.csv'), columns, rows);
  writeManifest(outDir, manifest);
  if (report) await renderRunReport(outDir);
  return manifest;
}
