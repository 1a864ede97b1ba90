/**
 * What `alloc-bench run` and `alloc-bench sweep` share: the run-directory flags (--out, --resume,
 * --jobs, --shard, --no-report) and turning them into a `runSweep` call. Flags are parsed here
 * rather than with yargs' coerce, which rewraps errors and loses the InputError class.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Argv } from 'yargs';
import { InputError } from '../solvers/problem/errors.ts';
import { parseShard, type ResolvedGrid } from './grid.ts';
import { runSweep } from './sweep.ts';

export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

export interface RunDirArgs {
  out?: string;
  resume?: string;
  jobs?: string;
  shard?: string;
  report: boolean;
}

export function withRunDirOptions<T>(y: Argv<T>): Argv<T & RunDirArgs> {
  return y
    .option('out', { type: 'string', describe: 'Run directory (default: results/<name>-<UTC timestamp>)' })
    .option('resume', { type: 'string', conflicts: 'out', describe: 'Continue the interrupted run in this directory (same grid and shard)' })
    .option('jobs', { type: 'string', describe: 'Exact and rolling cells run this many at a time; heuristic cells always run alone', defaultDescription: 'number of cores' })
    .option('shard', { type: 'string', describe: 'Run shard i of n (i/n): the cells whose canonical index is i−1 mod n' })
    .option('report', { type: 'boolean', default: true, describe: 'Render summary, charts and report.html at the end (--no-report to skip)' }) as Argv<T & RunDirArgs>;
}

/** `results/e1-20250101T120000Z`: sortable, and free of characters that trouble file systems. */
function defaultOutDir(name: string, now = new Date()): string {
  return join(RESULTS_DIR, `${name}-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`);
}

function parseJobs(text: string | undefined): number {
  if (text === undefined) return availableParallelism();
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || n < 1) throw new InputError(`--jobs expects a positive integer; got ${JSON.stringify(text)}`);
  return n;
}

export async function runFromArgs(args: RunDirArgs, grid: ResolvedGrid, meta: { name: string; preset?: string; quick?: boolean }): Promise<void> {
  const shard = args.shard === undefined ? undefined : parseShard(args.shard);
  const jobs = parseJobs(args.jobs);
  const outDir = args.resume ?? args.out ?? defaultOutDir(shard ? `${meta.name}-shard${shard.index}of${shard.count}` : meta.name);
  const { manifest } = await runSweep({
    grid, outDir, resume: args.resume !== undefined, jobs, shard,
    commandLine: process.argv.slice(2), preset: meta.preset, quick: meta.quick, report: args.report,
  });
  process.stderr.write(`${manifest.cells_done}/${manifest.cells_in_run} cells in ${outDir}\n`);
}
