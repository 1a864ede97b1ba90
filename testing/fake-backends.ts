/**
 * Deliberately broken back-ends for the isolation tests: each fails the way a real one can
 * (a thrown error, a WebAssembly abort, a native crash, a hang that ignores its time limit).
 */
import type { Backend } from '../solvers/exact/backend.ts';

export const throwing: Backend = async () => {
  throw new Error('fake back-end failed');
};

/** What highs-js does near the 2 GiB WebAssembly cap. */
export const wasmAbort: Backend = async () => {
  throw new WebAssembly.RuntimeError('Aborted(). Build with -sASSERTIONS for more info.');
};

/** A native abort that takes the whole process down. */
export const crashing: Backend = async () => process.abort();

/** Never returns and never yields: only a kill from outside ends it. */
export const hanging: Backend = async () => {
  for (;;);
};

/** Gives every column its lower bound: a valid (all-unmet) answer, to show the next solve works. */
export const trivial: Backend = async (model) => ({
  status: 'time_limit_feasible',
  values: Float64Array.from(model.cols, (c) => (c.name.startsWith('u_') ? 1 : c.lb)),
  objective: model.cols.reduce((sum, c) => sum + (c.name.startsWith('u_') ? c.cost : 0), 0),
});
