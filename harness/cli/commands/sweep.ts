// `alloc-bench sweep`: an ad-hoc solve grid from flags and/or a JSON config (harness/sweep/grid.ts).
import type { Argv, CommandModule } from 'yargs';
import { gridOfRun } from '../../sweep/manifest.ts';
import { readGridFile, resolveGrid, splitSolverList, type GridInput } from '../../sweep/grid.ts';
import { runFromArgs, withRunDirOptions, type RunDirArgs } from '../run-flags.ts';
import { numberOrText } from '../flag-values.ts';

interface Args extends RunDirArgs {
  config?: string;
  sizes?: string[];
  seeds?: string;
  scenarios?: string;
  'slo-modes'?: string;
  solvers?: string[];
  headrooms?: string;
  inflations?: string;
  'stage2-scenarios'?: string;
  'stage2-seed'?: string;
}

export const sweepCommand: CommandModule<object, Args> = {
  command: 'sweep',
  describe: 'Run a grid of sizes × seeds × scenarios × SLO modes × solvers × headrooms (× inflations) from flags or --config grid.json; --resume DIR alone continues a run with the grid its manifest recorded',
  builder: (y) =>
    withRunDirOptions(
      y
        .option('config', { type: 'string', describe: 'JSON grid (harness/sweep/grid.ts: GridInput); flags override its top-level fields' })
        .option('sizes', { type: 'string', array: true, describe: 'I,J,K triples, e.g. --sizes 6,6,10 10,10,10' })
        .option('seeds', { type: 'string', describe: 'Instance seeds, e.g. 1,2' })
        .option('scenarios', { type: 'string', describe: 'S1…S5, e.g. S1,S3 (default S1)' })
        .option('slo-modes', { type: 'string', describe: 'average and/or per-route (default average)' })
        .option('solvers', { type: 'string', array: true, describe: 'Solver specs, e.g. gh,agh:noM2,highs:time_limit_s=30' })
        .option('headrooms', { type: 'string', describe: 'Planning headrooms θ ≥ 0, e.g. 0,0.1,0.25,0.5: each solver also plans on delays, errors and work × (1 + θ) (default 0)' })
        .option('inflations', { type: 'string', describe: 'Stage-2 inflations κ, e.g. 1,1.5 (default: no stage 2)' })
        .option('stage2-scenarios', { type: 'string', describe: 'Stage-2 scenarios S (default 200)' })
        .option('stage2-seed', { type: 'string', describe: 'Stage-2 sampler seed (default 1)' }),
    ) as Argv<Args>,
  handler: async (args) => {
    const gridFlags = [args.config, args.sizes, args.seeds, args.scenarios, args['slo-modes'], args.solvers, args.headrooms, args.inflations, args['stage2-scenarios'], args['stage2-seed']];
    if (args.resume !== undefined && gridFlags.every((f) => f === undefined)) {
      // `sweep --resume DIR` alone: the grid the run recorded.
      const grid = gridOfRun(args.resume);
      await runFromArgs(args, grid, { name: grid.config.experiment });
      return;
    }
    const input: GridInput = args.config ? readGridFile(args.config) : {};
    const list = (text: string) => text.split(',').map((t) => t.trim()).filter(Boolean);
    if (args.sizes) input.sizes = args.sizes;
    if (args.seeds) input.seeds = list(args.seeds).map(numberOrText);
    if (args.scenarios) input.scenarios = list(args.scenarios);
    if (args['slo-modes']) input.slo_modes = list(args['slo-modes']);
    if (args.solvers) input.solvers = args.solvers.flatMap(splitSolverList);
    if (args.headrooms) input.headrooms = list(args.headrooms).map(numberOrText);
    if (args.inflations) input.inflations = list(args.inflations).map(numberOrText);
    const s2 = { ...input.stage2 };
    if (args['stage2-scenarios']) s2.scenarios = numberOrText(args['stage2-scenarios']);
    if (args['stage2-seed']) s2.seed = numberOrText(args['stage2-seed']);
    if (Object.keys(s2).length) input.stage2 = s2;
    await runFromArgs(args, resolveGrid(input), { name: input.experiment ?? 'sweep' });
  },
};
