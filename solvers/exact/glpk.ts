/**
 * glpk.js back-end (docs/exact.md): the synchronous Node build with presolve on (off silently breaks
 * MIPs). glpk.js returns no bound, so its log is captured — it prints through `console.log`,
 * which the factory binds when called, hence the swap around `GLPK()` — and read for the bound.
 */
import GLPK from 'glpk.js/node';
import type { LP } from 'glpk.js/node';
import { secondsLeft, valuesByName, type Backend, type BackendResult } from './backend.ts';
import { glpkFigures, glpkStatus, parseGlpkLog, type GlpkSolutionState } from './glpk-log.ts';
import type { MilpModel } from './model.ts';

type Glpk = Awaited<ReturnType<typeof GLPK>>;

export const solveWithGlpk: Backend = async (model, opts) => {
  const log: string[] = [];
  const print = console.log;
  console.log = (...parts: unknown[]) => void log.push(parts.join(' '));
  let glpk: Glpk;
  try {
    glpk = await GLPK();
  } finally {
    console.log = print;
  }
  const lp = toGlpkLp(glpk, model);
  const out = glpk.solve(lp, {
    presol: true,
    msglev: glpk.GLP_MSG_ALL,
    tmlim: secondsLeft(opts),
    mipgap: opts.gap,
  }).result;
  const facts = parseGlpkLog(log.join('\n'));
  const states: Record<number, GlpkSolutionState> = {
    [glpk.GLP_OPT]: 'optimal',
    [glpk.GLP_FEAS]: 'feasible',
    [glpk.GLP_NOFEAS]: 'no_feasible',
  };
  const state = states[out.status] ?? 'undefined';
  const result: BackendResult = { ...glpkStatus(state, facts), bound: facts.bound };
  if (result.status === 'optimal' || result.status === 'time_limit_feasible') {
    Object.assign(result, glpkFigures(state, out.z, facts), { values: valuesByName(model, (name) => out.vars[name]) });
  }
  return result;
};

function toGlpkLp(glpk: Glpk, model: MilpModel): LP {
  const names = model.cols.map((c) => c.name);
  return {
    name: model.name,
    objective: {
      direction: glpk.GLP_MIN,
      name: 'obj',
      vars: model.cols.flatMap((c) => (c.cost !== 0 ? [{ name: c.name, coef: c.cost }] : [])),
    },
    subjectTo: model.rows.map((row) => ({
      name: row.name,
      vars: row.cols.map((col, n) => ({ name: names[col], coef: row.coefs[n] })),
      bnds: { type: row.sense === '=' ? glpk.GLP_FX : glpk.GLP_UP, lb: row.rhs, ub: row.rhs },
    })),
    bounds: model.cols
      .filter((c) => c.kind !== 'binary')
      .map((c) => ({ name: c.name, type: c.lb === c.ub ? glpk.GLP_FX : glpk.GLP_DB, lb: c.lb, ub: c.ub })),
    generals: model.cols.filter((c) => c.kind === 'integer').map((c) => c.name),
    binaries: model.cols.filter((c) => c.kind === 'binary').map((c) => c.name),
  };
}
