// The sweep engine end to end: shards merge into the unsharded rows, a SIGKILLed run resumes to
// the uninterrupted rows, crashes and hangs become rows, reruns repeat, bad input exits 2.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GridInput } from './grid.ts';
import type { StoredRow } from './raw-csv.ts';

// Registers the fault-* solvers; modules that read the registry are imported after this line.
process.env.LLM_ALLOC_FAULT_SOLVERS = '1';
const { resolveGrid, expandGrid } = await import('./grid.ts');
const { runSweep, completeCells } = await import('./sweep.ts');
const { mergeRuns } = await import('./merge.ts');
const { readRawCsv } = await import('./raw-csv.ts');
const { RAW_COLUMNS, stableColumnNames } = await import('./columns.ts');

const BIN = fileURLToPath(new URL('./bin.mjs', import.meta.url));
const quiet = { isTTY: false, write: () => {} };
let tmp: string;
beforeAll(() => void (tmp = mkdtempSync(join(tmpdir(), 'sweep-test-'))));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Rows without their timing columns: what must repeat exactly. */
function stable(rows: StoredRow[]): string[] {
  const names = stableColumnNames('solve');
  return rows.map((r) => names.map((n) => r[n]).join(','));
}

async function sweep(input: GridInput, name: string, extra: { shard?: { index: number; count: number }; jobs?: number } = {}) {
  const outDir = join(tmp, name);
  const { rows } = await runSweep({ grid: resolveGrid(input), outDir, commandLine: [name], report: false, progress: quiet, jobs: 2, ...extra });
  return { outDir, rows };
}

// Real heuristics and a solver that never serves anything, with and without stage 2 rows.
const GRID: GridInput = {
  sizes: ['3,3,4', '4,4,5'],
  seeds: [1, 2],
  solvers: ['gh', 'agh', 'fault-idle'],
  inflations: [1, 1.5],
  stage2: { scenarios: 20 },
};

describe('sweep', () => {
  let reference: StoredRow[];
  beforeAll(async () => void ({ rows: reference } = await sweep(GRID, 'reference')));

  it('writes one row per cell and κ, in canonical order, with evaluator costs', () => {
    const cells = expandGrid(resolveGrid(GRID).config);
    expect(cells).toHaveLength(12);
    expect(reference).toHaveLength(24);
    expect(reference.map((r) => Number(r.cell_index))).toEqual(cells.flatMap((c) => [c.index, c.index]));
    expect(reference.map((r) => r.kappa)).toEqual(cells.flatMap(() => ['1', '1.5']));
    for (const r of reference) {
      expect(r.status).toBe('completed');
      expect(Number(r.cost_usd)).toBeGreaterThan(0);
      expect(r.timing_method).toBe('warm_worker');
      // Heuristic rows carry the instance's relaxation bound, below any feasible plan's cost.
      expect(Number(r.bound_usd)).toBeGreaterThan(0);
      if (r.feasible === 'true') expect(Number(r.bound_usd)).toBeLessThanOrEqual(Number(r.cost_usd));
    }
  });

  it('gives the same rows when run again (timings aside)', async () => {
    const { rows } = await sweep(GRID, 'again');
    expect(stable(rows)).toEqual(stable(reference));
  });

  it('merges two shards into exactly the unsharded rows', async () => {
    const a = await sweep(GRID, 'shard1', { shard: { index: 1, count: 2 } });
    const b = await sweep(GRID, 'shard2', { shard: { index: 2, count: 2 } });
    expect(a.rows.length + b.rows.length).toBe(reference.length);
    expect(a.rows.every((r) => Number(r.cell_index) % 2 === 0)).toBe(true);
    // Given in the "wrong" order on purpose: the merge sorts by the grid's canonical order.
    await mergeRuns([b.outDir, a.outDir], join(tmp, 'merged'), ['merge'], false);
    const merged = readRawCsv(join(tmp, 'merged', 'raw.csv'), RAW_COLUMNS.solve).rows;
    expect(stable(merged)).toEqual(stable(reference));
  });

  it('refuses to merge shards of different grids', async () => {
    const other = await sweep({ ...GRID, seeds: [3] }, 'other');
    await expect(mergeRuns([join(tmp, 'shard1'), other.outDir], join(tmp, 'bad-merge'), ['merge'], false)).rejects.toThrow(/another grid/);
    expect(existsSync(join(tmp, 'bad-merge'))).toBe(false);
  });

  it('resumes a SIGKILLed run to the uninterrupted rows, without duplicates', async () => {
    const outDir = join(tmp, 'killed');
    const args = ['sweep', '--sizes', '3,3,4', '4,4,5', '--seeds', '1,2', '--solvers', 'gh,agh,fault-idle',
      '--inflations', '1,1.5', '--stage2-scenarios', '20', '--jobs', '2', '--no-report', '--out', outDir];
    const child = spawn(process.execPath, [BIN, ...args], { stdio: 'ignore', env: process.env });
    const raw = join(outDir, 'raw.csv');
    const dataLines = () => (existsSync(raw) ? readFileSync(raw, 'utf8').split('\n').length - 2 : 0);
    while (dataLines() < 5) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const before = readRawCsv(raw, RAW_COLUMNS.solve).rows.length;
    expect(before).toBeLessThan(reference.length); // really interrupted
    // A torn last record, as a kill in the middle of a write leaves it.
    appendFileSync(raw, 'sweep,11,0123456789abcdef,I4-J4');

    const { rows } = await runSweep({ grid: resolveGrid(GRID), outDir, resume: true, commandLine: ['resume'], report: false, progress: quiet, jobs: 2 });
    expect(stable(rows)).toEqual(stable(reference));
    const keys = rows.map((r) => `${r.cell_key}/${r.kappa}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(readFileSync(raw, 'utf8').endsWith('\n')).toBe(true);
  }, 60_000);

  it('refuses to resume a run with another grid', async () => {
    await expect(
      runSweep({ grid: resolveGrid({ ...GRID, seeds: [9] }), outDir: join(tmp, 'reference'), resume: true, commandLine: [], report: false, progress: quiet }),
    ).rejects.toThrow(/another grid/);
  });
});

describe('rolling sweep', () => {
  const ROLLING: GridInput = {
    kind: 'rolling', sizes: ['3,3,4'], seeds: [1], sigmas: [0.01, 0.05], paths: 2,
    policies: ['gh-5min', 'agh-24h', 'dm-24h'], exact_solver: 'highs:time_limit_s=10',
  };
  const stableRolling = (rows: StoredRow[]) => rows.map((r) => stableColumnNames('rolling').map((n) => r[n]).join(','));
  let reference: StoredRow[];
  beforeAll(async () => void ({ rows: reference } = await sweep(ROLLING, 'rolling')), 120_000);

  it('solves a static plan once per run: every σ and path of the policy reports that one solve', () => {
    expect(reference).toHaveLength(3 * 4);
    for (const policy of ['agh-24h', 'dm-24h']) {
      const rows = reference.filter((r) => r.policy === policy);
      expect(rows.map((r) => `${r.sigma}/${r.path}`)).toEqual(['0.01/0', '0.01/1', '0.05/0', '0.05/1']);
      expect(new Set(rows.map((r) => r.cell_key)).size).toBe(1);
      for (const name of ['status', 'solver_calls', 'solve_time_total_s', 'rental_usd']) {
        expect(new Set(rows.map((r) => r[name])).size, `${policy} ${name}`).toBe(1);
      }
      expect(rows[0]).toMatchObject({ status: 'completed', solver_calls: '1' });
    }
    const rolling = reference.filter((r) => r.policy === 'gh-5min');
    expect(new Set(rolling.map((r) => r.cell_key)).size).toBe(4);
    expect(rolling.every((r) => r.solver_calls === '288')).toBe(true);
  });

  it('keeps a static cell on resume only when all of its rows are there', () => {
    const cells = expandGrid(resolveGrid(ROLLING).config);
    const staticKey = reference.find((r) => r.policy === 'agh-24h')!.cell_key;
    const torn = reference.filter((r) => !(r.cell_key === staticKey && r.path === '1' && r.sigma === '0.05'));
    expect(completeCells(torn, cells)).toEqual(reference.filter((r) => r.cell_key !== staticKey));
  });

  it('merges two shards into exactly the unsharded rows', async () => {
    const a = await sweep(ROLLING, 'rolling-shard1', { shard: { index: 1, count: 2 } });
    const b = await sweep(ROLLING, 'rolling-shard2', { shard: { index: 2, count: 2 } });
    await mergeRuns([a.outDir, b.outDir], join(tmp, 'rolling-merged'), ['merge'], false);
    const merged = readRawCsv(join(tmp, 'rolling-merged', 'raw.csv'), RAW_COLUMNS.rolling).rows;
    expect(stableRolling(merged)).toEqual(stableRolling(reference));
  }, 120_000);
});

it('turns crashes, throws and hangs into rows and completes the run', async () => {
  const started = Date.now();
  const { rows } = await sweep(
    { sizes: ['3,3,4'], seeds: [1], solvers: ['fault-crash', 'fault-crash:mode=throw', 'fault-hang', 'fault-idle'], heuristic_limit_s: 0.5, cell_overhead_s: 2 },
    'faults',
  );
  expect(rows.map((r) => [r.solver_label, r.status])).toEqual([
    ['fault-crash', 'error'],
    ['fault-crash:mode=throw', 'error'],
    ['fault-hang', 'time_limit_no_solution'],
    ['fault-idle', 'completed'],
  ]);
  expect(rows[0].message).toMatch(/code 70/);
  expect(rows[1].message).toMatch(/deliberate failure/);
  expect(rows[2].message).toMatch(/hard limit of 3 s/);
  expect(Date.now() - started).toBeLessThan(20_000);
}, 30_000);

describe('bad input exits 2 with a message naming it, and writes nothing', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: process.env });
  const cases: [string, () => string[], RegExp][] = [
    ['unknown solver', () => ['--solvers', 'gh,nosuch'], /unknown solver "nosuch"/],
    ['bad shard', () => ['--solvers', 'gh', '--shard', '3/2'], /--shard .*"3\/2"/],
    ['unreadable config', () => ['--config', join(tmp, 'missing.json')], /cannot read config .*missing\.json/],
    ['invalid config', () => (writeFileSync(join(tmp, 'bad.json'), '{"seeds": [1], "sizes": ["3,3,4"], "solvers": ["gh"], "color": 1}'), ['--config', join(tmp, 'bad.json')]), /unknown field "color"/],
  ];
  for (const [what, extra, message] of cases) {
    it(what, () => {
      const out = join(tmp, `bad-${what.replace(/ /g, '-')}`);
      const r = cli('sweep', '--sizes', '3,3,4', '--seeds', '1', ...extra(), '--out', out);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(existsSync(out)).toBe(false);
    });
  }
});
