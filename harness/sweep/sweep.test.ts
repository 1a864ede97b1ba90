// The sweep engine end to end: shards merge into the unsharded rows, a SIGKILLed run resumes to
// the uninterrupted rows, crashes and hangs become rows, reruns repeat, bad input exits 2.
import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GridInput } from './grid.ts';
import type { StoredRow } from './raw-csv.ts';
import { runChild, runCli } from '../../testing/child-process.ts';
import { FAULT_SOLVERS_ENV } from '../../testing/fault-solvers.ts';

// Registers the fault-* solvers; modules that read the registry are imported after this line.
Object.assign(process.env, FAULT_SOLVERS_ENV);
const { resolveGrid, expandGrid } = await import('./grid.ts');
const { runSweep, completeCells, describeDays, runPhases } = await import('./sweep.ts');
const { mergeRuns } = await import('./merge.ts');
const { readRawCsv, writeRawCsv } = await import('./raw-csv.ts');
const { RAW_COLUMNS, stableColumnNames } = await import('./columns.ts');
const { LOCK_FILE } = await import('./run-lock.ts');

const BIN = fileURLToPath(new URL('../bin.mjs', import.meta.url));
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
  const { rows } = await runSweep({ grid: resolveGrid(input), outDir, commandLine: [name], progress: quiet, jobs: 2, ...extra });
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

  it('writes one row per cell and κ, in canonical order, with evaluator costs', async () => {
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
    await mergeRuns([b.outDir, a.outDir], join(tmp, 'merged'), ['merge']);
    const merged = readRawCsv(join(tmp, 'merged', 'raw.csv'), RAW_COLUMNS.solve).rows;
    expect(stable(merged)).toEqual(stable(reference));
  });

  it('refuses to merge shards of different grids', async () => {
    const other = await sweep({ ...GRID, seeds: [3] }, 'other');
    await expect(mergeRuns([join(tmp, 'shard1'), other.outDir], join(tmp, 'bad-merge'), ['merge'])).rejects.toThrow(/another grid/);
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

    const { rows } = await runSweep({ grid: resolveGrid(GRID), outDir, resume: true, commandLine: ['resume'], progress: quiet, jobs: 2 });
    expect(stable(rows)).toEqual(stable(reference));
    const keys = rows.map((r) => `${r.cell_key}/${r.kappa}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(readFileSync(raw, 'utf8').endsWith('\n')).toBe(true);
  }, 60_000);

  it('ends on SIGTERM with exit 143, one line saying how to resume, no lock left, and resumes to every row (issue 26.4)', async () => {
    const outDir = join(tmp, 'sigterm');
    const args = ['sweep', '--sizes', '3,3,4', '--seeds', '1,2,3', '--solvers', 'fault-idle:sleep_ms=200', '--jobs', '1', '--no-report', '--out', outDir];
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: process.env });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
    const raw = join(outDir, 'raw.csv');
    const dataLines = () => (existsSync(raw) ? readFileSync(raw, 'utf8').split('\n').length - 2 : 0);
    while (dataLines() < 1) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.once('close', r));
    expect(code).toBe(143);
    expect(stderr.trimEnd().split('\n').at(-1)).toBe(`alloc-bench: stopped by SIGTERM; the finished cells are kept in ${outDir} — continue with --resume ${outDir}`);
    expect(existsSync(join(outDir, LOCK_FILE))).toBe(false);
    const grid = resolveGrid({ sizes: ['3,3,4'], seeds: [1, 2, 3], solvers: ['fault-idle:sleep_ms=200'] });
    const { rows } = await runSweep({ grid, outDir, resume: true, commandLine: ['resume'], progress: quiet });
    expect(rows).toHaveLength(3);
  }, 60_000);

  it('resumes a run made before headroom θ existed (no headrooms in its manifest, the old raw.csv columns), and refuses to add θ to it', async () => {
    const outDir = join(tmp, 'before-headroom');
    cpSync(join(tmp, 'reference'), outDir, { recursive: true });
    // The manifest and raw.csv as the previous version wrote them: no θ, no dropped/shed rates,
    // violation rates without the planned unmet share; the last cell left unfinished.
    const manifestPath = join(outDir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    for (const b of manifest.config.blocks) delete b.headrooms;
    writeFileSync(manifestPath, JSON.stringify(manifest));
    const added = ['headroom', 'dropped_rate_mean', 'shed_rate_mean'];
    const oldColumns = RAW_COLUMNS.solve.filter((c) => !added.includes(c.name));
    const lastCell = reference.at(-1)!.cell_key;
    const oldRows = reference.filter((r) => r.cell_key !== lastCell).map((r) => {
      const old = { ...r };
      for (const k of ['violation_rate_mean', 'violation_rate_p5', 'violation_rate_p95']) if (r[k] !== '') old[k] = String(Number(r[k]) - Number(r.unmet_rate));
      if (r.violation_any_share !== '' && Number(r.unmet_rate) > 0) old.violation_any_share = String(Number(r.dropped_rate_mean) + Number(r.shed_rate_mean) > 0 ? 1 : 0);
      return old;
    });
    writeRawCsv(join(outDir, 'raw.csv'), oldColumns, oldRows);
    expect(readFileSync(join(outDir, 'raw.csv'), 'utf8').split('\n')[0]).not.toContain('headroom');

    await expect(
      runSweep({ grid: resolveGrid({ ...GRID, headrooms: [0, 0.25] }), outDir, resume: true, commandLine: [], progress: quiet }),
    ).rejects.toThrow(/another grid or shard \(blocks\.0\.headrooms: \[0\] vs \[0,0\.25\], run vs now\)/);
    const { rows } = await runSweep({ grid: resolveGrid(GRID), outDir, resume: true, commandLine: ['resume'], progress: quiet, jobs: 2 });
    // Only the unfinished cell ran again (θ = 0 cells keep their keys); the upgraded rows are the
    // reference's, their violation rates up to the rounding of subtracting and adding unmet_rate back.
    const rates = ['violation_rate_mean', 'violation_rate_p5', 'violation_rate_p95'];
    const unknown = ['dropped_rate_mean', 'shed_rate_mean'];
    const other = (r: StoredRow) => stableColumnNames('solve').filter((n) => !rates.includes(n) && !unknown.includes(n)).map((n) => r[n]).join(',');
    expect(rows.map(other)).toEqual(reference.map(other));
    rows.forEach((r, n) => rates.forEach((k) => expect(Number(r[k]), k).toBeCloseTo(Number(reference[n][k]), 12)));
    expect(rows.filter((r) => r.cell_key !== lastCell).every((r) => r.headroom === '0' && r.dropped_rate_mean === '')).toBe(true);
    expect(rows.filter((r) => r.cell_key === lastCell).map((r) => r.dropped_rate_mean)).toEqual(reference.filter((r) => r.cell_key === lastCell).map((r) => r.dropped_rate_mean));
  }, 60_000);

  it('refuses to resume a run with another grid', async () => {
    await expect(
      runSweep({ grid: resolveGrid({ ...GRID, seeds: [9] }), outDir: join(tmp, 'reference'), resume: true, commandLine: [], progress: quiet }),
    ).rejects.toThrow(/another grid or shard \(blocks\.0\.seeds: \[1,2\] vs \[9\], run vs now\)/);
  });

  // A small grid for the lock and disk-full cases: 4 cells, 8 rows.
  const SMALL: GridInput = { sizes: ['3,3,4'], seeds: [1, 2], solvers: ['gh', 'fault-idle'], inflations: [1, 1.5], stage2: { scenarios: 20 } };
  /** Every cell of SMALL complete, each row once. */
  const expectSmallComplete = (rows: StoredRow[]) => {
    expect(rows).toHaveLength(8);
    expect(new Set(rows.map((r) => `${r.cell_key}/${r.kappa}`)).size).toBe(8);
    expect(completeCells(rows, expandGrid(resolveGrid(SMALL).config))).toEqual(rows);
  };

  it('refuses a second sweep on a run directory while the first holds it, naming the holder', async () => {
    const outDir = join(tmp, 'locked');
    const first = runSweep({ grid: resolveGrid(SMALL), outDir, commandLine: ['first'], progress: quiet, jobs: 2 });
    const second = runSweep({ grid: resolveGrid(SMALL), outDir, resume: true, commandLine: ['second'], progress: quiet, jobs: 2 });
    await expect(second).rejects.toThrow(new RegExp(`^${outDir} is in use by process ${process.pid} on .*alloc-bench first\\); wait for it to finish`));
    expectSmallComplete((await first).rows);
    expectSmallComplete(readRawCsv(join(outDir, 'raw.csv'), RAW_COLUMNS.solve).rows);
    expect(existsSync(join(outDir, LOCK_FILE))).toBe(false);
  }, 120_000);

  it('takes over the lock of a process that no longer exists', async () => {
    const { pid: dead } = await runChild(process.execPath, ['-e', '0']);
    const outDir = join(tmp, 'stale');
    mkdirSync(outDir);
    writeFileSync(join(outDir, LOCK_FILE), JSON.stringify({ pid: dead, host: hostname(), started_at: '2026-01-01T00:00:00Z', command: ['sweep'] }));
    const { rows } = await runSweep({ grid: resolveGrid(SMALL), outDir, commandLine: ['after'], progress: quiet, jobs: 2 });
    expectSmallComplete(rows);
    expect(existsSync(join(outDir, LOCK_FILE))).toBe(false);
  }, 120_000);

  it('resumes a directory the disk filled up before its first manifest was written (issue 28.2)', async () => {
    // What such a run leaves: its directory, nothing in it (the lock is released, the manifest
    // was never renamed into place).
    const outDir = join(tmp, 'no-manifest');
    mkdirSync(outDir);
    const { rows, manifest } = await runSweep({ grid: resolveGrid({ sizes: ['3,3,4'], seeds: [1], solvers: ['gh'] }), outDir, resume: true, commandLine: ['again'], progress: quiet });
    expect(rows).toHaveLength(1);
    expect(manifest.cells_done).toBe(1);
  }, 120_000);

  it('stops on a full disk without counting the cell, and resumes to every row once', async () => {
    const outDir = join(tmp, 'disk-full');
    // The device takes the first cell's rows and a few bytes more, then nothing.
    let free = 1200;
    const write = ((fd: number, buf: Uint8Array, off?: number, len?: number) => {
      if (free === 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
      const n = Math.min(free, len ?? buf.length);
      free -= n;
      return writeSync(fd, buf, off, n);
    }) as typeof writeSync;
    const failed = runSweep({ grid: resolveGrid(SMALL), outDir, commandLine: ['full'], progress: quiet, jobs: 2, write });
    await expect(failed).rejects.toMatchObject({ code: 'ENOSPC', path: join(outDir, 'raw.csv') });
    expect(readFileSync(join(outDir, 'raw.csv'), 'utf8').endsWith('\n')).toBe(true);
    const kept = readRawCsv(join(outDir, 'raw.csv'), RAW_COLUMNS.solve).rows;
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(8);
    expect(JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8')).finished_at).toBe(null);
    expect(existsSync(join(outDir, LOCK_FILE))).toBe(false);
    const { rows } = await runSweep({ grid: resolveGrid(SMALL), outDir, resume: true, commandLine: ['resume'], progress: quiet, jobs: 2 });
    expectSmallComplete(rows);
    expect(rows.slice(0, kept.length)).toEqual(kept);
  }, 120_000);

  it('refuses to merge the same shard twice or shards of different commits, unless forced', async () => {
    const [a, b] = [join(tmp, 'shard1'), join(tmp, 'shard2')];
    await expect(mergeRuns([a, b, a], join(tmp, 'dup-merge'), ['merge'])).rejects.toThrow(
      `merge: ${a} repeats shard 1/2 of ${a}; check the inputs, or pass --force to merge them anyway`,
    );
    expect(existsSync(join(tmp, 'dup-merge'))).toBe(false);
    const warnings: string[] = [];
    await mergeRuns([a, b, a], join(tmp, 'dup-forced'), ['merge'], { force: true, warn: (l) => warnings.push(l) });
    expect(warnings).toEqual([`warning: merge --force: ${a} repeats shard 1/2 of ${a}`]);
    expect(stable(readRawCsv(join(tmp, 'dup-forced', 'raw.csv'), RAW_COLUMNS.solve).rows)).toEqual(stable(reference));

    // The same shard 2 as if run from another commit.
    const other = join(tmp, 'shard2-other-commit');
    cpSync(b, other, { recursive: true });
    const m = JSON.parse(readFileSync(join(other, 'manifest.json'), 'utf8'));
    writeFileSync(join(other, 'manifest.json'), JSON.stringify({ ...m, environment: { ...m.environment, git_commit: 'f'.repeat(40), git_dirty: false } }));
    await expect(mergeRuns([a, other], join(tmp, 'mixed-merge'), ['merge'])).rejects.toThrow(
      new RegExp(`^merge: the shards were run from different commits \\(.*, ${'f'.repeat(40)}\\); check the inputs, or pass --force`),
    );
  });

  it('merge warns about a torn last line it ignores and refuses a repeated row (issues 26.6, 28.6)', async () => {
    const [a, b] = [join(tmp, 'shard1'), join(tmp, 'shard2')];
    const torn = join(tmp, 'shard2-torn');
    cpSync(b, torn, { recursive: true });
    const raw = readFileSync(join(torn, 'raw.csv'), 'utf8');
    writeFileSync(join(torn, 'raw.csv'), `${raw}${raw.split('\n')[1].slice(0, 10)}`);
    const warnings: string[] = [];
    await mergeRuns([a, torn], join(tmp, 'torn-merge'), ['merge'], { warn: (l) => warnings.push(l) });
    expect(warnings).toEqual([`warning: ${join(torn, 'raw.csv')}: ignored a torn last line (10 bytes, an interrupted write); its cell counts as missing`]);
    writeFileSync(join(torn, 'raw.csv'), `${raw}${raw.split('\n')[1]}\n`);
    await expect(mergeRuns([a, torn], join(tmp, 'repeat-merge'), ['merge'])).rejects.toThrow(/raw\.csv:\d+: repeats the row of line 2/);
  });
});

describe('rolling sweep', () => {
  // HiGHS solves the 3×3×4 day plan in well under a second; the 120 s limit only keeps a loaded
  // machine (a 10 s limit once expired there) from turning one shard's dm-24h plan into no plan.
  const ROLLING: GridInput = {
    kind: 'rolling', sizes: ['3,3,4'], seeds: [1], sigmas: [0.01, 0.05], paths: 2,
    policies: ['gh-5min', 'agh-24h', 'dm-24h'], exact_solver: 'highs:time_limit_s=120',
  };
  const stableRolling = (rows: StoredRow[]) => rows.map((r) => stableColumnNames('rolling').map((n) => r[n]).join(','));
  let reference: StoredRow[];
  beforeAll(async () => void ({ rows: reference } = await sweep(ROLLING, 'rolling')), 120_000);

  it('solves a static plan once per run: every σ and path of the policy reports that one solve', async () => {
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

  it('keeps a static cell on resume only when all of its rows are there', async () => {
    const cells = expandGrid(resolveGrid(ROLLING).config);
    const staticKey = reference.find((r) => r.policy === 'agh-24h')!.cell_key;
    const torn = reference.filter((r) => !(r.cell_key === staticKey && r.path === '1' && r.sigma === '0.05'));
    expect(completeCells(torn, cells)).toEqual(reference.filter((r) => r.cell_key !== staticKey));
  });

  it('merges two shards into exactly the unsharded rows', async () => {
    const a = await sweep(ROLLING, 'rolling-shard1', { shard: { index: 1, count: 2 } });
    const b = await sweep(ROLLING, 'rolling-shard2', { shard: { index: 2, count: 2 } });
    await mergeRuns([a.outDir, b.outDir], join(tmp, 'rolling-merged'), ['merge']);
    const merged = readRawCsv(join(tmp, 'rolling-merged', 'raw.csv'), RAW_COLUMNS.rolling).rows;
    expect(stableRolling(merged)).toEqual(stableRolling(reference));
  }, 120_000);
});

// The hard limit (0.5 s + 6 s overhead) leaves a loaded machine room to start fault-idle's child;
// that the hang is killed at the limit, not later, is in its message.
it('turns crashes, throws and hangs into rows and completes the run', async () => {
  const { rows } = await sweep(
    { sizes: ['3,3,4'], seeds: [1], solvers: ['fault-crash', 'fault-crash:mode=throw', 'fault-hang', 'fault-idle'], heuristic_limit_s: 0.5, cell_overhead_s: 6 },
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
  expect(rows[2].message).toMatch(/hard limit of 7 s/);
}, 60_000);

describe('bad input exits 2 with a message naming it, and writes nothing', () => {
  const cli = (...args: string[]) => runCli(args);
  const cases: [string, () => string[], RegExp][] = [
    ['unknown solver', () => ['--solvers', 'gh,nosuch'], /unknown solver "nosuch"/],
    ['bad shard', () => ['--solvers', 'gh', '--shard', '3/2'], /--shard .*"3\/2"/],
    ['unreadable config', () => ['--config', join(tmp, 'missing.json')], /cannot read config .*missing\.json/],
    ['invalid config', () => (writeFileSync(join(tmp, 'bad.json'), '{"seeds": [1], "sizes": ["3,3,4"], "solvers": ["gh"], "color": 1}'), ['--config', join(tmp, 'bad.json')]), /unknown field "color"/],
  ];
  for (const [what, extra, message] of cases) {
    it(what, async () => {
      const out = join(tmp, `bad-${what.replace(/ /g, '-')}`);
      const r = await cli('sweep', '--sizes', '3,3,4', '--seeds', '1', ...extra(), '--out', out);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(existsSync(out)).toBe(false);
    });
  }
});

it('runs heuristic cells one at a time, then the rest `jobs` at a time, then the cells of alone blocks one at a time', () => {
  const cells = expandGrid(resolveGrid({
    sizes: ['3,3,4'], seeds: [1],
    blocks: [{ solvers: ['highs:time_limit_s=5', 'gh'] }, { solvers: ['glpk:time_limit_s=5', 'agh'], alone: true }, { solvers: ['cbc:time_limit_s=5'] }],
  }).config);
  const phases = runPhases(cells, 2).map((p) => ({ jobs: p.jobs, solvers: p.cells.map((c) => (c.config.kind === 'solve' ? c.config.solver.name : '')) }));
  expect(phases).toEqual([
    { jobs: 1, solvers: ['gh', 'agh'] },
    { jobs: 2, solvers: ['highs', 'cbc'] },
    { jobs: 1, solvers: ['glpk'] },
  ]);
});

describe('progress labels of rolling cells', () => {
  it('name one day and several days in one form (E5 mixed "2 days" with "σ=… path 0")', () => {
    expect(describeDays([{ sigma: 0.05, path: 0 }])).toBe('1 day (σ=0.05, path 0)');
    const grid = [0.01, 0.03, 0.05].flatMap((sigma) => [0, 1].map((path) => ({ sigma, path })));
    expect(describeDays(grid)).toBe('6 days (σ=0.01…0.05, paths 0–1)');
  });
});
