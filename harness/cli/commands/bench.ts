// `alloc-bench bench`: time solvers (the heuristics by default) with tinybench on generated instances.
import type { Argv, CommandModule } from 'yargs';
import { parseSizes } from '../../../generators/sizes.ts';
import { InputError } from '../../../lib/errors.ts';
import { DEFAULT_BENCH_SIZES, DEFAULT_BENCH_SOLVERS, formatBenchTable, runBench } from '../../../bench/heuristics.ts';

interface BenchArgs {
  size?: string[];
  solver?: string[];
  seed: string;
  json: boolean;
}

export const benchCommand: CommandModule<object, BenchArgs> = {
  command: 'bench',
  describe: 'Time solvers with tinybench (warm-up, then mean / p50 / p99 / rme per solver and size)',
  builder: (y) =>
    y
      .option('size', { type: 'string', array: true, defaultDescription: DEFAULT_BENCH_SIZES.map((s) => `${s.I},${s.J},${s.K}`).join(' '), describe: 'I,J,K sizes (repeatable)' })
      .option('solver', { type: 'string', array: true, defaultDescription: DEFAULT_BENCH_SOLVERS.join(' '), describe: 'Solver specs, e.g. agh or agh:noM2 (repeatable)' })
      .option('seed', { type: 'string', default: '1', describe: 'Instance seed' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the rows as JSON' }) as Argv<BenchArgs>,
  handler: async (args) => {
    if (!/^\d+$/.test(args.seed)) throw new InputError(`--seed expects a non-negative integer; got ${JSON.stringify(args.seed)}`);
    const rows = await runBench({
      sizes: args.size?.map((s) => parseSizes(s)),
      solvers: args.solver,
      seed: Number(args.seed),
    });
    process.stdout.write(args.json ? `${JSON.stringify(rows, null, 2)}\n` : `${formatBenchTable(rows)}\n`);
  },
};
