/**
 * Runs one cell in a child process of its own (lib/isolate.ts) under the cell's hard
 * wall-clock limit, and always returns the cell's rows: the computed ones, or failure rows with a
 * status and message when the cell threw, crashed or overran — the sweep goes on either way.
 */
import { runIsolated } from '../../lib/isolate.ts';
import { failureRows, type CellJob, type CellProgress } from './cell.ts';
import type { RawRow } from './raw-csv.ts';

const CELL_MODULE = new URL('./cell.ts', import.meta.url).href;

export async function runCellIsolated(job: CellJob, onProgress?: CellProgress): Promise<RawRow[]> {
  const limitS = job.cell.config.hard_limit_s;
  const task = { module: CELL_MODULE, fn: 'runCell', input: job, onProgress: onProgress as ((p: unknown) => void) | undefined };
  const out = await runIsolated<RawRow[]>(task, limitS);
  if (out.ok) return out.value;
  // A hang is censored like a solver time-out without a plan; a crash or a throw is an error.
  const status = out.reason === 'hard_limit' ? 'time_limit_no_solution' : 'error';
  return failureRows(job, status, `cell ${out.reason === 'threw' ? 'failed' : out.reason === 'crashed' ? 'crashed' : 'stopped'}: ${out.message}`, out.wall_time_s);
}
