import { describe, expect, it } from 'vitest';
import { evaluate } from '../problem/evaluator.ts';
import { parseGlpkLog } from './glpk-log.ts';
import { buildModel } from './model.ts';
import { toLpText } from './lp-format.ts';
import { onPath, readCbc, readGlpsol } from './native.ts';
import { cbcSolver, glpsolSolver, highsSolver } from './solvers.ts';
import { testInstance, tinyInstance } from '../../testing/exact-instances.ts';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));

describe('reading solver output', () => {
  const model = buildModel(tinyInstance(2, 'per-route', 'S1'));
  const [x, u] = [model.cols.find((c) => c.name.startsWith('x_'))!.name, model.cols.find((c) => c.name.startsWith('u_'))!.name];

  it('takes the bound from the last progress line of a GLPK log', () => {
    const log = [
      '+   120: mip =     not found yet >=   1.000000000e+02        (5; 0)',
      '+   800: >>>>>   3.000000000e+02 >=   2.000000000e+02  33.3% (12; 3)',
      'TIME LIMIT EXCEEDED; SEARCH TERMINATED',
    ].join('\n');
    expect(parseGlpkLog(log)).toEqual({ incumbent: 300, bound: 200, stop: 'time' });
    expect(parseGlpkLog('+  900: mip =   2.5e+02 >=     tree is empty   0.0% (0; 9)\nINTEGER OPTIMAL SOLUTION FOUND')).toEqual({ incumbent: 250, bound: 250 });
  });

  it('cbc: "infeasible" counts only when cbc ended before its time limit', () => {
    const said = 'Infeasible - objective value 3.00000000\n';
    expect(readCbc(model, 'Problem is infeasible - 0.00 seconds\n', said).status).toBe('infeasible');
    const atLimit = readCbc(model, 'Problem is infeasible - 88.1 seconds\n', said, true);
    expect(atLimit.status).toBe('time_limit_no_solution');
    expect(atLimit.message).toBe('cbc wrote "Infeasible - objective value 3.00000000" at its time limit: no proof of infeasibility');
    expect(readCbc(model, 'Cbc0020I Exiting on maximum time\n', said).status).toBe('time_limit_no_solution');
  });

  it('cbc: a time-out without an integer solution is no plan, whatever the file says (docs/exact.md trap)', () => {
    const r = readCbc(model, 'Result - Stopped on time limit\n', `Stopped on time (no integer solution - continuous used) - objective value 179.07\n      0 ${x}  0.5  0\n`);
    expect(r.status).toBe('time_limit_no_solution');
    expect(r.values).toBeUndefined();
    expect(r.objective).toBeUndefined();
  });

  it('cbc: a time-out with an incumbent gives its values, objective and the logged bound', () => {
    const r = readCbc(model, 'Objective value:  310.5\nLower bound:  300\nGap:  0.03\n', `Stopped on time - objective value 310.5\n      3 ${x}   0.25  0\n**   9 ${u}   0.75  1e-9\n`);
    expect(r).toMatchObject({ status: 'time_limit_feasible', objective: 310.5, bound: 300 });
    expect(r.gap).toBeCloseTo(10.5 / 310.5, 12);
    expect(r.values![model.cols.findIndex((c) => c.name === x)]).toBe(0.25);
    expect(r.values![model.cols.findIndex((c) => c.name === u)]).toBe(0.75);
  });

  it('cbc: stopped by our SIGINT at the time limit, it reports its incumbent as a time-limited plan', () => {
    // As cbc 2.10.8 writes them after SIGINT.
    const log = 'Result - User ctrl-cuser ctrl-c\n\nObjective value:                258.66608166\nLower bound:                    217.753\nGap:                            0.19\n';
    const r = readCbc(model, log, `Stopped on iterations - objective value 258.66608166\n      3 ${x}   0.25  0\n`);
    expect(r).toMatchObject({ status: 'time_limit_feasible', objective: 258.66608166, bound: 217.753 });
    expect(r.values![model.cols.findIndex((c) => c.name === x)]).toBe(0.25);
  });

  it('cbc: the first incumbent is the first integer solution, not the MIPStart line (its cost can be of the preprocessed model)', () => {
    const log = 'Cbc0045I MIPStart provided solution with cost 368.426\nCbc0012I Integer solution of 1184.9455 found by Reduced search after 0 iterations\n' +
      'Objective value:                1184.94553709\nLower bound:                    1063.244\n';
    const r = readCbc(model, log, `Stopped on time - objective value 1184.94553709\n      3 ${x}   0.25  0\n`);
    expect(r).toMatchObject({ status: 'time_limit_feasible', first_incumbent: 1184.9455, bound: 1063.244 });
    expect(readCbc(model, 'Cbc0045I MIPStart provided solution with cost 258.666\n', 'Optimal - objective value 258.66608166\n').first_incumbent).toBe(258.666);
  });

  it('glpsol: maps column numbers to names through the written problem', () => {
    const problem = `p mip min 1 2\nn j 1 ${u}\nn j 2 ${x}\n`;
    const solution = 's mip 1 2 o 12.5\ni 1 1\nj 1 0.4\nj 2 0.6\ne o f\n';
    const r = readGlpsol(model, 'INTEGER OPTIMAL SOLUTION FOUND\n', problem, solution);
    expect(r).toMatchObject({ status: 'optimal', objective: 12.5, bound: 12.5, gap: 0 });
    expect(r.values![model.cols.findIndex((c) => c.name === x)]).toBe(0.6);
  });

  it('glpsol: reads the LP solution format of a model without integer columns', () => {
    const problem = `p lp min 1 2\nn j 1 ${u}\nn j 2 ${x}\n`;
    const solution = 's bas 1 2 f f 7.25\ni 1 s 1 0\nj 1 b 0.25 0\nj 2 b 0.75 0\ne o f\n';
    const r = readGlpsol(model, 'OPTIMAL LP SOLUTION FOUND\n', problem, solution);
    expect(r).toMatchObject({ status: 'optimal', objective: 7.25, bound: 7.25 });
    expect(r.values![model.cols.findIndex((c) => c.name === u)]).toBe(0.25);
    expect(r.values![model.cols.findIndex((c) => c.name === x)]).toBe(0.75);
  });
});

const baseInstance = testInstance({ I: 6, J: 6, K: 10 }, 1, 'per-route');
const opts = { time_limit_s: 120, gap: 1e-4, seed: 1 };
let reference: ReturnType<typeof highsSolver.solve> | undefined;

describe.each([
  ['glpsol', glpsolSolver],
  ['cbc', cbcSolver],
])('native %s on the exported LP', (binary, solver) => {
  const installed = onPath(binary);
  it.skipIf(!installed)('reaches the same optimum as highs on (6,6,10) per-route', async () => {
    const inst = baseInstance;
    // the LP file the binary reads carries the key of variable names as comments
    expect(toLpText(buildModel(inst))).toMatch(/^\\ .*\n\\ Variable key/);
    reference ??= highsSolver.solve(inst, opts);
    const [ref, r] = [await reference, await solver.solve(inst, opts)];
    expect(r.status, r.message).toBe('optimal');
    const ev = evaluate(inst, r.plan!);
    expect(ev.feasible).toBe(true);
    expect(rel(r.solver_objective_usd!, ev.cost_usd)).toBeLessThan(1e-6);
    expect(rel(ev.cost_usd, evaluate(inst, ref.plan!).cost_usd)).toBeLessThanOrEqual(1e-4);
  });
});
