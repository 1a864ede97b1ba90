/**
 * Child processes for tests, without blocking the test worker: `spawnSync`/`execFileSync` hold the
 * worker's event loop for the whole child run, and vitest's worker RPC times out after 60 s of
 * that on a loaded machine (the whole `npm test` then exits 1 with every test passing). The result
 * has spawnSync's shape, so call sites only gain an `await`.
 */
import { spawn } from 'node:child_process';

export interface ChildResult {
  pid: number | undefined;
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface ChildOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Written to the child's standard input, which is then closed. */
  input?: string;
  /** Killed (SIGKILL) after this many milliseconds; the result then has `signal` set. */
  timeoutMs?: number;
}

export function runChild(command: string, args: string[], options: ChildOptions = {}): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
    child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (status, signal) => { clearTimeout(timer); resolve({ pid: child.pid, status, signal, stdout, stderr }); });
    child.stdin.on('error', () => {}); // a child that exits without reading its input is not a test failure
    child.stdin.end(options.input ?? '');
  });
}

const BIN = new URL('../harness/bin.mjs', import.meta.url).pathname;

/** `node harness/bin.mjs ARGS` — the CLI as a user runs it. */
export function runCli(args: string[], options: ChildOptions = {}): Promise<ChildResult> {
  return runChild(process.execPath, [BIN, ...args], options);
}
