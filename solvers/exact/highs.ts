/**
 * highs-js back-end through its model API (docs/exact.md): a fresh WebAssembly instance per solve
 * (reuse changed results and doubled memory), the model passed as arrays in our column order,
 * the bound and gap from `info`. Arrays, not LP text: at (50,50,50) the 168 MiB LP text was more
 * than highs-js's reader could buffer, while the arrays take ~280 MiB of its 2 GiB heap.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import highsModule, { type Highs, type ModelData, type Model as HighsModel } from 'highs';
import { secondsLeft, type Backend, type BackendOptions, type BackendResult } from './backend.ts';
import { modelSize, type MilpModel } from './model.ts';
import { TrajectoryRecorder } from '../trajectory.ts';

// The package's types describe its CommonJS build (loader at `.default`); under ESM Node loads
// the .mjs build, whose default export is the loader itself.
const highsLoader = highsModule as unknown as (settings?: object) => Promise<Highs>;

let compiled: Promise<WebAssembly.Module> | undefined;

/**
 * A fresh HiGHS instance (its own memory: nothing is shared between solves) on machine code
 * compiled once per process. The package's loader compiles its 3.4 MiB of WebAssembly on every
 * call, and V8 then re-optimises it on a background thread: column generation loads one instance
 * per LP, and that background work took a core from whatever ran next.
 */
function loadHighs(): Promise<Highs> {
  compiled ??= readFile(join(dirname(createRequire(import.meta.url).resolve('highs')), 'highs.wasm')).then((bytes) => WebAssembly.compile(bytes));
  return compiled.then(
    (code) =>
      new Promise<Highs>((resolve, reject) => {
        const instantiateWasm = (imports: WebAssembly.Imports, receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) => {
          WebAssembly.instantiate(code, imports).then((instance) => receive(instance, code), reject);
          return {};
        };
        highsLoader({ instantiateWasm }).then(resolve, reject);
      }),
  );
}

/** highs-js's WebAssembly memory cannot grow past 2 GiB (its getHeapMax). */
const HEAP_CAP_BYTES = 2 ** 31;
const mib = (bytes: number) => Math.round(bytes / 2 ** 20);

/**
 * The row's message for a WebAssembly abort. An abort without a reason is HiGHS's C++ runtime
 * terminating on an uncaught exception; with exceptions compiled out that is in practice a failed
 * allocation (failed assertions carry a reason). Heap growth goes in 20% steps, so a failed
 * allocation from a heap past half the cap is an allocation that would not fit below the cap.
 */
export function abortMessage(err: unknown, heapBytes: number): string {
  const text = err instanceof Error ? err.message : String(err);
  const heap = `WebAssembly heap ${mib(heapBytes)} MiB of ${mib(HEAP_CAP_BYTES)} MiB`;
  if (/^Aborted\(\)/.test(text) && heapBytes >= HEAP_CAP_BYTES / 2) return `out of memory (${heap})`;
  return `HiGHS aborted: ${text.replace(/\. Build with -sASSERTIONS for more info\.$/, '')} (${heap})`;
}

/** The model as highs-js's structured input: rows in CSR form, binaries as integers in [0, 1]. */
export function modelData(highs: Pick<Highs, 'infinity'>, model: MilpModel): ModelData {
  const { cols, rows } = model;
  const { nonzeros, integer_cols } = modelSize(model);
  const starts = new Int32Array(rows.length + 1);
  const indices = new Int32Array(nonzeros);
  const values = new Float64Array(nonzeros);
  let k = 0;
  rows.forEach((row, n) => {
    starts[n] = k;
    indices.set(row.cols, k);
    values.set(row.coefs, k);
    k += row.cols.length;
  });
  starts[rows.length] = k;
  const finite = (v: number) => (v === Infinity ? highs.infinity : v === -Infinity ? -highs.infinity : v);
  return {
    numCols: cols.length,
    numRows: rows.length,
    colCost: Float64Array.from(cols, (c) => c.cost),
    colLower: Float64Array.from(cols, (c) => finite(c.lb)),
    colUpper: Float64Array.from(cols, (c) => finite(c.ub)),
    rowLower: Float64Array.from(rows, (r) => (r.sense === '=' ? r.rhs : -highs.infinity)),
    rowUpper: Float64Array.from(rows, (r) => r.rhs),
    matrix: { format: 'csr', numRows: rows.length, numCols: cols.length, starts, indices, values },
    // Without integer columns (an LP relaxation) HiGHS gets no integrality vector and solves an LP.
    ...(integer_cols > 0 ? { integrality: Int32Array.from(cols, (c) => (c.kind === 'continuous' ? 0 : 1)) } : {}),
  };
}

export const solveWithHighs: Backend = async (model, opts) => {
  const highs = await loadHighs();
  let m: HighsModel | undefined;
  try {
    m = highs.createModel(modelData(highs, model));
    return runModel(highs, m, model, opts);
  } catch (err) {
    if (!(err instanceof WebAssembly.RuntimeError)) throw err;
    // After an abort the instance is unusable (dispose would throw): report and let it go.
    m = undefined;
    return { status: 'error', message: abortMessage(err, highs.memoryBytes) };
  } finally {
    m?.dispose();
  }
};

export interface LpSolution {
  /** Solved to optimality; otherwise the other fields are what HiGHS had when it stopped. */
  optimal: boolean;
  objective: number;
  /** Row duals in model row order (minimisation: ≤ 0 on a binding ≤ row). */
  rowDual: Float64Array;
  colValue: Float64Array;
}

/** An LP (every column continuous) with its duals, in this process: column generation's master. */
export async function solveLpWithDuals(model: MilpModel, timeLimitS: number): Promise<LpSolution> {
  const highs = await loadHighs();
  const m = highs.createModel(modelData(highs, model));
  try {
    m.options.set({ time_limit: Math.max(0.1, timeLimitS), output_flag: false });
    m.run();
    const sol = m.getSolution();
    return {
      optimal: m.getModelStatus() === highs.constants.modelStatus.optimal,
      objective: Number(m.info.get('objective_function_value')),
      rowDual: Float64Array.from(sol.rowDual),
      colValue: Float64Array.from(sol.colValue),
    };
  } finally {
    m.dispose();
  }
}

/**
 * Heap past which a MIP solve is stopped at its next checkpoint, keeping its incumbent and bound:
 * growing into the 2 GiB cap aborts HiGHS and loses both (at (30,30,30), warm-started, after
 * 470 s of a 600 s limit). The capacity grows in 20% steps, so a stop at 1.5 GiB still leaves
 * room to finish.
 */
const HEAP_GUARD_BYTES = 0.75 * HEAP_CAP_BYTES;

function runModel(highs: Highs, m: HighsModel, model: MilpModel, opts: BackendOptions): BackendResult {
  const S = highs.constants.modelStatus;
  m.options.set({
    time_limit: secondsLeft(opts),
    mip_rel_gap: opts.gap,
    output_flag: false,
    ...(opts.seed !== undefined ? { random_seed: opts.seed } : {}),
    ...(opts.max_nodes !== undefined ? { mip_max_nodes: opts.max_nodes } : {}),
    ...(opts.presolve === false ? { presolve: 'off' } : {}),
  });
  if (opts.start) m.setSolution({ colValue: opts.start });
  let first: number | undefined;
  let guardedAt: number | undefined;
  const guard = opts.heap_guard_bytes ?? HEAP_GUARD_BYTES;
  // Anytime data (solvers/trajectory.ts): each new incumbent and each rise of the dual bound, at HiGHS's running time.
  const trajectory = new TrajectoryRecorder();
  const observe = (data: { running_time?: number; objective_function_value?: number; mip_dual_bound?: number }, incumbent: boolean) => {
    const t = data.running_time;
    if (incumbent && data.objective_function_value !== undefined) trajectory.incumbentAt(data.objective_function_value, t);
    if (data.mip_dual_bound !== undefined) trajectory.boundAt(data.mip_dual_bound, t);
  };
  m.run({
    [highs.constants.callbackType.mipImprovingSolution](event) {
      first ??= event.data.objective_function_value;
      observe(event.data, true);
    },
    [highs.constants.callbackType.mipInterrupt](event) {
      observe(event.data, false);
      if (highs.memoryBytes < guard) return;
      guardedAt = highs.memoryBytes;
      event.interrupt();
    },
  });
  const status = m.getModelStatus();
  const hasSolution = m.info.get('primal_solution_status') === highs.constants.solutionStatus.feasible;
  const result: BackendResult = {
    status: 'error', ...(first !== undefined ? { first_incumbent: first } : {}), ...(trajectory.points.length ? { trajectory: trajectory.points } : {}),
  };
  if (status === S.optimal) result.status = 'optimal';
  else if (status === S.infeasible) result.status = 'infeasible';
  else if (status === S.timeLimit || (status === S.interrupted && guardedAt !== undefined)) {
    // A stop by the heap guard is a limit like the clock: incumbent and bound are what HiGHS has.
    result.status = hasSolution ? 'time_limit_feasible' : 'time_limit_no_solution';
    if (guardedAt !== undefined) result.message = `stopped before its time limit by the memory guard (WebAssembly heap ${mib(guardedAt)} MiB of ${mib(HEAP_CAP_BYTES)} MiB)`;
  } else if (status === S.solutionLimit && opts.max_nodes !== undefined) {
    result.status = hasSolution ? 'time_limit_feasible' : 'time_limit_no_solution';
    result.message = `stopped at its node limit (${opts.max_nodes})`;
  } else result.message = `HiGHS stopped with model status ${status}`;
  // A model without integer columns (nothing can be deployed) is solved as an LP, and the
  // MIP figures stay at their defaults: an optimal LP is its own bound.
  const isMip = modelSize(model).integer_cols > 0;
  const objective = Number(m.info.get('objective_function_value'));
  const bound = isMip ? Number(m.info.get('mip_dual_bound')) : result.status === 'optimal' ? objective : NaN;
  if (Number.isFinite(bound)) result.bound = bound;
  if (hasSolution && (result.status === 'optimal' || result.status === 'time_limit_feasible')) {
    result.values = Float64Array.from(m.getSolution().colValue);
    result.objective = objective;
    result.gap = isMip ? Number(m.info.get('mip_gap')) : 0;
  }
  return result;
}
