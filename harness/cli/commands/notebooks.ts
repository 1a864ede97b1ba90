// `alloc-bench notebooks DIR... [--out notebooks] [--runs-dir PATH]`: a Jupyter notebook per run directory.
import type { Argv, CommandModule } from 'yargs';
import { writeNotebooks } from '../../report/notebooks.ts';

interface NotebooksArgs {
  dirs: string[];
  out: string;
  runsDir?: string;
}

/** Code hosts render large notebooks slowly or not at all. */
const LARGE_BYTES = 1024 * 1024;

export const notebooksCommand: CommandModule<object, NotebooksArgs> = {
  command: 'notebooks <dirs...>',
  describe: 'Write a Jupyter notebook (<experiment>.ipynb, outputs included) per run directory',
  builder: (y) =>
    y
      .positional('dirs', { type: 'string', array: true, demandOption: true, describe: 'Run directories (with summary.csv and charts/)' })
      .option('out', { type: 'string', default: 'notebooks', describe: 'Directory for the notebooks' })
      .option('runs-dir', {
        type: 'string',
        describe: 'Where the notebooks load the runs from, relative to --out: <runs-dir>/<run dir name> (default: each run directory\'s own path)',
      }) as Argv<NotebooksArgs>,
  // Async so that an InputError (not a run directory, no summary.csv) reaches the CLI's one-line error report.
  handler: async (args) => {
    for (const nb of writeNotebooks(args.dirs, args.out, args.runsDir)) {
      const large = nb.bytes > LARGE_BYTES ? ' — over 1 MB: code hosts may not render it' : '';
      process.stderr.write(`wrote ${nb.path} (${Math.round(nb.bytes / 1024)} KB)${large}\n`);
    }
  },
};
