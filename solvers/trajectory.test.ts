import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateInstance } from '../generators/instance.ts';
import { DEFAULT_PROFILE_PATH, loadProfileBundle } from '../traces/profile.ts';
import { cbcTrajectory } from './exact/native.ts';
import { evaluate } from './problem/evaluator.ts';
import { parseSolverSpec } from './registry.ts';
import { TrajectoryRecorder, type TrajectoryFile } from './trajectory.ts';

const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('TrajectoryRecorder', () => {
  it('keeps improvements only: falling incumbents, rising bounds, merged when at the same time', () => {
    const r = new TrajectoryRecorder();
    r.incumbentAt(100, 0.5);
    r.incumbentAt(100, 0.6); // no improvement
    r.incumbentAt(120, 0.7); // worse
    r.boundAt(50, 1);
    r.incumbentAt(90, 1); // same time as the bound: one point
    r.boundAt(40, 2); // lower bound fell: not recorded
    r.boundAt(80, 3);
    expect(r.points).toEqual([
      { t_s: 0.5, incumbent_usd: 100 },
      { t_s: 1, bound_usd: 50, incumbent_usd: 90 },
      { t_s: 3, bound_usd: 80 },
    ]);
  });
});

describe("cbc's log as a trajectory", () => {
  it('reads incumbents and bounds with their times, and skips lines without a time', () => {
    const log = [
      'Cbc0012I Integer solution of 1185.5 found by DiveCoefficient after 120 iterations and 0 nodes (0.85 seconds)',
      'Cbc0031I 12 added rows had average density of 4.5',
      'Cbc0010I After 0 nodes, 1 on tree, 1185.5 best solution, best possible 1100.25 (1.20 seconds)',
      'Cbc0004I Integer solution of 1170 found after 400 iterations and 12 nodes (2.50 seconds)',
      'Cbc0010I After 100 nodes, 3 on tree, 1170 best solution, best possible 1150 (4.00 seconds)',
      'Integer solution of 1 found somewhere without a time',
    ].join('\n');
    expect(cbcTrajectory(log)).toEqual([
      { t_s: 0.85, incumbent_usd: 1185.5 },
      { t_s: 1.2, bound_usd: 1100.25 },
      { t_s: 2.5, incumbent_usd: 1170 },
      { t_s: 4, bound_usd: 1150 },
    ]);
  });
});

describe('agh-lns trajectory and the sweep\'s trajectory files', () => {
  const inst = generateInstance({ sizes: { I: 3, J: 4, K: 5 }, seed: 1, scenario: 'S1', sloMode: 'average', profile: loadProfileBundle(DEFAULT_PROFILE_PATH), profileName: 'test' });

  it('agh-lns records its best cost falling over time, ending at the cost of the plan it returns', async () => {
    const { solver, options } = parseSolverSpec('agh-lns');
    const r = await solver.solve(inst, options);
    const points = r.trajectory!;
    expect(points.length).toBeGreaterThan(0);
    for (let n = 1; n < points.length; n++) {
      expect(points[n].t_s).toBeGreaterThanOrEqual(points[n - 1].t_s);
      expect(points[n].incumbent_usd!).toBeLessThan(points[n - 1].incumbent_usd!);
    }
    const last = points[points.length - 1];
    expect(last.t_s).toBeLessThanOrEqual(r.wall_time_s + 1e-6);
    // the last incumbent is the returned plan, as the evaluator scores it
    expect(last.incumbent_usd!).toBeCloseTo(evaluate(inst, r.plan!).cost_usd, 6);
  });

  it('HiGHS records its incumbents and bound from its callbacks: the last incumbent is its objective, the bound stays below it', async () => {
    const { solver, options } = parseSolverSpec('highs:time_limit_s=20');
    const r = await solver.solve(inst, options);
    expect(r.status).toBe('optimal');
    const incumbents = r.trajectory!.filter((p) => p.incumbent_usd !== undefined);
    expect(incumbents.length).toBeGreaterThan(0);
    expect(incumbents[incumbents.length - 1].incumbent_usd!).toBeCloseTo(r.solver_objective_usd!, 6);
    for (const p of r.trajectory!) if (p.bound_usd !== undefined) expect(p.bound_usd).toBeLessThanOrEqual(r.solver_objective_usd! * (1 + 1e-6));
    // on the solve's clock, after the model build, within the row's time
    expect(r.trajectory![0].t_s).toBeGreaterThan(0);
    expect(r.trajectory![r.trajectory!.length - 1].t_s).toBeLessThanOrEqual(r.wall_time_s);
  });

  it('a sweep cell writes trajectories/<cell key>.json for a solver that records one, and none for one that does not', async () => {
    const { resolveGrid, expandGrid } = await import('../harness/sweep/grid.ts');
    const { runCell } = await import('../harness/sweep/cell.ts');
    const dir = mkdtempSync(join(tmpdir(), 'trajectory-test-'));
    temps.push(dir);
    const grid = resolveGrid({ experiment: 'compare', sizes: ['3,4,5'], seeds: [1], solvers: ['agh-lns', 'gh'] });
    const cells = expandGrid(grid.config);
    for (const cell of cells) await runCell({ experiment: 'compare', profilePath: grid.profilePath, cell, trajectoryDir: dir });
    const lns = cells.find((c) => c.config.kind === 'solve' && c.config.solver.name === 'agh-lns')!;
    expect(readdirSync(dir)).toEqual([`${lns.key}.json`]);
    const file = JSON.parse(readFileSync(join(dir, `${lns.key}.json`), 'utf8')) as TrajectoryFile;
    expect(file).toMatchObject({ schema: 'llm-alloc-bench/trajectory@1', cell_key: lns.key, instance_id: inst.meta.id, solver_label: 'agh-lns' });
    expect(file.points.length).toBeGreaterThan(0);
    expect(Object.keys(file.points[0]).sort()).toEqual(['incumbent_usd', 't_s']);
  });
});
