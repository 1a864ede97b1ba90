// `alloc-bench compare` end to end on the tiny set with two heuristics: the run, its files and its
// figures, checked against what the test computes by hand from the run's raw.csv.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../testing/child-process.ts';

const tmp = mkdtempSync(join(tmpdir(), 'alloc-bench-compare-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const csv = (path: string) => parse(readFileSync(path, 'utf8'), { columns: true }) as Record<string, string>[];

describe('alloc-bench compare', () => {
  const out = join(tmp, 'run');

  it('runs the solvers under test and the --against ones on the set, and reports win/tie/loss, SGM and profiles', async () => {
    const r = await runCli(['compare', 'cheapest', '--against', 'gh', '--set', 'tiny', '--out', out, '--jobs', '1']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`comparison: ${join(out, 'compare.html')}`);
    const raw = csv(join(out, 'raw.csv'));
    // 4 tiny instances × 2 solvers
    expect(raw).toHaveLength(8);
    expect(new Set(raw.map((x) => x.experiment))).toEqual(new Set(['compare']));

    // win/tie/loss by hand from raw.csv's evaluator costs
    const cost = (id: string, solver: string) => {
      const row = raw.find((x) => x.instance_id === id && x.solver_label === solver)!;
      return row.feasible === 'true' ? Number(row.cost_usd) : Infinity;
    };
    const ids = [...new Set(raw.map((x) => x.instance_id))];
    const tally = { wins: 0, ties: 0, losses: 0 };
    for (const id of ids) {
      const [a, b] = [cost(id, 'cheapest'), cost(id, 'gh')];
      if (a === b || Math.abs(a - b) <= 1e-6 * Math.max(a, b)) tally.ties++;
      else if (a < b) tally.wins++;
      else tally.losses++;
    }
    expect(csv(join(out, 'compare-wtl.csv'))).toEqual([{ solver: 'cheapest', against: 'gh', instances: '4', wins: String(tally.wins), ties: String(tally.ties), losses: String(tally.losses) }]);

    // SGM (shift 1 s) by hand from raw.csv's times; cheapest claims feasibility, so every run counts its own time
    const solvers = csv(join(out, 'compare-solvers.csv'));
    const times = raw.filter((x) => x.solver_label === 'cheapest').map((x) => Number(x.solve_time_s));
    const sgm1 = Math.exp(times.reduce((s, t) => s + Math.log(t + 1), 0) / times.length) - 1;
    expect(Number(solvers.find((s) => s.solver === 'cheapest')!.sgm1_s)).toBeCloseTo(sgm1, 9);
    // summary.csv has the same SGM (one group per size there: check the columns exist and are numbers)
    const summary = csv(join(out, 'summary.csv'));
    for (const s of summary) expect(Number(s.solve_time_sgm1_s)).toBeGreaterThan(0);

    // performance profiles, anytime and primal-integral charts; a card per instance
    const charts = readdirSync(join(out, 'charts')).filter((f) => f.endsWith('.svg')).sort();
    expect(charts).toEqual(['compare-anytime.svg', 'compare-primal-integral.svg', 'compare-profile-cost.svg', 'compare-profile-time.svg']);
    const html = readFileSync(join(out, 'compare.html'), 'utf8');
    expect(html.match(/<div class="card">/g)).toHaveLength(4);
    for (const id of ids) expect(html).toContain(`<h3>${id}</h3>`);
    expect(html).toContain('Comparison: cheapest against gh');
    // neither heuristic records a trajectory
    expect(existsSync(join(out, 'trajectories'))).toBe(true);
    expect(readdirSync(join(out, 'trajectories'))).toEqual([]);
  }, 120_000);

  it('--resume DIR alone continues with the grid it recorded (nothing left) and renders the comparison again', async () => {
    rmSync(join(out, 'compare.html'));
    const r = await runCli(['compare', '--resume', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('8/8 cells');
    expect(existsSync(join(out, 'compare.html'))).toBe(true);
  }, 120_000);

  it('shards and merges like any sweep: the merged run has every shard\'s trajectory files and its comparison', async () => {
    const shards = [1, 2].map((i) => join(tmp, `shard${i}`));
    for (const [n, dir] of shards.entries()) {
      const r = await runCli(['compare', 'agh-lns', '--against', 'gh', '--set', 'tiny', '--shard', `${n + 1}/2`, '--out', dir, '--jobs', '1']);
      expect(r.status, r.stderr).toBe(0);
    }
    const merged = join(tmp, 'merged');
    const m = await runCli(['merge', ...shards, '--out', merged]);
    expect(m.status, m.stderr).toBe(0);
    // agh-lns records a trajectory on each of the 4 instances; gh none
    const files = shards.flatMap((d) => readdirSync(join(d, 'trajectories')).map((f) => [d, f]));
    expect(files).toHaveLength(4);
    expect(readdirSync(join(merged, 'trajectories')).sort()).toEqual(files.map(([, f]) => f).sort());
    for (const [d, f] of files) expect(readFileSync(join(merged, 'trajectories', f), 'utf8')).toBe(readFileSync(join(d, 'trajectories', f), 'utf8'));
    expect(csv(join(merged, 'compare-wtl.csv'))[0]).toMatchObject({ solver: 'agh-lns', against: 'gh', instances: '4' });
  }, 120_000);

  it('refuses an unknown set and a bad solver with one line (exit 2)', async () => {
    const bad = await runCli(['compare', 'nope', '--set', 'tiny', '--out', join(tmp, 'bad')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/nope/);
    const set = await runCli(['compare', 'gh', '--set', 'huge']);
    expect(set.status).toBe(2);
    expect(set.stderr).toMatch(/huge/);
  });
});
