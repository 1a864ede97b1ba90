// `alloc-bench export-lp`: the reduced MILP of an instance as a CPLEX LP file that glpsol, cbc
// and HiGHS all read.
import type { Argv, CommandModule } from 'yargs';
import { toLpText } from '../../../solvers/exact/lp-format.ts';
import { buildModel, modelSize } from '../../../solvers/exact/model.ts';
import { writeFileAtomic } from '../../../lib/files.ts';
import { loadInstance } from '../../../solvers/problem/schema.ts';

interface Args {
  instance: string;
  out?: string;
}

export const exportLpCommand: CommandModule<object, Args> = {
  command: 'export-lp <instance>',
  describe: 'Write the instance\'s MILP (after model reduction) in CPLEX LP format',
  builder: (y) =>
    y
      .positional('instance', { type: 'string', demandOption: true, describe: 'instance JSON' })
      .option('out', { type: 'string', describe: 'write the LP file here (default: stdout)' }) as Argv<Args>,
  handler: async (args) => {
    const model = buildModel(loadInstance(args.instance));
    const text = toLpText(model);
    if (!args.out) {
      process.stdout.write(text);
      return;
    }
    writeFileAtomic(args.out, text);
    const s = modelSize(model);
    process.stderr.write(`wrote ${args.out}: ${s.rows} rows, ${s.cols} columns (${s.integer_cols} integer, ${s.binary_cols} binary), ${s.nonzeros} nonzeros\n`);
  },
};
