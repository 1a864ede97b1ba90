// Shards: which cells of the canonical order one process runs (`--shard i/n` or `--shard slurm`).
import { InputError } from '../../lib/errors.ts';
import type { Cell } from './grid-config.ts';

/** `--shard i/n` (1 ≤ i ≤ n): cell c belongs to shard (c.index mod n) + 1. Round robin over the
 * canonical order spreads each block's sizes and solvers evenly, so shards take similar times. */
export interface Shard {
  index: number;
  count: number;
}

export function parseShard(text: string, env: NodeJS.ProcessEnv = process.env): Shard {
  if (text.trim() === 'slurm') return slurmShard(env);
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) throw new InputError(`--shard expects i/n with 1 ≤ i ≤ n, such as 1/2, or slurm; got ${JSON.stringify(text)}`);
  return { index, count };
}

/** `--shard slurm`: the array task's shard, task ids MIN…MAX being shards 1…n. A rerun of some
 * tasks (`--array=2`) is a smaller array, so it resumes their directories rather than re-reading
 * this (the manifest keeps each directory's shard). */
function slurmShard(env: NodeJS.ProcessEnv): Shard {
  const names = ['SLURM_ARRAY_TASK_ID', 'SLURM_ARRAY_TASK_MIN', 'SLURM_ARRAY_TASK_MAX', 'SLURM_ARRAY_TASK_COUNT'];
  if (env.SLURM_ARRAY_TASK_ID === undefined) throw new InputError('--shard slurm: SLURM_ARRAY_TASK_ID is not set; use it inside a Slurm array job (sbatch --array=0-N)');
  const [id, min, max, count] = names.map((n) => Number(env[n] ?? NaN));
  if (![id, min, max, count].every(Number.isInteger) || count !== max - min + 1 || id < min || id > max) {
    const got = names.map((n) => `${n}=${env[n] ?? ''}`).join(' ');
    throw new InputError(`--shard slurm needs an array of consecutive task ids, such as --array=0-15; got ${got}`);
  }
  return { index: id - min + 1, count };
}

export function inShard(cell: Cell, shard: Shard | undefined): boolean {
  return !shard || cell.index % shard.count === shard.index - 1;
}
