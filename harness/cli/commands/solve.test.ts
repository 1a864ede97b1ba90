import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tinyInstance } from '../../../testing/exact-instances.ts';
import { evaluate } from '../../../solvers/problem/evaluator.ts';
import { loadPlan } from '../../../solvers/problem/schema.ts';
import { withHeadroom } from '../../../solvers/problem/headroom.ts';
import { getSolver, listSolvers, resolveOptions } from '../../../solvers/registry.ts';
import { parseSeconds } from './solve.ts';
import { runCli } from '../../../testing/child-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'alloc-bench-solve-'));
const instPath = join(dir, 'instance.json');
const inst = tinyInstance(3, 'average', 'S1');
writeFileSync(instPath, JSON.stringify(inst));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]) {
  return runCli(args);
}

describe('alloc-bench solve', () => {
  it('--json prints the status, the evaluator figures and the solver facts; --out writes the plan', async () => {
    const planPath = join(dir, 'plan.json');
    const out = await cli('solve', instPath, '--solver', 'highs', '--time-limit', '30s', '--gap', '0', '--out', planPath, '--json');
    expect(out.status, out.stderr).toBe(0);
    const r = JSON.parse(out.stdout);
    expect(r).toMatchObject({ solver: 'highs:gap=0,time_limit_s=30', status: 'optimal', feasible: true, gap: 0 });
    for (const key of ['solve_time_s', 'cost_usd', 'terms', 'bound_usd', 'solver_objective_usd', 'model_size']) expect(r[key]).not.toBeNull();
    const ev = evaluate(inst, loadPlan(planPath, inst));
    expect(r.cost_usd).toBe(ev.cost_usd);
    expect(r.terms).toEqual(ev.terms);
    expect(Math.abs(r.solver_objective_usd - ev.cost_usd) / ev.cost_usd).toBeLessThan(1e-6);
  });

  it('prints status, cost with its five terms, feasibility, bound, gap and time as text', async () => {
    const out = await cli('solve', instPath, '--solver', 'glpk', '--time-limit', '30');
    expect(out.status, out.stderr).toBe(0);
    for (const word of ['status      optimal', 'rental', 'model storage', 'token storage', 'delay penalty', 'unmet penalty', 'feasible    yes', 'bound', 'gap', 'time']) {
      expect(out.stdout).toContain(word);
    }
  });

  it('runs heuristics through the same command, skipping flags they have no option for', async () => {
    const heuristic = listSolvers().find((s) => s.kind === 'heuristic' && !('time_limit_s' in s.options));
    if (!heuristic) return;
    const out = await cli('solve', instPath, '--solver', heuristic.name, '--time-limit', '5', '--json');
    expect(out.status, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ solver: heuristic.name, bound_usd: null, model_size: null });
    expect(out.stderr).toContain('--time-limit ignored');
  });

  it('--headroom θ: the solver plans on delays, errors and work × (1 + θ); the plan is scored on the nominal instance', async () => {
    const planPath = join(dir, 'plan-headroom.json');
    const out = await cli('solve', instPath, '--solver', 'agh', '--headroom', '0.5', '--out', planPath, '--json');
    expect(out.status, out.stderr).toBe(0);
    const r = JSON.parse(out.stdout);
    const plan = loadPlan(planPath, inst);
    expect(r).toMatchObject({ headroom: 0.5, cost_usd: evaluate(inst, plan).cost_usd });
    const agh = getSolver('agh');
    const expected = (await agh.solve(withHeadroom(inst, 0.5), resolveOptions(agh, {}).options)).plan!;
    expect([plan.deployments, plan.routes, plan.unmet]).toEqual([expected.deployments, expected.routes, expected.unmet]);
    const text = await cli('solve', instPath, '--solver', 'agh', '--headroom', '0.5');
    expect(text.stdout).toContain('planned with headroom θ = 0.5 (scored on the nominal instance)');
  });

  it('rejects a bad time limit, solver or headroom with exit code 2 and one line', async () => {
    for (const args of [['--solver', 'glpk', '--time-limit', 'soon'], ['--solver', 'highs', '--time-limit', '3000000'], ['--solver', 'no-such-solver'], ['--solver', 'highs:colour=red'], ['--solver', 'agh', '--headroom', '-1'], ['--solver', 'agh', '--headroom', 'lots']]) {
      const out = await cli('solve', instPath, ...args);
      expect(out.status).toBe(2);
      expect(out.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('exits 3 when the solver itself fails (here: its binary is not on PATH)', async () => {
    const emptyPath = join(dir, 'empty-bin');
    mkdirSync(emptyPath, { recursive: true });
    const out = await runCli(['solve', instPath, '--solver', 'glpsol', '--json'], { env: { ...process.env, PATH: emptyPath } });
    expect(out.status, out.stderr).toBe(3);
    expect(JSON.parse(out.stdout)).toMatchObject({ solver: 'glpsol', status: 'error', plan_file: null, message: expect.stringMatching(/glpsol is not installed/) });
  });

  it('accepts 60 and 60s', async () => {
    expect(parseSeconds('60', '--time-limit')).toBe(60);
    expect(parseSeconds('2.5s', '--time-limit')).toBe(2.5);
    expect(() => parseSeconds('0', '--time-limit')).toThrow(/positive/);
  });
});

describe('alloc-bench export-lp and solvers', () => {
  it('export-lp writes an LP file that glpk/HiGHS-style readers expect', async () => {
    const lpPath = join(dir, 'model.lp');
    const out = await cli('export-lp', instPath, '--out', lpPath);
    expect(out.status, out.stderr).toBe(0);
    const text = readFileSync(lpPath, 'utf8');
    expect(text).toMatch(/^\\ .*\n\\ Variable key.*\n(\\ .*\n)+Minimize\n obj:/); // name, key of the variable names, model
    expect(text.endsWith('End\n')).toBe(true);
    expect(out.stderr).toMatch(/wrote .*model\.lp: \d+ rows, \d+ columns/);
  });

  it('solvers lists every registered solver with its options and defaults', async () => {
    const out = await cli('solvers', '--json');
    expect(out.status, out.stderr).toBe(0);
    const list = JSON.parse(out.stdout);
    expect(list.map((s: { name: string }) => s.name)).toEqual(listSolvers().map((s) => s.name));
    expect(list.find((s: { name: string }) => s.name === 'highs').options.time_limit_s.default).toBe(60);
  });
});
