// `alloc-bench merge`: shards of one grid → the rows of the unsharded run (harness/sweep/merge.ts).
import type { Argv, CommandModule } from 'yargs';
import { mergeRuns } from '../../sweep/merge.ts';
import { renderRunReport } from '../render-report.ts';

interface Args {
  dirs: string[];
  out: string;
  report: boolean;
  force: boolean;
}

export const mergeCommand: CommandModule<object, Args> = {
  command: 'merge <dirs..>',
  describe: 'Merge the run directories of the shards of one grid into one run directory',
  builder: (y) =>
    y
      .positional('dirs', { type: 'string', array: true, demandOption: true, describe: 'Shard run directories' })
      .option('out', { type: 'string', demandOption: true, describe: 'Merged run directory (must not exist or be empty)' })
      .option('report', { type: 'boolean', default: true, describe: 'Render the report of the merged run' })
      .option('force', { type: 'boolean', default: false, describe: 'Merge a shard given twice or shards run from different commits anyway (with a warning)' }) as Argv<Args>,
  handler: async (args) => {
    const m = await mergeRuns(args.dirs, args.out, process.argv.slice(2), { force: args.force });
    if (args.report) await renderRunReport(args.out);
    process.stderr.write(`merged ${args.dirs.length} runs: ${m.cells_done} cells in ${args.out}\n`);
  },
};
