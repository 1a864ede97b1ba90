// `alloc-bench traces calibrate|download`: turn Azure trace CSVs into the profile that instance
// generation reads, and fetch the official CSVs.
import type { Argv, CommandModule } from 'yargs';
import { writeFileAtomic } from '../../../lib/files.ts';
import { printable } from '../errors.ts';
import { DATASETS, DEFAULT_TRACE_DIR, downloadTraces } from '../../../traces/download.ts';
import type { Dataset } from '../../../traces/download.ts';
import { calibrate } from '../../../traces/profile.ts';
import type { TraceProfile } from '../../../traces/profile.ts';

interface CalibrateArgs {
  csv: string[];
  out?: string;
  'skip-bad-rows': boolean;
  'allow-unordered': boolean;
}

interface DownloadArgs {
  dataset: Dataset;
  dir: string;
  'base-url'?: string;
}

const calibrateCommand: CommandModule<object, CalibrateArgs> = {
  command: 'calibrate <csv...>',
  describe: 'Profile Azure LLM inference trace CSVs into a calibration profile (docs/model.md §6)',
  builder: (y) =>
    y
      .positional('csv', { type: 'string', array: true, demandOption: true })
      .option('out', { type: 'string', describe: 'Write the profile bundle JSON here' })
      .option('skip-bad-rows', {
        type: 'boolean',
        default: false,
        describe: 'Count malformed rows instead of stopping at the first',
      })
      .option('allow-unordered', {
        type: 'boolean',
        default: false,
        describe: 'Keep rows dated before an earlier row (counted) instead of stopping at the first',
      }) as Argv<CalibrateArgs>,
  handler: async (args) => {
    // With no --out the JSON owns stdout, so the human summary goes to stderr.
    // File names and quoted rows may hold terminal escapes: made visible, as in error lines.
    const say = (s: string) => (args.out ? process.stdout : process.stderr).write(`${printable(s)}\n`);
    const bundle = await calibrate(args.csv, {
      skipBadRows: args['skip-bad-rows'],
      allowUnordered: args['allow-unordered'],
      onTraceRead: (_role, s) => {
        if (s.unordered_rows > 0) say(`${s.file}: kept ${s.unordered_rows} row(s) dated before an earlier row`);
        if (s.bad_rows === 0) return;
        say(`${s.file}: skipped ${s.bad_rows} bad row(s), e.g.`);
        for (const example of s.bad_examples) say(`  ${example}`);
      },
    });
    for (const [role, p] of Object.entries(bundle.traces)) say(summarize(role, p));
    const json = `${JSON.stringify(bundle, null, 2)}\n`;
    if (args.out) {
      writeFileAtomic(args.out, json);
      say(`wrote ${args.out}`);
    } else {
      process.stdout.write(json);
    }
  },
};

function summarize(role: string, p: TraceProfile): string {
  const c = p.context_tokens, g = p.generated_tokens, s = p.slices;
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  return [
    `${role} (${p.source}, ${p.schema_year} schema): ${p.requests} requests in ` +
      `${p.duration_s.toFixed(0)} s = ${p.rate_per_hour.toFixed(0)}/h`,
    `  context tokens mean ${c.mean} p50 ${c.p50}; generated mean ${g.mean} p50 ${g.p50}`,
    `  f/h slices: <0.1 ${pct(s.lt_0_1.share)}, 0.1–0.5 ${pct(s['0_1_to_0_5'].share)}, ` +
      `≥0.5 ${pct(s.ge_0_5.share)}`,
  ].join('\n');
}

const downloadCommand: CommandModule<object, DownloadArgs> = {
  command: 'download',
  describe: 'Download the official Azure trace CSVs (CC-BY 4.0)',
  builder: (y) =>
    y
      .option('dataset', { type: 'string', choices: DATASETS, default: '2023' as Dataset })
      .option('dir', { type: 'string', default: DEFAULT_TRACE_DIR })
      .option('base-url', { type: 'string', describe: 'Fetch from this mirror instead' }) as Argv<
      DownloadArgs
    >,
  handler: async (args) => {
    const written = await downloadTraces({
      dataset: args.dataset,
      dir: args.dir,
      baseUrl: args['base-url'],
      onFile: (url, dest) => process.stdout.write(`${url} -> ${dest}\n`),
      onNote: (line) => process.stderr.write(`note: ${line}\n`),
    });
    process.stdout.write(`downloaded ${written.length} file(s)\n`);
  },
};

export const tracesCommand: CommandModule = {
  command: 'traces <command>',
  describe: 'Calibrate profiles from Azure LLM inference traces, or download the traces',
  builder: (y) => y.command(calibrateCommand).command(downloadCommand).demandCommand(1),
  handler: () => {},
};
