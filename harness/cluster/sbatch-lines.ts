/**
 * `--sbatch N`: the resource lines of harness/cluster/sweep.sbatch for a grid run as an N-task
 * array. CPUs per task = --jobs (each exact back-end is single-threaded: one CPU per solve running
 * at once). The time limit lets every cell of the slowest task run to its hard limit — heuristic
 * cells one after another, the others `cpus` at a time — so no task is cut short by Slurm.
 */
import { InputError } from '../../lib/errors.ts';
import { expandGrid, inShard, type ResolvedGrid } from '../sweep/grid.ts';
import { isTimingCritical } from '../sweep/sweep.ts';

export function sbatchLines(grid: ResolvedGrid, tasks: number, cpus: number): string[] {
  const cells = expandGrid(grid.config);
  if (tasks > cells.length) throw new InputError(`--sbatch ${tasks}: more array tasks than the grid's ${cells.length} cells`);
  const perTask = Array.from({ length: tasks }, (_, n) => cells.filter((c) => inShard(c, { index: n + 1, count: tasks })));
  const worstS = Math.max(
    ...perTask.map((mine) => {
      const alone = mine.filter(isTimingCritical).reduce((s, c) => s + c.config.hard_limit_s, 0);
      const shared = mine.filter((c) => !isTimingCritical(c)).map((c) => c.config.hard_limit_s);
      // Greedy list scheduling on `cpus` slots ends by sum/cpus + (1 − 1/cpus)·longest.
      const parallel = shared.length ? shared.reduce((s, x) => s + x, 0) / cpus + (1 - 1 / cpus) * Math.max(...shared) : 0;
      return alone + parallel;
    }),
  );
  return [
    `# ${grid.config.experiment}: ${cells.length} cells, at most ${perTask[0].length} per task; the time lets each reach its hard limit`,
    `#SBATCH --array=0-${tasks - 1}`,
    `#SBATCH --cpus-per-task=${cpus}`,
    `#SBATCH --time=${slurmTime(worstS)}`,
  ];
}

/** Seconds rounded up to whole minutes, as Slurm's D-HH:MM:SS. */
function slurmTime(seconds: number): string {
  const minutes = Math.ceil(seconds / 60);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${Math.floor(minutes / 1440)}-${two(Math.floor(minutes / 60) % 24)}:${two(minutes % 60)}:00`;
}
