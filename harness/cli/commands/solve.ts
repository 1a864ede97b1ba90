// `alloc-bench solve`: run any registered solver on an instance and report the evaluator's
// verdict on its plan. Solver-agnostic: exact back-ends and heuristics go through the same path.
import type { Argv, CommandModule } from 'yargs';
import { evaluate } from '../../../solvers/problem/evaluator.ts';
import { InputError } from '../../../lib/errors.ts';
import { checkHeadroom, withHeadroom } from '../../../solvers/problem/headroom.ts';
import { writeFileAtomic } from '../../../lib/files.ts';
import { loadInstance } from '../../../solvers/problem/schema.ts';
import { getSolver, parseSolverSpec } from '../../../solvers/registry.ts';
import type { SolveOptions } from '../../../solvers/solver.ts';
import { formatEvaluation, usd } from '../format.ts';
import { numberOrText } from '../flag-values.ts';

/** Exit code when the solver itself failed (status `error`); README, "Command line". */
export const EXIT_SOLVER_ERROR = 3;

interface Args {
  instance: string;
  solver: string;
  'time-limit'?: string;
  gap?: number;
  headroom?: string;
  out?: string;
  json: boolean;
}

/** `60` or `60s`, seconds. */
export function parseSeconds(text: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*s?\s*$/.exec(text);
  if (!m || Number(m[1]) <= 0) throw new InputError(`${flag} expects a positive number of seconds such as 60 or 60s; got ${JSON.stringify(text)}`);
  return Number(m[1]);
}

export const solveCommand: CommandModule<object, Args> = {
  command: 'solve <instance>',
  describe: 'Solve an instance with one solver; print its status and the evaluator\'s cost, terms and feasibility',
  builder: (y) =>
    y
      .positional('instance', { type: 'string', demandOption: true, describe: 'instance JSON' })
      .option('solver', { type: 'string', demandOption: true, describe: 'solver spec name[:opt=value,…], e.g. highs or agh:restarts=32 (see `alloc-bench solvers`)' })
      .option('time-limit', { type: 'string', describe: 'seconds (60 or 60s), for solvers with a time_limit_s option' })
      .option('gap', { type: 'number', describe: 'relative MIP gap, for solvers with a gap option' })
      .option('headroom', { type: 'string', defaultDescription: '0', describe: 'plan with headroom θ ≥ 0: the solver sees route delays, errors and work × (1 + θ); the plan is scored on the nominal instance' })
      .option('out', { type: 'string', describe: 'write the plan JSON here (atomically)' })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object instead of text' }) as Argv<Args>,
  // Async so that an InputError reaches the CLI's one-line error report (a sync throw escapes it).
  handler: async (args) => {
    const inst = loadInstance(args.instance);
    const name = args.solver.split(':', 1)[0].trim();
    const available = getSolver(name).options;
    // The flags are shorthands for the options of the same meaning, so that one command line
    // works for every solver; a solver without such an option goes without (and we say so).
    const overrides: SolveOptions = {};
    for (const [flag, key, value] of [
      ['--time-limit', 'time_limit_s', args['time-limit'] === undefined ? undefined : parseSeconds(args['time-limit'], '--time-limit')],
      ['--gap', 'gap', args.gap],
    ] as const) {
      if (value === undefined) continue;
      if (key in available) overrides[key] = value;
      else process.stderr.write(`note: ${flag} ignored: solver ${name} has no ${key} option\n`);
    }
    const spec = parseSolverSpec(args.solver, overrides);
    const headroom = args.headroom === undefined ? 0 : checkHeadroom(numberOrText(args.headroom), '--headroom');
    const result = await spec.solver.solve(withHeadroom(inst, headroom), spec.options);
    const ev = result.plan ? evaluate(inst, result.plan) : null;
    if (args.out && result.plan) writeFileAtomic(args.out, `${JSON.stringify({ ...result.plan, solver: spec.label }, null, 2)}\n`);

    if (args.json) {
      const out = {
        solver: spec.label,
        headroom,
        status: result.status,
        solve_time_s: result.wall_time_s,
        cost_usd: ev?.cost_usd ?? null,
        feasible: ev?.feasible ?? null,
        violated_families: ev?.violated_families ?? null,
        terms: ev?.terms ?? null,
        bound_usd: result.bound_usd ?? null,
        gap: result.gap ?? null,
        solver_objective_usd: result.solver_objective_usd ?? null,
        model_size: result.model_size ?? null,
        message: result.message ?? null,
        diagnostics: result.diagnostics ?? null,
        plan_file: args.out && result.plan ? args.out : null,
      };
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    } else {
      const lines = [`solver      ${spec.label}${headroom ? `, planned with headroom θ = ${headroom} (scored on the nominal instance)` : ''}`, `status      ${result.status}${result.message ? ` — ${result.message}` : ''}`];
      lines.push(ev ? formatEvaluation(ev, inst.system.horizon_h) : 'plan        none');
      if (result.bound_usd !== undefined) {
        lines.push(`bound       ${usd(result.bound_usd)} per ${inst.system.horizon_h} h horizon${result.gap !== undefined ? `   gap ${(100 * result.gap).toFixed(4)}%` : ''}`);
      }
      lines.push(`time        ${result.wall_time_s.toFixed(2)} s`);
      if (args.out && result.plan) lines.push(`plan        written to ${args.out}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    if (result.status === 'error') process.exitCode = EXIT_SOLVER_ERROR;
  },
};
