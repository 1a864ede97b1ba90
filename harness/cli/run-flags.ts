/**
 * What `alloc-bench run` and `alloc-bench sweep` share: the run-directory flags (--out, --resume,
 * --jobs, --shard, --no-report, --sbatch) and turning them into a `runSweep` call. Flags are
 * parsed here rather than with yargs' coerce, which rewraps errors and loses the InputError class.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Argv } from 'yargs';
import { InputError } from '../../lib/errors.ts';
import { printable } from './errors.ts';
import { parseShard, type ResolvedGrid } from '../sweep/grid.ts';
import { readManifest } from '../sweep/manifest.ts';
import { sbatchLines } from '../cluster/sbatch-lines.ts';
import { runSweep } from '../sweep/sweep.ts';
import { renderRunReport } from './render-report.ts';

export const RESULTS_DIR = fileURLToPath(new URL('../../results/', import.meta.url));

export interface RunDirArgs {
  out?: string;
  resume?: string;
  jobs?: string;
  shard?: string;
  report: boolean;
  sbatch?: string;
}

export function withRunDirOptions<T>(y: Argv<T>): Argv<T & RunDirArgs> {
  return y
    .option('out', { type: 'string', describe: 'Run directory (default: results/<name>-<UTC timestamp>)' })
    .option('resume', { type: 'string', conflicts: 'out', describe: 'Continue the interrupted run in this directory (same grid; the shard it recorded unless --shard is given)' })
    .option('jobs', { type: 'string', describe: 'Exact and rolling cells run this many at a time; heuristic cells always run alone', defaultDescription: 'number of cores' })
    .option('shard', { type: 'string', describe: 'Run shard i of n (i/n): the cells whose canonical index is i−1 mod n; "slurm": the shard of this Slurm array task (task ids MIN…MAX are shards 1…n)' })
    .option('report', { type: 'boolean', default: true, describe: 'Render summary, charts and report.html at the end (--no-report to skip)' })
    .option('sbatch', { type: 'string', describe: 'Print the #SBATCH lines (array, CPUs = --jobs or 1, time limit) for running this grid as an array of this many tasks, and exit' }) as Argv<T & RunDirArgs>;
}

/** `results/e1-20250101T120000Z`: sortable, and free of characters that trouble file systems. */
function defaultOutDir(name: string, now = new Date()): string {
  return join(RESULTS_DIR, `${name}-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`);
}

function positiveInteger(flag: string, text: string): number {
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || n < 1) throw new InputError(`--${flag} expects a positive integer; got ${JSON.stringify(text)}`);
  return n;
}

export async function runFromArgs(args: RunDirArgs, grid: ResolvedGrid, meta: { name: string; preset?: string; quick?: boolean }): Promise<void> {
  if (args.sbatch !== undefined) {
    const cpus = args.jobs === undefined ? 1 : positiveInteger('jobs', args.jobs);
    process.stdout.write(`${sbatchLines(grid, positiveInteger('sbatch', args.sbatch), cpus).join('\n')}\n`);
    return;
  }
  // A resumed run keeps the shard its manifest recorded: a rerun Slurm task is a smaller array.
  const shard = args.shard !== undefined ? parseShard(args.shard) : args.resume !== undefined ? (readManifest(args.resume).shard ?? undefined) : undefined;
  const jobs = args.jobs === undefined ? availableParallelism() : positiveInteger('jobs', args.jobs);
  const outDir = args.resume ?? args.out ?? defaultOutDir(shard ? `${meta.name}-shard${shard.index}of${shard.count}` : meta.name);
  const { manifest } = await runSweep({
    grid, outDir, resume: args.resume !== undefined, jobs, shard,
    commandLine: process.argv.slice(2), preset: meta.preset, quick: meta.quick,
  });
  // A shard renders nothing: the merged run does.
  if (args.report && !shard) await renderRunReport(outDir);
  process.stderr.write(`${manifest.cells_done}/${manifest.cells_in_run} cells in ${printable(outDir)}\n`);
}
