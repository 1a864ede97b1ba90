/**
 * Reads GLPK's branch-and-bound log (glpk.js and glpsol print the same one): the only place GLPK
 * reports the best bound, and the clearest statement of why the search stopped.
 */
import { relativeGap, type BackendResult, type ExactStatus } from './backend.ts';

export interface GlpkLogFacts {
  incumbent?: number;
  bound?: number;
  stop?: 'gap' | 'time' | 'no_integer' | 'no_primal';
}

// `+  1234: mip =  3.12e+02 >=  3.00e+02  4.0% (12; 0)`, `… >= tree is empty …`, `mip = not found yet >= …`
const PROGRESS = /^\+\s*\d+:\s+(?:mip|>>>>>)\s*=?\s*(not found yet|\S+)\s+>=\s+(tree is empty|\S+)/;
const num = (s: string) => (/^[-+]?[\d.]+(e[-+]?\d+)?$/i.test(s) ? Number(s) : undefined);

export function parseGlpkLog(log: string): GlpkLogFacts {
  const facts: GlpkLogFacts = {};
  for (const line of log.split('\n')) {
    const m = PROGRESS.exec(line.trim());
    if (m) {
      facts.incumbent = num(m[1]);
      // An empty tree means the search is complete: the incumbent is the bound.
      facts.bound = m[2] === 'tree is empty' ? facts.incumbent : num(m[2]);
    }
    if (line.includes('RELATIVE MIP GAP TOLERANCE REACHED')) facts.stop = 'gap';
    else if (line.includes('TIME LIMIT EXCEEDED')) facts.stop = 'time';
    else if (line.includes('PROBLEM HAS NO INTEGER FEASIBLE SOLUTION')) facts.stop = 'no_integer';
    else if (line.includes('PROBLEM HAS NO PRIMAL FEASIBLE SOLUTION')) facts.stop = 'no_primal';
  }
  return facts;
}

/** GLPK's solution state (glpk.js status codes 5/2/1/4; glpsol's `o`/`f`/`u`/`n`). */
export type GlpkSolutionState = 'optimal' | 'feasible' | 'undefined' | 'no_feasible';

/** Our status from GLPK's solution state and the log's reason for stopping. */
export function glpkStatus(state: GlpkSolutionState, facts: GlpkLogFacts): { status: ExactStatus; message?: string } {
  if (state === 'no_feasible' || facts.stop === 'no_integer' || facts.stop === 'no_primal') return { status: 'infeasible' };
  // Stopping at the relative gap tolerance is GLPK's "feasible", and our "optimal" (within the gap).
  if (state === 'optimal' || (state === 'feasible' && facts.stop === 'gap')) return { status: 'optimal' };
  if (facts.stop === 'time') return { status: state === 'feasible' ? 'time_limit_feasible' : 'time_limit_no_solution' };
  return { status: 'error', message: `GLPK stopped in state ${state} (${facts.stop ?? 'no reason in its log'})` };
}

/** Objective, bound and gap of a GLPK solution with an incumbent. */
export function glpkFigures(state: GlpkSolutionState, objective: number, facts: GlpkLogFacts): Pick<BackendResult, 'objective' | 'bound' | 'gap'> {
  const bound = facts.bound ?? (state === 'optimal' ? objective : undefined);
  return { objective, bound, gap: bound === undefined ? undefined : relativeGap(objective, bound) };
}
