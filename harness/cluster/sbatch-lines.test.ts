// `--sbatch N`: the array, CPU and time lines for a grid, the time bounding the slowest task.
import { describe, expect, it } from 'vitest';
import { resolveGrid } from '../sweep/grid.ts';
import { sbatchLines } from './sbatch-lines.ts';

// Hard limits: a gh cell 2·10 + 5 = 25 s; a highs cell (60 s limit + 15 s grace) + 5 = 80 s.
// Cells in canonical order: gh, highs (seed 1), gh, highs (seed 2).
const grid = resolveGrid({ sizes: ['3,3,4'], seeds: [1, 2], solvers: ['gh', 'highs:time_limit_s=60'], heuristic_limit_s: 10, cell_overhead_s: 5 });
const lines = (tasks: number, cpus: number) => sbatchLines(grid, tasks, cpus).filter((l) => l.startsWith('#SBATCH'));

describe('sbatch lines', () => {
  it('bound the slowest task: heuristic cells one after another, exact cells cpus at a time', () => {
    // Two tasks: {gh, gh} needs 50 s, {highs, highs} 160 s on one CPU, 160/2 + 80/2 = 120 s on two.
    expect(lines(2, 1)).toEqual(['#SBATCH --array=0-1', '#SBATCH --cpus-per-task=1', '#SBATCH --time=0-00:03:00']);
    expect(lines(2, 2)).toEqual(['#SBATCH --array=0-1', '#SBATCH --cpus-per-task=2', '#SBATCH --time=0-00:02:00']);
    // One task: 50 s of heuristics, then both solves side by side (80 + 40 s).
    expect(lines(1, 2)).toContain('#SBATCH --time=0-00:03:00');
  });

  it('refuse more tasks than cells', () => {
    expect(() => sbatchLines(grid, 5, 1)).toThrow(/--sbatch 5: more array tasks than the grid's 4 cells/);
  });
});
