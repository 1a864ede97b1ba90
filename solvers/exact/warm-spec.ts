/**
 * A warm start names a heuristic by spec (`highs:warm=agh`); it is resolved against the built-in and
 * plugged-in heuristics only, so the exact side never imports the registry that lists it.
 */
import { HEURISTICS } from '../heuristics/index.ts';
import { pluginSolvers } from '../plugins.ts';
import { parseSpec, type SolverSpec } from '../solver-spec.ts';

export function parseWarmSpec(spec: string): SolverSpec {
  return parseSpec(spec, [...HEURISTICS, ...pluginSolvers().filter((s) => s.kind === 'heuristic')]);
}
