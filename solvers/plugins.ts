/**
 * Solvers from outside the repository: ALLOC_BENCH_SOLVER_MODULES lists module files (separated
 * like PATH) whose `solvers` export is an array of `Solver`s; the registry lists them after the
 * built-in ones. Child processes (isolated cells, sweep workers, warm starts) inherit the
 * environment, so they see the same list. The tests register their fault solvers this way.
 */
import { delimiter, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '../lib/errors.ts';
import type { Solver } from './solver.ts';

export const SOLVER_MODULES_ENV = 'ALLOC_BENCH_SOLVER_MODULES';

async function loadModule(file: string): Promise<Solver[]> {
  let mod: { solvers?: unknown };
  try {
    mod = await import(pathToFileURL(resolve(file)).href);
  } catch (err) {
    throw new InputError(`${SOLVER_MODULES_ENV}: cannot load ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const list = mod.solvers;
  const isSolver = (s: unknown) => typeof s === 'object' && s !== null && typeof (s as Solver).name === 'string' && typeof (s as Solver).solve === 'function';
  if (!Array.isArray(list) || !list.every(isSolver)) {
    throw new InputError(`${SOLVER_MODULES_ENV}: ${file} must export \`solvers\`, an array of Solver objects (name, solve, …)`);
  }
  return list as Solver[];
}

/** The solvers of every module named in the environment, in the order named. */
export async function loadPluginSolvers(env: NodeJS.ProcessEnv = process.env): Promise<Solver[]> {
  const files = (env[SOLVER_MODULES_ENV] ?? '').split(delimiter).filter(Boolean);
  return (await Promise.all(files.map(loadModule))).flat();
}

// Loaded once at start-up; a bad module is reported (as bad input) where the list is first used,
// so the CLI prints it like any other input error instead of failing at import time.
const loaded = await loadPluginSolvers().then((list) => ({ list }), (error: unknown) => ({ list: [] as Solver[], error }));

export function pluginSolvers(): readonly Solver[] {
  if ('error' in loaded) throw loaded.error;
  return loaded.list;
}
