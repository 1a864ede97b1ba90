// `alloc-bench run <preset>`: one experiment of docs/experiments.md (E1–E5), full or --quick.
import type { Argv, CommandModule } from 'yargs';
import { resolveGrid } from '../../sweep/grid.ts';
import { getPreset, PRESETS } from '../../experiments/presets.ts';
import { runFromArgs, withRunDirOptions, type RunDirArgs } from '../run-flags.ts';

interface Args extends RunDirArgs {
  preset: string;
  quick: boolean;
}

export const runCommand: CommandModule<object, Args> = {
  command: 'run <preset>',
  describe: `Run an experiment preset (${PRESETS.map((p) => p.name).join(', ')}) into a run directory: manifest.json, raw.csv, report`,
  builder: (y) =>
    withRunDirOptions(
      y
        .positional('preset', { type: 'string', demandOption: true, describe: PRESETS.map((p) => p.title).join('; ') })
        .option('quick', { type: 'boolean', default: false, describe: 'The minutes-long variant (fewer seeds, sizes, shorter time limits)' }),
    ) as Argv<Args>,
  handler: async (args) => {
    const preset = getPreset(args.preset);
    const grid = resolveGrid(args.quick ? preset.quick : preset.full);
    await runFromArgs(args, grid, { name: args.quick ? `${preset.name}-quick` : preset.name, preset: preset.name, quick: args.quick });
  },
};
