import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { evaluate } from '../solvers/problem/evaluator.ts';
import { MAX_TIMER_MS, runIsolated, setLongTimeout } from './isolate.ts';
import { exactSolver } from '../solvers/exact/solvers.ts';
import { tinyInstance } from '../testing/exact-instances.ts';

const FAKES = new URL('../testing/fake-backends.ts', import.meta.url).href;
const fake = (name: string) => exactSolver({ name: `fake-${name}`, description: 'test', backend: { module: FAKES, name } });

describe('runIsolated', () => {
  it('returns the value of a function run in a child process', async () => {
    const out = await runIsolated<string>({ module: new URL('../solvers/exact/glpk-log.ts', import.meta.url).href, fn: 'parseGlpkLog', input: '+ 5: mip = 1.5e+01 >= 1.0e+01 33.3% (2; 0)' }, 30);
    expect(out).toMatchObject({ ok: true, value: { incumbent: 15, bound: 10 } });
  });

  it("passes what the function reports through its second argument to onProgress, before its value", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'isolate-progress-'));
    try {
      writeFileSync(join(dir, 'job.mjs'), `
        export async function count(n, report) {
          for (let i = 1; i <= n; i++) report({ done: i, total: n });
          return 'counted';
        }`);
      const seen: unknown[] = [];
      const out = await runIsolated<string>({ module: pathToFileURL(join(dir, 'job.mjs')).href, fn: 'count', input: 3, onProgress: (p) => seen.push(p) }, 30);
      expect(out).toMatchObject({ ok: true, value: 'counted' });
      expect(seen).toEqual([1, 2, 3].map((done) => ({ done, total: 3 })));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('kills a hang at the hard limit, from outside', async () => {
    const t0 = performance.now();
    const out = await runIsolated({ module: FAKES, fn: 'hanging', input: null }, 3);
    const elapsed = (performance.now() - t0) / 1000;
    expect(out).toMatchObject({ ok: false, reason: 'hard_limit' });
    expect(elapsed).toBeGreaterThanOrEqual(2.9);
    expect(elapsed).toBeLessThan(5);
  });
});

describe('an isolated child whose parent is SIGKILLed', () => {
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const waitFor = async (what: () => boolean, timeoutMs: number) => {
    for (const end = Date.now() + timeoutMs; !what() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 100));
    return what();
  };

  it('exits with its own children even while its main thread spins', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'isolate-orphan-'));
    const pidsFile = join(dir, 'pids');
    // The job starts a grandchild (as glpsol would be), records both pids, then never yields.
    writeFileSync(join(dir, 'job.mjs'), `
      import { spawn } from 'node:child_process';
      import { writeFileSync } from 'node:fs';
      export function hang(file) {
        const sleeper = spawn('sleep', ['600'], { stdio: 'ignore' });
        writeFileSync(file, process.pid + ' ' + sleeper.pid + '\\n');
        for (;;);
      }`);
    writeFileSync(join(dir, 'parent.mjs'), `
      import { runIsolated } from ${JSON.stringify(new URL('./isolate.ts', import.meta.url).href)};
      await runIsolated({ module: ${JSON.stringify(pathToFileURL(join(dir, 'job.mjs')).href)}, fn: 'hang', input: ${JSON.stringify(pidsFile)} }, 600);`);
    const repo = fileURLToPath(new URL('..', import.meta.url));
    const parent = spawn(process.execPath, ['--import', 'tsx', join(dir, 'parent.mjs')], { cwd: repo, stdio: 'ignore' });
    let pids: number[] = [];
    try {
      const recorded = () => existsSync(pidsFile) && /^\d+ \d+\n$/.test(readFileSync(pidsFile, 'utf8'));
      expect(await waitFor(recorded, 20_000)).toBe(true);
      pids = readFileSync(pidsFile, 'utf8').trim().split(' ').map(Number);
      expect(pids.every(alive)).toBe(true);
      parent.kill('SIGKILL');
      expect(await waitFor(() => !pids.some(alive), 5_000)).toBe(true);
    } finally {
      parent.kill('SIGKILL');
      for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 40_000);
});

describe('exact solvers with failing back-ends', () => {
  const inst = tinyInstance(3, 'per-route', 'S1');
  const opts = { time_limit_s: 2, gap: 1e-4 };

  it.each([
    ['throwing', /fake back-end failed/],
    ['wasmAbort', /RuntimeError: Aborted\(\)/],
    ['crashing', /aborted \(SIGABRT\)/],
  ])('%s yields an error result with a message', async (name, message) => {
    const r = await fake(name).solve(inst, opts);
    expect(r.status).toBe('error');
    expect(r.plan).toBeNull();
    expect(r.message).toMatch(message);
  });

  it('a hang is killed at the time limit plus the grace period, and the next solve works', async () => {
    const t0 = performance.now();
    const hung = await fake('hanging').solve(inst, { time_limit_s: 0.5, gap: 1e-4 });
    const elapsed = (performance.now() - t0) / 1000;
    expect(hung.status).toBe('error');
    expect(hung.message).toMatch(/killed at the hard limit of 15.5 s \(time limit 0.5 s\)/);
    expect(elapsed).toBeLessThan(15.5 + 3);

    const next = await fake('trivial').solve(inst, opts);
    expect(next.status).toBe('time_limit_feasible');
    expect(evaluate(inst, next.plan!).feasible).toBe(true);
  });
});

describe('setLongTimeout (issue 28.1: a hard limit above 2^31-1 ms fired after 1 ms)', () => {
  it('waits out a delay longer than one Node timer holds, and no longer', () => {
    vi.useFakeTimers();
    try {
      let fired = 0;
      setLongTimeout(() => fired++, 3 * MAX_TIMER_MS);
      vi.advanceTimersByTime(1);
      expect(fired).toBe(0);
      vi.advanceTimersByTime(2 * MAX_TIMER_MS);
      expect(fired).toBe(0);
      vi.advanceTimersByTime(MAX_TIMER_MS);
      expect(fired).toBe(1);
      const t = setLongTimeout(() => fired++, 10);
      t.cancel();
      vi.advanceTimersByTime(20);
      expect(fired).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
