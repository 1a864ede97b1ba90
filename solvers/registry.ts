/**
 * The one list of solvers: the built-in heuristics, the exact back-ends, then any plugged in
 * through ALLOC_BENCH_SOLVER_MODULES (`plugins.ts`). The CLI, the harness and the conformance
 * suite read it; adding a built-in solver is one file exporting a `Solver` plus one line in
 * `heuristics/index.ts`. Spec strings (`agh:restarts=32`) are parsed by `solver-spec.ts`.
 */
import { EXACT_SOLVERS } from './exact/solvers.ts';
import { HEURISTICS } from './heuristics/index.ts';
import { InputError } from '../lib/errors.ts';
import { pluginSolvers, SOLVER_MODULES_ENV } from './plugins.ts';
import type { Solver, SolveOptions } from './solver.ts';
import { findSolver, parseSpec, splitSpecList, type SolverSpec } from './solver-spec.ts';

export { resolveOptions, type SolverSpec } from './solver-spec.ts';

let solvers: readonly Solver[] | undefined;

export function listSolvers(): readonly Solver[] {
  if (!solvers) {
    const all = [...HEURISTICS, ...EXACT_SOLVERS, ...pluginSolvers()];
    const taken = all.find((s, i) => all.findIndex((t) => t.name === s.name) < i);
    if (taken) throw new InputError(`${SOLVER_MODULES_ENV}: a plugged-in solver is named ${JSON.stringify(taken.name)}, which is taken; rename it`);
    solvers = all;
  }
  return solvers;
}

export function getSolver(name: string): Solver {
  return findSolver(name, listSolvers());
}

/** Parses `name[:opt[=value],…]`, checks every option against the solver's schema, fills defaults. */
export function parseSolverSpec(spec: string, overrides: SolveOptions = {}): SolverSpec {
  return parseSpec(spec, listSolvers(), overrides);
}

/** Splits `--solvers gh,agh:noM1,noM2,highs:time_limit_s=30` into specs (see `splitSpecList`). */
export function splitSolverList(text: string): string[] {
  return splitSpecList(text, listSolvers());
}
