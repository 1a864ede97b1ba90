import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../../solvers/problem/evaluator.ts';
import { tinyInstance, tinyPlan } from '../../../testing/problem-fixtures.ts';
import { runCli } from '../../../testing/child-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'alloc-bench-evaluate-'));
const instPath = join(dir, 'instance.json');
const planPath = join(dir, 'plan.json');
writeFileSync(instPath, JSON.stringify(tinyInstance()));
writeFileSync(planPath, JSON.stringify(tinyPlan()));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]) {
  return runCli(['evaluate', instPath, planPath, ...args]);
}

describe('alloc-bench evaluate --inflation', () => {
  it('prints the nominal evaluation and the stage-2 statistics, identically for the same seed', async () => {
    const args = ['--inflation', '1.2', '--scenarios', '50', '--seed', '3', '--json'];
    const first = await run(...args);
    expect(first.status, first.stderr).toBe(0);
    expect((await run(...args)).stdout).toBe(first.stdout);
    const out = JSON.parse(first.stdout);
    const nominal = evaluate(tinyInstance(), tinyPlan());
    expect(out.nominal.terms).toEqual(nominal.terms);
    expect(out.stage2).toMatchObject({ inflation: 1.2, scenarios: 50, seed: 3, slo_mode: 'average' });
    // Slower routes pay more delay penalty in every scenario; rental is as planned.
    expect(out.stage2.terms.delay_penalty_usd.p5).toBeGreaterThan(nominal.terms.delay_penalty_usd);
    expect(out.stage2.terms.rental_usd.mean).toBe(nominal.terms.rental_usd);
  });

  it('stays the nominal evaluation without --inflation', async () => {
    const out = await run('--json');
    expect(out.status, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual(JSON.parse(JSON.stringify(evaluate(tinyInstance(), tinyPlan()))));
  });

  it('refuses a plan made for another instance, naming both ids', async () => {
    const other = join(dir, 'other-plan.json');
    writeFileSync(other, JSON.stringify({ ...tinyPlan(), instance_id: 'I6-J6-K10-seed2-S1-average' }));
    const out = await runCli(['evaluate', instPath, other]);
    expect(out.status).toBe(2);
    expect(out.stderr).toBe(
      `alloc-bench: ${other}: instance_id: the plan is for "I6-J6-K10-seed2-S1-average" but ${instPath} is ${JSON.stringify(tinyInstance().meta.id)}; expected a plan made for this instance\n`,
    );
  });

  it('refuses more stage-2 scenarios than the documented bound (issue 26.1: 1e9 ran on without output)', async () => {
    const out = await run('--inflation', '1.5', '--scenarios', '1e9');
    expect(out.status).toBe(2);
    expect(out.stderr).toBe('alloc-bench: scenarios must be an integer from 1 to 10000; got 1000000000\n');
  });

  it('reports the progress of a long stage-2 run on stderr, keeping stdout the result (issue 26.1)', async () => {
    const out = await run('--inflation', '1.5', '--scenarios', '2500', '--json');
    expect(out.status, out.stderr).toBe(0);
    expect(out.stderr).toBe('stage 2: 1000/2500 scenarios\nstage 2: 2000/2500 scenarios\nstage 2: 2500/2500 scenarios\n');
    expect(JSON.parse(out.stdout).stage2.scenarios).toBe(2500);
  });

  it('rejects κ < 1 with exit code 2 and one line saying why', async () => {
    const out = await run('--inflation', '0.5');
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(/κ must be ≥ 1/);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
  });
});
