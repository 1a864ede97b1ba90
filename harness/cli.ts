// The `alloc-bench` command line: one yargs command module per file in ./commands.
import yargs from 'yargs';
import type { CommandModule } from 'yargs';
import { InputError } from '../solvers/problem/errors.ts';
import { tracesCommand } from './commands/traces.ts';
import { generateCommand } from './commands/generate.ts';
import { inspectCommand } from './commands/inspect.ts';
import { solversCommand } from './commands/solvers.ts';
import { solveCommand } from './commands/solve.ts';
import { evaluateCommand } from './commands/evaluate.ts';
import { exportLpCommand } from './commands/export-lp.ts';
import { boundCommand } from './commands/bound.ts';
import { benchCommand } from './commands/bench.ts';
import { runCommand } from './commands/run.ts';
import { sweepCommand } from './commands/sweep.ts';
import { mergeCommand } from './commands/merge.ts';
import { reportCommand } from './commands/report.ts';
import { notebooksCommand } from './commands/notebooks.ts';
import { startCommand } from './commands/start.ts';

// Each command module is listed once here; the order is the order of `--help`.
const commands: CommandModule<any, any>[] = [
  tracesCommand,
  generateCommand,
  inspectCommand,
  solversCommand,
  solveCommand,
  evaluateCommand,
  exportLpCommand,
  boundCommand,
  benchCommand,
  runCommand,
  sweepCommand,
  mergeCommand,
  reportCommand,
  notebooksCommand,
  startCommand,
];

export async function main(argv: string[]): Promise<void> {
  const cli = yargs(argv)
    .scriptName('alloc-bench')
    .strict()
    .demandCommand(1, 'Name a command (see --help).')
    .recommendCommands()
    .help()
    .wrap(Math.min(110, process.stdout.columns || 110))
    .fail((msg, err) => {
      if (err) throw err; // handled below
      process.stderr.write(`alloc-bench: ${msg}\nRun 'alloc-bench --help' for usage.\n`);
      process.exit(2);
    });
  for (const c of commands) cli.command(c);
  try {
    await cli.parseAsync();
  } catch (err) {
    // One clear line for user errors (bad flag, file, field); stack traces only for bugs.
    if (!(err instanceof InputError)) throw err;
    process.stderr.write(`alloc-bench: ${err.message}\n`);
    process.exit(2);
  }
}
