import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateInstance } from '../../generators/instance.ts';
import { evaluate } from '../../solvers/problem/evaluator.ts';
import { parsePlan } from '../../solvers/problem/schema.ts';
import type { ScenarioId, SloMode } from '../../solvers/problem/types.ts';
import { DEFAULT_PROFILE_PATH, loadProfileBundle } from '../../traces/profile.ts';
import { resolveGrid } from '../sweep/grid.ts';
import { runSweep } from '../sweep/sweep.ts';
import { PROVEN_GAP, readBestKnown, updateBestKnown } from './best-known.ts';

const quiet = { isTTY: false, write: () => {} };
let tmp: string;
let heuristics: string;
let exact: string;
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'best-known-'));
  const grid = (solvers: string[]) => resolveGrid({ experiment: 'bk', sizes: ['3,3,4'], seeds: [1, 2], slo_modes: ['average', 'per-route'], solvers });
  heuristics = join(tmp, 'heuristics');
  exact = join(tmp, 'exact');
  await runSweep({ grid: grid(['gh', 'agh-lns']), outDir: heuristics, commandLine: ['h'], progress: quiet, jobs: 2 });
  await runSweep({ grid: grid(['highs:time_limit_s=60']), outDir: exact, commandLine: ['x'], progress: quiet, jobs: 2 });
}, 300_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const raw = (dir: string) => {
  const [head, ...lines] = readFileSync(join(dir, 'raw.csv'), 'utf8').trim().split('\n');
  const names = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, n) => [names[n], v])));
};

describe('the best-known table', () => {
  it('keeps per instance the cheapest plan of the heuristic runs, with a bound below it', () => {
    const table = join(tmp, 'h', 'best-known.csv');
    expect(updateBestKnown(table, [heuristics])).toEqual({ changed: 4, entries: 4 });
    const rows = raw(heuristics);
    for (const e of readBestKnown(table).values()) {
      const mine = rows.filter((r) => r.instance_id === e.instance_id);
      expect(e.best_cost_usd).toBe(Math.min(...mine.map((r) => Number(r.cost_usd))));
      expect(e.best_bound_usd).toBeLessThanOrEqual(e.best_cost_usd);
      expect(e.proven).toBe(false);
      expect(['gh', 'agh-lns']).toContain(e.cost_solver);
    }
  });

  it('takes the exact run\'s optimum and bound, marks them proven, and its plan re-scores to the cost', () => {
    const table = join(tmp, 'hx', 'best-known.csv');
    updateBestKnown(table, [heuristics, exact]);
    const profile = loadProfileBundle(DEFAULT_PROFILE_PATH);
    const entries = [...readBestKnown(table).values()];
    expect(entries).toHaveLength(4);
    for (const e of entries) {
      expect(e.proven).toBe(true);
      expect(e.gap).toBeLessThanOrEqual(PROVEN_GAP);
      expect(e.bound_solver).toBe('highs');
      const inst = generateInstance({ sizes: { I: e.size_i, J: e.size_j, K: e.size_k }, seed: e.seed, scenario: e.scenario as ScenarioId, sloMode: e.slo_mode as SloMode, profile, profileName: 'x' });
      const plan = parsePlan(JSON.parse(readFileSync(join(dirname(table), e.plan), 'utf8')), inst, e.plan);
      const ev = evaluate(inst, plan);
      expect(ev.feasible).toBe(true);
      expect(ev.cost_usd).toBeCloseTo(e.best_cost_usd, 6);
    }
  });

  it('keeps the better entry: a later, worse run changes nothing', () => {
    const table = join(tmp, 'order', 'best-known.csv');
    updateBestKnown(table, [exact]);
    const before = readFileSync(table, 'utf8');
    expect(updateBestKnown(table, [heuristics]).changed).toBe(0);
    expect(readFileSync(table, 'utf8')).toBe(before);
  });

  it('refuses a bound above a feasible plan\'s cost, naming the instance', () => {
    const table = join(tmp, 'bad', 'best-known.csv');
    updateBestKnown(table, [heuristics]);
    const text = readFileSync(table, 'utf8').split('\n');
    const cols = text[0].split(',');
    const cells = text[1].split(',');
    cells[cols.indexOf('best_cost_usd')] = '0.5';
    writeFileSync(table, [text[0], cells.join(','), ...text.slice(2)].join('\n'));
    expect(() => updateBestKnown(table, [exact])).toThrow(/bound \$[\d.]+ \(highs\) is above the plan cost \$0.5/);
    expect(existsSync(table)).toBe(true);
  });
});
