// `alloc-bench bound`: lower bounds on an instance's optimum at any size (solvers/exact/bound.ts).
import type { Argv, CommandModule } from 'yargs';
import { InputError } from '../../../lib/errors.ts';
import { MAX_TIME_LIMIT_S } from '../../../lib/isolate.ts';
import { lowerBounds } from '../../../solvers/exact/bound.ts';
import { loadInstance } from '../../../solvers/problem/schema.ts';

interface Args {
  instance: string;
  'lp-time-limit': string;
  'milp-bound'?: string;
  json: boolean;
}

const usd = (v: number) => `$${v.toFixed(2)}`;

export const boundCommand: CommandModule<object, Args> = {
  command: 'bound <instance>',
  describe: 'Lower bounds on the optimum: per-type relaxation, LP relaxation, a given MILP bound; prints the best',
  builder: (y) =>
    y
      .positional('instance', { type: 'string', demandOption: true, describe: 'instance JSON' })
      .option('lp-time-limit', { type: 'string', default: '60', describe: `seconds for the LP relaxation by column generation over layouts, 0 to ${MAX_TIME_LIMIT_S} (0: skip it); stopped early it is still a bound, below the LP` })
      .option('milp-bound', { type: 'string', describe: 'a proven MILP bound, a finite number of $ (e.g. an exact run\'s bound_usd)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the figures as JSON' }) as Argv<Args>,
  handler: async (args) => {
    const lpLimit = Number(args['lp-time-limit']);
    if (args['lp-time-limit'].trim() === '' || !(lpLimit >= 0 && lpLimit <= MAX_TIME_LIMIT_S)) {
      throw new InputError(`--lp-time-limit expects seconds from 0 to ${MAX_TIME_LIMIT_S}; got ${JSON.stringify(args['lp-time-limit'])}`);
    }
    const milp = args['milp-bound'] === undefined ? undefined : Number(args['milp-bound']);
    if (milp !== undefined && (args['milp-bound']!.trim() === '' || !Number.isFinite(milp))) {
      throw new InputError(`--milp-bound expects a finite number of $; got ${JSON.stringify(args['milp-bound'])}`);
    }
    const r = await lowerBounds(loadInstance(args.instance), lpLimit, milp);
    if (args.json) {
      process.stdout.write(`${JSON.stringify(r)}\n`);
      return;
    }
    const lines = [
      `per-type relaxation  ${usd(r.per_type_usd)}`,
      `LP relaxation        ${r.lp_usd !== undefined ? `${usd(r.lp_usd)}${r.lp_converged ? '' : ` (${r.lp_note})`}` : `– (${r.lp_note})`}`,
      ...(r.milp_usd !== undefined ? [`MILP bound (given)   ${usd(r.milp_usd)}`] : []),
      `best lower bound     ${usd(r.best_usd)}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  },
};
