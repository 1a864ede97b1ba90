// The CLI's promise: every expected failure (bad input, a path that cannot be used, a full disk,
// a malformed CSV) ends with exit code 2 and one line naming the path and what was expected; a
// bug ends with "internal error, please report" and its stack.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../lib/errors.ts';
import { expectedFailureLine, printable, reportFailure } from './errors.ts';
import { joinNegativeValues } from './main.ts';
import { e1Rows, writeRun } from '../../testing/report-fixture.ts';
import { runChild, runCli } from '../../testing/child-process.ts';
import { FAULT_SOLVERS_ENV } from '../../testing/fault-solvers.ts';

const BIN = fileURLToPath(new URL('../bin.mjs', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'cli-test-'));
const runs: string[] = [];
afterAll(() => [tmp, ...runs].forEach((d) => rmSync(d, { recursive: true, force: true })));

const cli = (args: string[]) => runCli(args);

/** Exit 2, and stderr is exactly one line matching `line`. */
async function expectOneLine(args: string[], line: RegExp) {
  const r = await cli(args);
  expect(r.stderr).toMatch(/^alloc-bench: [^\n]*\n$/);
  expect(r.stderr).toMatch(line);
  expect(r.status).toBe(2);
  return r;
}

describe('expected failures: exit 2 and one line', { timeout: 60_000 }, () => {
  it('generate --out a directory', async () => {
    await expectOneLine(['generate', '--size', '3,3,4', '--out', tmp], new RegExp(`^alloc-bench: cannot rename into ${tmp}: is a directory; expected a file \\(EISDIR\\)\\n$`));
  });

  it('sweep --out an existing file', async () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, 'x');
    await expectOneLine(['sweep', '--sizes', '3,3,4', '--seeds', '1', '--solvers', 'gh', '--out', file], new RegExp(`^alloc-bench: ${file} is not a directory; expected a directory to write into\\n$`));
    expect(readFileSync(file, 'utf8')).toBe('x');
  });

  it('report of a raw.csv with a malformed middle line names the line', async () => {
    const dir = writeRun('e1', 'solve', e1Rows());
    runs.push(dir);
    const raw = join(dir, 'raw.csv');
    const lines = readFileSync(raw, 'utf8').split('\n');
    lines[2] = lines[2].slice(0, 40);
    writeFileSync(raw, lines.join('\n'));
    await expectOneLine(['report', dir], new RegExp(`^alloc-bench: ${raw}:3: expected one record of \\d+ comma-separated fields`));
    expect(existsSync(join(dir, 'report.html'))).toBe(false);
  });

  it.skipIf(!existsSync('/proc/self'))('sweep --out under /proc fails at once', async () => {
    await expectOneLine(['sweep', '--sizes', '3,3,4', '--seeds', '1', '--solvers', 'gh', '--out', '/proc/no-such-run'], /cannot create directory \/proc\/no-such-run: \/proc does not take new directories/);
  });

  it('a flag given twice', async () => {
    await expectOneLine(['sweep', '--sizes', '3,3,4', '--seeds', '1', '--seeds', '2', '--solvers', 'gh', '--out', join(tmp, 'twice')], /^alloc-bench: --seeds was given 2 times; give it once\n$/);
    expect(existsSync(join(tmp, 'twice'))).toBe(false);
  });

  it('a negative size is judged by --size, not read as a flag', async () => {
    await expectOneLine(['generate', '--size', '-1,2,3'], /^alloc-bench: --size expects three positive integers I,J,K such as 6,6,10; got "-1,2,3"\n$/);
    await expectOneLine(['sweep', '--sizes', '6x6x10', '--out', join(tmp, 'bad-sizes')], /^alloc-bench: grid: sizes: expects three positive integers I,J,K such as 6,6,10; got "6x6x10"\n$/);
  });

  it('a size beyond what the generator builds', async () => {
    await expectOneLine(['generate', '--size', '1000000000,1,1'], /too large; the generator builds at most I, J, K ≤ 1000 and I·J·K ≤ 1,000,000 routes/);
  });

  it('a demand scale that makes the instance non-finite, writing nothing', async () => {
    const out = join(tmp, 'huge.json');
    await expectOneLine(['generate', '--size', '3,3,4', '--demand-scale', '1e308', '--out', out], /expected a smaller demand scale than 1e\+308/);
    expect(existsSync(out)).toBe(false);
  });

  it('control characters in a path are shown escaped, never sent to the terminal', async () => {
    const r = await expectOneLine(['inspect', join(tmp, 'no\u001b[2Jsuch\nfile.json')], /no\\x1b\[2Jsuch\\nfile\.json/);
    expect(r.stderr).not.toMatch(/\u001b/);
  });

  it('calibrate --skip-bad-rows shows escapes of trace names and rows escaped too (issue 28)', async () => {
    const csv = join(tmp, 'code\u0007\u001b[2J.csv');
    const rows = Array.from({ length: 6 }, (_, s) => `2023-11-16 18:00:0${s}.5000000,${100 + s},${10 + s}`);
    writeFileSync(csv, `TIMESTAMP,ContextTokens,GeneratedTokens\n${rows.join('\n')}\n2023-11-16 18:00:07,\u001b]0;owned\u0007,1\n`);
    const r = await cli(['traces', 'calibrate', csv, '--skip-bad-rows', '--out', join(tmp, 'bundle.json')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/code\\x07\\x1b\[2J\.csv, line 8: ContextTokens: expected a non-negative integer, got "\\x1b\]0;owned\\x07"/);
    expect(r.stdout + r.stderr).not.toMatch(/[\u0007\u001b]/);
  });
});

describe('the error boundary', () => {
  const errno = (code: string, syscall: string, path: string) =>
    Object.assign(new Error(`${code}: something, ${syscall} '${path}'`), { code, syscall, path });

  it('turns file-system errors into one line naming the path and what was expected', () => {
    expect(expectedFailureLine(errno('EACCES', 'open', '/srv/out.json'))).toBe('cannot open /srv/out.json: permission denied (EACCES)');
    expect(expectedFailureLine(errno('ENOENT', 'open', '/x/in.json'))).toBe('cannot open /x/in.json: no such file or directory (ENOENT)');
    expect(expectedFailureLine(errno('ENOTDIR', 'mkdir', '/f/x'))).toBe('cannot create directory /f/x: a component of the path is not a directory; expected a directory (ENOTDIR)');
    expect(expectedFailureLine(errno('ENOSPC', 'write', '/r/raw.csv'))).toMatch(/^cannot write to \/r\/raw\.csv: no space left on the device \(disk full\); .*--resume DIR\) \(ENOSPC\)$/);
  });

  it('turns a csv-parse error into one line', () => {
    const e = Object.assign(new Error('Invalid Record Length: expect 3, got 2 on line 5'), { name: 'CsvError', code: 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH' });
    expect(expectedFailureLine(e)).toBe('malformed CSV: Invalid Record Length: expect 3, got 2 on line 5');
  });

  it('keeps InputError messages on one line, control characters escaped', () => {
    expect(expectedFailureLine(new InputError('bad\nname \u001b[31m'))).toBe('bad\\nname \\x1b[31m');
    expect(printable('a\tb\u007f')).toBe('a\\tb\\x7f');
  });

  it('reports a bug as an internal error with its stack, exit 1', () => {
    let text = '';
    const code = reportFailure(new TypeError("Cannot read properties of undefined (reading 'x')"), (t) => (text += t));
    expect(code).toBe(1);
    expect(text).toMatch(/^alloc-bench: internal error, please report it with the command line and this trace:\nTypeError: Cannot read properties of undefined \(reading 'x'\)\n {4}at /);
  });

  it('joins a value that starts with a minus sign to its flag', () => {
    expect(joinNegativeValues(['generate', '--size', '-1,2,3', '--seed', '2'])).toEqual(['generate', '--size=-1,2,3', '--seed', '2']);
    expect(joinNegativeValues(['--demand-scale', '-.5'])).toEqual(['--demand-scale=-.5']);
    expect(joinNegativeValues(['--no-report', '-1'])).toEqual(['--no-report', '-1']);
  });
});

/** A tmpfs of `kb` KiB in a private mount namespace: needs root and unshare(1). */
const TMPFS = (await runChild('unshare', ['-m', 'sh', '-c', 'mount -t tmpfs -o size=16k tmpfs /mnt && echo ok']).catch(() => ({ stdout: '' }))).stdout === 'ok\n';

it.skipIf(!TMPFS)(`a sweep on a full disk exits 2 with one line and resumes once space is back${TMPFS ? '' : ' (SKIPPED: no private tmpfs: needs root and unshare -m)'}`, async () => {
  const mnt = join(tmp, 'mnt');
  mkdirSync(mnt);
  const sweep = `${process.execPath} ${BIN} sweep --sizes 3,3,4 4,4,5 --seeds 1,2 --solvers gh,fault-idle --inflations 1,1.5 --stage2-scenarios 20 --jobs 2 --no-report`;
  // Each step prints its exit code; stderr is kept per step.
  const script = [
    `mount -t tmpfs -o size=12k tmpfs ${mnt}`,
    `${sweep} --out ${mnt}/run 2>${tmp}/full.err; echo full=$?`,
    `tail -c 1 ${mnt}/run/raw.csv | od -An -c | tr -d ' '`,
    `mount -o remount,size=1m ${mnt}`,
    `${sweep} --resume ${mnt}/run 2>/dev/null; echo resumed=$?`,
    `cp ${mnt}/run/raw.csv ${tmp}/raw.csv`,
  ].join('\n');
  const out = await new Promise<string>((resolve) =>
    execFile('unshare', ['-m', 'sh', '-c', script], { env: { ...process.env, ...FAULT_SOLVERS_ENV }, timeout: 200_000, encoding: 'utf8' }, (_e, stdout) => resolve(stdout)),
  );
  expect(out).toMatch(/^full=2\n\\n\nresumed=0\n$/);
  const err = readFileSync(join(tmp, 'full.err'), 'utf8').split('\n').filter((l) => l.startsWith('alloc-bench:'));
  expect(err).toEqual([`alloc-bench: cannot write to ${mnt}/run/raw.csv: no space left on the device (disk full); nothing half-written was kept — free space and run again (a sweep continues with --resume DIR) (ENOSPC)`]);
  // 8 cells × 2 inflations, each once.
  const rows = readFileSync(join(tmp, 'raw.csv'), 'utf8').trim().split('\n').slice(1);
  expect(rows).toHaveLength(16);
}, 240_000);
