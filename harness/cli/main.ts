// The `alloc-bench` command line: one yargs command module per file in ./commands.
import yargs from 'yargs';
import type { CommandModule } from 'yargs';
import { InputError } from '../../lib/errors.ts';
import { EXIT_INPUT, printable, reportFailure } from './errors.ts';
import { tracesCommand } from './commands/traces.ts';
import { generateCommand } from './commands/generate.ts';
import { inspectCommand } from './commands/inspect.ts';
import { solversCommand } from './commands/solvers.ts';
import { solveCommand } from './commands/solve.ts';
import { evaluateCommand } from './commands/evaluate.ts';
import { exportLpCommand } from './commands/export-lp.ts';
import { boundCommand } from './commands/bound.ts';
import { bestKnownCommand } from './commands/best-known.ts';
import { benchCommand } from './commands/bench.ts';
import { runCommand } from './commands/run.ts';
import { sweepCommand } from './commands/sweep.ts';
import { compareCommand } from './commands/compare.ts';
import { newSolverCommand } from './commands/new-solver.ts';
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
  newSolverCommand,
  solveCommand,
  evaluateCommand,
  exportLpCommand,
  boundCommand,
  bestKnownCommand,
  benchCommand,
  runCommand,
  sweepCommand,
  compareCommand,
  mergeCommand,
  reportCommand,
  notebooksCommand,
  startCommand,
];

export async function main(argv: string[]): Promise<void> {
  const cli = yargs(joinNegativeValues(argv))
    .scriptName('alloc-bench')
    .strict()
    .demandCommand(1, 'Name a command (see --help).')
    .recommendCommands()
    .help()
    .wrap(Math.min(110, process.stdout.columns || 110))
    .fail((msg, err) => {
      if (err) throw err; // handled below
      process.stderr.write(`alloc-bench: ${printable(msg)}\nRun 'alloc-bench --help' for usage.\n`);
      process.exit(EXIT_INPUT);
    });
  for (const c of commands) cli.command(c);
  // getOptions (untyped in @types/yargs) lists the options of the command being run.
  const current = cli as unknown as { getOptions(): { array: string[] } };
  cli.middleware((args) => refuseRepeatedFlags(args, current.getOptions().array));
  try {
    await cli.parseAsync();
  } catch (err) {
    // One clear line for user and environment errors (bad flag, file, field, full disk); stack
    // traces only for bugs.
    process.exit(reportFailure(err, (text) => process.stderr.write(text)));
  }
}

/**
 * `--size -1,2,3` → `--size=-1,2,3`: a value that starts with a minus sign and a digit is the
 * flag's value (which the flag's own check then judges), not a cluster of short options.
 */
export function joinNegativeValues(argv: string[]): string[] {
  const out: string[] = [];
  for (const arg of argv) {
    const prev = out[out.length - 1];
    if (/^-\.?\d/.test(arg) && prev !== undefined && /^--[^=]+$/.test(prev) && !prev.startsWith('--no-')) out[out.length - 1] = `${prev}=${arg}`;
    else out.push(arg);
  }
  return out;
}

/** A flag that takes one value but was given more than once is an error, not a silent pick. */
function refuseRepeatedFlags(argv: Record<string, unknown>, arrayOptions: string[]): void {
  const arrays = new Set(arrayOptions);
  for (const [key, value] of Object.entries(argv)) {
    if (key === '_' || key === '$0' || arrays.has(key) || !Array.isArray(value) || /[A-Z]/.test(key)) continue;
    throw new InputError(`--${key} was given ${value.length} times; give it once`);
  }
}
