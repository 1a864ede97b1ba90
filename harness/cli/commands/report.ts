// `alloc-bench report DIR`: re-renders a run's summary.csv, charts and report.html from its CSVs.
import type { Argv, CommandModule } from 'yargs';
import { renderReport } from '../../report/report.ts';
import { withRunLock } from '../../sweep/run-lock.ts';

interface ReportArgs {
  dir: string;
}

export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report <dir>',
  describe: "Re-render a run directory's summary.csv, charts/ and report.html from its manifest.json and raw.csv",
  builder: (y) => y.positional('dir', { type: 'string', demandOption: true, describe: 'Run directory' }) as Argv<ReportArgs>,
  // Async so that an InputError (not a run directory, foreign raw.csv) reaches the CLI's one-line error report.
  handler: async (args) => {
    const out = await withRunLock(args.dir, process.argv.slice(2), () => renderReport(args.dir));
    process.stderr.write(`wrote ${out.summary}, ${out.charts.length} charts, ${out.html}\n`);
  },
};
