import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { runChild } from './child-process.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const testFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.name === 'node_modules' || e.name.startsWith('.') ? [] : e.isDirectory() ? testFiles(join(dir, e.name)) : e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [],
  );

it('no test runs a child process synchronously (it would hold the worker and time out its RPC under load)', () => {
  const offenders = ['harness', 'solvers', 'generators', 'traces']
    .flatMap((d) => testFiles(join(ROOT, d)))
    .filter((f) => /\b(spawnSync|execFileSync|execSync)\s*\(/.test(readFileSync(f, 'utf8')))
    .map((f) => relative(ROOT, f));
  expect(offenders).toEqual([]);
});

it('runChild returns what the child wrote, its exit status, and lets timers run meanwhile', async () => {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  const r = await runChild(process.execPath, ['-e', 'process.stdin.pipe(process.stdout); setTimeout(() => { console.error("err"); process.exit(4); }, 300)'], { input: 'echo' });
  clearInterval(timer);
  expect(r).toMatchObject({ status: 4, stdout: 'echo', stderr: 'err\n' });
  expect(ticks).toBeGreaterThan(0);
});

it('runChild kills a child that outlives its time-out', async () => {
  const r = await runChild(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { timeoutMs: 200 });
  expect(r.signal).toBe('SIGKILL');
});
