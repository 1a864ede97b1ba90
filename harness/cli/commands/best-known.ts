// `alloc-bench best-known RUN...`: folds run directories into the best-known solutions table (harness/report/best-known.ts).
import type { Argv, CommandModule } from 'yargs';
import { BEST_KNOWN_PATH, updateBestKnown } from '../../report/best-known.ts';

interface Args {
  runs: string[];
  table: string;
}

export const bestKnownCommand: CommandModule<object, Args> = {
  command: 'best-known <runs..>',
  describe: 'Update the best-known solutions table from solve runs: per instance the cheapest feasible plan (copied beside the table) and the highest bound, with gap and whether it is proven (gap ≤ 1e-4); better entries are kept',
  builder: (y) =>
    y
      .positional('runs', { type: 'string', array: true, demandOption: true, describe: 'Run directories (their raw.csv, manifest.json and plans/)' })
      .option('table', { type: 'string', default: BEST_KNOWN_PATH, describe: 'The table to update (created if missing); plans go to best-known/ beside it' }) as Argv<Args>,
  handler: (args) => {
    const { changed, entries } = updateBestKnown(args.table, args.runs);
    process.stderr.write(`best-known: ${changed} entries improved, ${entries} in ${args.table}\n`);
  },
};
