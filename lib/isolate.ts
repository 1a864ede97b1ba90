/**
 * Runs one function of one module in a child process of its own, under a hard wall-clock limit
 * enforced from here. A WebAssembly abort, a memory blow-up, a crash or a hang inside costs that
 * one call: it comes back as a failed outcome with a reason, and the caller carries on.
 *
 * Why a process and not a worker thread: a process is killed for certain (SIGKILL) even inside
 * a native loop, its memory is its own, and killing its process group also ends the native
 * solvers (glpsol, cbc) it spawned. If this process dies without its exit hook (SIGKILL), the
 * child's watchdog thread (isolate-child.mjs) kills that group within about half a second.
 */
import { fork, type ChildProcess } from 'node:child_process';

export interface IsolatedTask {
  /** File URL of the module (TypeScript is fine: the child registers tsx). */
  module: string;
  /** Name of the exported function, called with `input`; it may return a promise. */
  fn: string;
  /** Structured-clonable argument. */
  input: unknown;
  /** Called with what the function reports through its second argument, `(progress) => void`, while it runs. */
  onProgress?: (progress: unknown) => void;
}

export type IsolatedOutcome<T> =
  | { ok: true; value: T; wall_time_s: number }
  | { ok: false; reason: 'threw' | 'crashed' | 'hard_limit'; message: string; wall_time_s: number };

/**
 * Longest time limit a flag, solver option or grid field may ask for, s (7 days). Node's timers hold
 * at most 2^31 − 1 ms (24.8 days) and fire after 1 ms when asked for more, which killed solves
 * at once; limits above this are refused with exit 2, and the hard limits derived from them
 * (limit plus grace, a cell's sum of limits) are kept in range by `setLongTimeout`.
 */
export const MAX_TIME_LIMIT_S = 604_800;
/** Longest delay one Node timer takes, ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** `setTimeout` for any finite delay: a delay above MAX_TIMER_MS is waited out in several timers. */
export function setLongTimeout(fn: () => void, ms: number): { cancel(): void } {
  let timer: NodeJS.Timeout;
  const deadline = Date.now() + ms;
  const arm = (left: number) => {
    timer = setTimeout(() => {
      const rest = deadline - Date.now();
      if (rest > 0 && left > MAX_TIMER_MS) arm(rest);
      else fn();
    }, Math.max(0, Math.min(left, MAX_TIMER_MS)));
  };
  arm(ms);
  return { cancel: () => clearTimeout(timer) };
}

const CHILD = new URL('./isolate-child.mjs', import.meta.url);
const TAIL_CHARS = 2000;

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** SIGKILL to the child's whole process group (it was started detached, as a group leader). */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

export function runIsolated<T>(task: IsolatedTask, hardLimitS: number): Promise<IsolatedOutcome<T>> {
  if (!exitHookInstalled) {
    process.on('exit', () => running.forEach(killGroup));
    exitHookInstalled = true;
  }
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  return new Promise((resolve) => {
    const child = fork(CHILD, [], { serialization: 'advanced', stdio: ['ignore', 'pipe', 'pipe', 'ipc'], detached: true });
    running.add(child);
    let tail = '';
    const keep = (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-TAIL_CHARS);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);

    let settled = false;
    const settle = (outcome: IsolatedOutcome<T>) => {
      if (settled) return;
      settled = true;
      timer.cancel();
      resolve(outcome);
    };
    const timer = setLongTimeout(() => {
      killGroup(child);
      settle({ ok: false, reason: 'hard_limit', message: `killed at the hard limit of ${hardLimitS} s`, wall_time_s: elapsed() });
    }, hardLimitS * 1000);

    child.on('message', (reply: { ok: true; value: T } | { ok: false; message: string } | { progress: unknown }) => {
      if ('progress' in reply) return void (settled ? undefined : task.onProgress?.(reply.progress));
      settle(reply.ok ? { ok: true, value: reply.value, wall_time_s: elapsed() } : { ok: false, reason: 'threw', message: reply.message, wall_time_s: elapsed() });
    });
    child.on('error', (err) => {
      killGroup(child);
      settle({ ok: false, reason: 'crashed', message: `could not run the child process: ${err.message}`, wall_time_s: elapsed() });
    });
    child.on('exit', () => {
      running.delete(child);
      // Whatever the child started in its group (a native solver) goes with it.
      killGroup(child);
    });
    // 'close' comes after the last message and output, so a reply is never mistaken for a crash.
    child.on('close', (code, signal) => settle({ ok: false, reason: 'crashed', message: describeCrash(code, signal, tail), wall_time_s: elapsed() }));
    child.send({ module: task.module, fn: task.fn, input: task.input });
  });
}

function describeCrash(code: number | null, signal: NodeJS.Signals | null, tail: string): string {
  const last = tail.trim().split('\n').slice(-3).join(' | ');
  const oom = /out of memory|heap limit|Cannot enlarge memory|Array buffer allocation failed/i.test(tail);
  const what = oom
    ? 'out of memory'
    : signal === 'SIGKILL'
      ? 'killed by SIGKILL (out of memory?)'
      : signal
        ? `aborted (${signal})`
        : `exited with code ${code} before replying`;
  return last ? `${what}: ${last}` : what;
}
