// `alloc-bench compare`: named solvers against reference solvers on a named instance set, as one sweep (harness/compare/).
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { compareGrid, COMPARE_EXPERIMENT, INSTANCE_SETS, instanceSet } from '../../compare/sets.ts';
import { TIE_TOLERANCE } from '../../compare/score.ts';
import { gridOfRun } from '../../sweep/manifest.ts';
import { resolveGrid, splitSolverList } from '../../sweep/grid.ts';
import { runFromArgs, withRunDirOptions, type RunDirArgs } from '../run-flags.ts';

interface Args extends RunDirArgs {
  solvers?: string[];
  against: string;
  set: string;
}

export const DEFAULT_AGAINST = 'agh,agh-lns,highs';

const SETS = INSTANCE_SETS.map((s) => `  ${s.name}: ${s.describe}; exact solvers without a time_limit_s get ${s.exact_time_limit_s} s`).join('\n');

export const compareCommand: CommandModule<object, Args> = {
  command: 'compare [solvers..]',
  describe: 'Compare solvers against reference solvers on a named instance set: one sweep, then win/tie/loss, gaps to the best known, SGM of times, performance profiles, anytime curves and a card per instance (compare.html)',
  builder: (y) =>
    withRunDirOptions(
      y
        .positional('solvers', { type: 'string', array: true, describe: 'Solver specs under test, e.g. mine agh:restarts=32 (comma lists work too)' })
        .option('against', { type: 'string', default: DEFAULT_AGAINST, describe: 'Comma-separated solver specs to compare with (the ones also under test are dropped)' })
        .option('set', { type: 'string', default: 'quick', choices: INSTANCE_SETS.map((s) => s.name), describe: 'Instance set (below)' })
        .epilogue([
          `Instance sets:\n${SETS}`,
          'Outputs in the run directory, beside the sweep (manifest.json, raw.csv, plans/, trajectories/) and its report.html:\n' +
            '  compare.html: win/tie/loss, a table per solver, the charts, a result card per instance\n' +
            '  compare-wtl.csv: wins, ties, losses of each solver against each --against solver\n' +
            '  compare-solvers.csv: instances, feasible plans, SGM of times (shift 10 s, 1 s), gaps, primal integral\n' +
            '  compare-instances.csv: per instance and solver, evaluator cost, gap and its kind, time\n' +
            '  charts/compare-profile-time, -profile-cost (Dolan–Moré), -anytime, -primal-integral',
          `Every cost is the evaluator's, never the solver's. A win is a feasible plan cheaper by more than a relative ${TIE_TOLERANCE.toExponential()}, or the only feasible plan; a tie is within that tolerance, or neither has a feasible plan. Gaps are "certified" against a proven optimum (of the best-known table, results/reference/best-known.csv, or an exact solve of the run), "≤" (an upper bound on the gap) against its lower bound, and "vs run best" where the table has no entry. The SGM charges a run without a feasible plan its time limit.`,
          'A comparison is an ordinary sweep (experiment "compare"): --resume DIR continues it (alone, with the grid it recorded), --shard and --sbatch split it, `alloc-bench merge` joins the shards and renders the comparison, `alloc-bench report DIR` re-renders it. Guide with a worked example: docs/compare.md.',
        ].join('\n\n'))
        .example('$0 compare mine --against agh --set tiny --out results/mine-vs-agh', 'a heuristic of yours against AGH on four tiny instances')
        .example('$0 compare agh-lns --set reference', 'agh-lns against agh and highs on the best-known instances, gaps certified where proven'),
    ) as Argv<Args>,
  handler: async (args) => {
    if (args.resume !== undefined && !args.solvers?.length) {
      const grid = gridOfRun(args.resume);
      await runFromArgs(args, grid, { name: COMPARE_EXPERIMENT });
    } else {
      const set = instanceSet(args.set);
      const solvers = (args.solvers ?? []).flatMap(splitSolverList);
      const against = splitSolverList(args.against);
      await runFromArgs(args, resolveGrid(compareGrid(solvers, against, set)), { name: `${COMPARE_EXPERIMENT}-${set.name}` });
    }
    const dir = args.resume ?? args.out;
    if (args.report && !args.shard && args.sbatch === undefined && dir) process.stderr.write(`comparison: ${join(dir, 'compare.html')}\n`);
  },
};
