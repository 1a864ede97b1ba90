import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lpRelaxationBound, perTypeBound } from '../../../solvers/exact/bound.ts';
import { tinyInstance } from '../../../testing/exact-instances.ts';
import { runCli } from '../../../testing/child-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'alloc-bench-bound-'));
const instPath = join(dir, 'instance.json');
const inst = tinyInstance(2, 'average', 'S2');
writeFileSync(instPath, JSON.stringify(inst));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (...args: string[]) => runCli(['bound', instPath, ...args]);

describe('alloc-bench bound', () => {
  it('reports the per-type and LP relaxations and a given MILP bound, and the best of them', async () => {
    const out = await run('--json', '--milp-bound', '1');
    expect(out.status, out.stderr).toBe(0);
    const r = JSON.parse(out.stdout);
    expect(r.per_type_usd).toBeCloseTo(perTypeBound(inst), 9);
    expect(r.lp_usd).toBeGreaterThanOrEqual(r.per_type_usd);
    // Column generation converged: the full LP's value (HiGHS on the whole model), from below.
    expect(r.lp_converged).toBe(true);
    const lp = (await lpRelaxationBound(inst, 60))!;
    expect(r.lp_usd).toBeLessThanOrEqual(lp + 1e-9 * lp);
    expect(r.lp_usd).toBeGreaterThanOrEqual(lp - 1e-4 * lp);
    expect(r.milp_usd).toBe(1);
    expect(r.best_usd).toBe(Math.max(r.per_type_usd, r.lp_usd, 1));
  });

  it('refuses a time limit or MILP bound that is not a number in range, with exit 2 and one line (issue 28)', async () => {
    const cases: [string[], RegExp][] = [
      [['--lp-time-limit', '-1'], /--lp-time-limit expects seconds from 0 to 604800; got "-1"/],
      [['--lp-time-limit', 'abc'], /--lp-time-limit expects seconds from 0 to 604800; got "abc"/],
      [['--lp-time-limit', '3000000'], /--lp-time-limit expects seconds from 0 to 604800; got "3000000"/],
      [['--milp-bound', 'NaN'], /--milp-bound expects a finite number of \$; got "NaN"/],
      [['--milp-bound', '1e400'], /--milp-bound expects a finite number of \$; got "1e400"/],
    ];
    const outs = await Promise.all(cases.map(([args]) => run(...args)));
    outs.forEach((out, n) => {
      expect(out.status, out.stderr).toBe(2);
      expect(out.stderr).toMatch(cases[n][1]);
      expect(out.stderr.trim().split('\n')).toHaveLength(1);
    });
  });

  it('skips the LP with --lp-time-limit 0 and says so in the table', async () => {
    const out = await run('--lp-time-limit', '0');
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^LP relaxation +– \(skipped\)$/m);
    expect(out.stdout).toMatch(/^best lower bound +\$\d+\.\d\d$/m);
  });
});
