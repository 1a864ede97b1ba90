/**
 * Native cross-check back-ends: glpsol (glpk-utils) and cbc (coinor-cbc) solve the exported LP
 * file in a temporary directory; their outputs are read as docs/exact.md describes. They run inside
 * the isolated child, whose process group is killed at the hard limit (cbc's root LP ignores
 * its own time limit).
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { relativeGap, secondsLeft, valuesByName, type Backend, type BackendResult } from './backend.ts';
import { TrajectoryRecorder, type TrajectoryPoint } from '../trajectory.ts';
import { glpkFigures, glpkStatus, parseGlpkLog, type GlpkSolutionState } from './glpk-log.ts';
import { toLpText } from './lp-format.ts';
import { modelSize, type MilpModel } from './model.ts';
import { MAX_TIMER_MS } from '../../lib/isolate.ts';

/** Debian package that provides each binary, for the "not installed" message. */
export const NATIVE_PACKAGES = { glpsol: 'glpk-utils', cbc: 'coinor-cbc' } as const;

export function onPath(binary: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, binary), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Runs `binary` on `model.lp` (plus any `extra` files) in a fresh temporary directory; `read` gets
 * the directory and the output. `args` is called once the files are written, so a time limit
 * computed in it leaves out the ~20 s of writing a (50,50,50) LP file.
 */
async function withLpFile(
  model: MilpModel,
  binary: string,
  args: () => string[],
  read: (dir: string, output: string) => BackendResult,
  extra: Record<string, string> = {},
  interruptAt?: number,
): Promise<BackendResult> {
  const dir = mkdtempSync(join(tmpdir(), `alloc-${binary}-`));
  try {
    writeFileSync(join(dir, 'model.lp'), toLpText(model));
    for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, name), text);
    const { code, output } = await run(binary, args(), dir, interruptAt);
    try {
      return read(dir, output);
    } catch (err) {
      const tail = output.trim().split('\n').slice(-3).join(' | ');
      return { status: 'error', message: `${binary} exited with code ${code}; its output could not be read (${(err as Error).message}): ${tail}` };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * cbc checks its `sec` limit only between nodes and not in the root LP (one run overshot 60 s by
 * 93 s). At the deadline plus this grace it gets SIGINT, on which it stops like on its own limit
 * and writes its incumbent; the isolated child's hard limit (solvers.ts, at least 15 s past the
 * limit) stays the backstop if it does not react.
 */
const INTERRUPT_GRACE_MS = 5000;

function run(binary: string, args: string[], cwd: string, interruptAt?: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = interruptAt === undefined ? undefined : setTimeout(() => child.kill('SIGINT'), Math.min(MAX_TIMER_MS, Math.max(0, interruptAt - Date.now())));
    child.on('close', () => clearTimeout(timer));
    const chunks: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => chunks.push(b));
    child.stderr.on('data', (b: Buffer) => chunks.push(b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output: Buffer.concat(chunks).toString() }));
  });
}

/**
 * Share of the time left that a binary is given as its own limit. cbc's preprocessing, root
 * heuristics and post-processing do not look at the clock: at (20,20,20) on a loaded machine, a
 * 40 s limit ended after 70 s (root heuristic until 51 s, then 18 s to undo preprocessing and
 * write out).
 */
const NATIVE_TIME_SHARE = 0.8;

/**
 * glpsol's clock starts with its simplex, after it has read the LP file and run the MIP
 * presolve: at (50,50,50) (5.1 M non-zeros) those took 20 s and 21 s, so a 120 s limit ended
 * after 161 s. Its limit is also cut by this much per non-zero.
 */
const GLPSOL_UNCOUNTED_S_PER_NONZERO = 8e-6;

/** Both binaries take whole seconds. */
const wholeSeconds = (s: number) => Math.max(1, Math.floor(s));

export const solveWithGlpsol: Backend = (model, opts) =>
  withLpFile(
    model,
    'glpsol',
    // --wglp writes the problem with its column names, -w the solution by column number at full precision.
    () => ['--lp', 'model.lp', '--tmlim', String(wholeSeconds(NATIVE_TIME_SHARE * secondsLeft(opts) - GLPSOL_UNCOUNTED_S_PER_NONZERO * modelSize(model).nonzeros)), '--mipgap', String(opts.gap), '--wglp', 'names.glp', '-w', 'sol.txt'],
    (dir, output) => readGlpsol(model, output, readFileSync(join(dir, 'names.glp'), 'utf8'), readFileSync(join(dir, 'sol.txt'), 'utf8')),
  );

export function readGlpsol(model: MilpModel, log: string, problem: string, solution: string): BackendResult {
  const facts = parseGlpkLog(log);
  // `s mip m n STATUS obj` for a MIP; `s bas m n PRIMAL DUAL obj` when the model has no integer
  // column and glpsol solved it as an LP (optimal when both are feasible).
  const head = /^s (mip|bas) \d+ \d+ ([ofuni])(?: ([ofuni]))? (\S+)$/m.exec(solution);
  if (!head) throw new Error('no "s mip" or "s bas" line in the solution file');
  const mipStates = { o: 'optimal', f: 'feasible', n: 'no_feasible' } as const satisfies Record<string, GlpkSolutionState>;
  const state: GlpkSolutionState =
    head[1] === 'mip'
      ? (mipStates[head[2] as keyof typeof mipStates] ?? 'undefined')
      : head[2] === 'f' && head[3] === 'f' ? 'optimal' : head[2] === 'n' ? 'no_feasible' : 'undefined';
  const result: BackendResult = { ...glpkStatus(state, facts), bound: facts.bound };
  if (result.status === 'optimal' || result.status === 'time_limit_feasible') {
    const numberOf = new Map<string, string>();
    for (const m of problem.matchAll(/^n j (\d+) (\S+)$/gm)) numberOf.set(m[2], m[1]);
    const byNumber = new Map<string, number>();
    // `j col value` (MIP) or `j col basis-status value dual` (LP).
    for (const m of solution.matchAll(/^j (\d+) (?:[blufs] )?(\S+)(?: \S+)?$/gm)) byNumber.set(m[1], Number(m[2]));
    Object.assign(result, glpkFigures(state, Number(head[4]), facts), {
      values: valuesByName(model, (name) => byNumber.get(numberOf.get(name) ?? '')),
    });
  }
  return result;
}

export const solveWithCbc: Backend = (model, opts) => {
  let limitS = 0;
  let startedAt = 0;
  return withLpFile(
    model,
    'cbc',
    () => {
      limitS = wholeSeconds(NATIVE_TIME_SHARE * secondsLeft(opts));
      startedAt = Date.now();
      return [
        'model.lp',
        // `mips` reads a start in the format of cbc's own solution file (`solu`).
        ...(opts.start ? ['mips', 'start.txt'] : []),
        ...(opts.threads !== undefined ? ['threads', String(opts.threads)] : []),
        // cbc's `sec` counts CPU seconds by default: on a loaded machine a 20 s limit stopped after
        // 41 s of wall time. The user's limit is wall-clock.
        'timeMode', 'elapsed',
        'sec', String(limitS),
        'ratio', String(opts.gap),
        ...(opts.seed !== undefined ? ['randomCbcSeed', String(opts.seed)] : []),
        'solve', 'solu', 'sol.txt',
      ];
    },
    (dir, output) => readCbc(model, output, readFileSync(join(dir, 'sol.txt'), 'utf8'), (Date.now() - startedAt) / 1000 >= limitS),
    opts.start ? { 'start.txt': cbcStart(model, opts.start) } : {},
    opts.deadline_ms + INTERRUPT_GRACE_MS,
  );
};

/** A start as cbc writes solutions: a status line, then `index name value` per non-zero column. */
export function cbcStart(model: MilpModel, values: Float64Array): string {
  const lines = ['Feasible - objective value 0'];
  values.forEach((v, n) => {
    if (v !== 0) lines.push(`${n} ${model.cols[n].name} ${v}`);
  });
  return `${lines.join('\n')}\n`;
}

/**
 * Anytime data from cbc's log (solvers/trajectory.ts): `Integer solution of X … (T seconds)` is a
 * new incumbent, `… best possible B (T seconds)` the bound at T; T is cbc's elapsed time. Lines
 * without a time are skipped.
 */
export function cbcTrajectory(log: string): TrajectoryPoint[] {
  const rec = new TrajectoryRecorder();
  for (const line of log.split('\n')) {
    const t = /\((\d+(?:\.\d+)?) seconds\)/.exec(line)?.[1];
    if (t === undefined) continue;
    const incumbent = /Integer solution of (\S+)/.exec(line)?.[1];
    if (incumbent !== undefined) rec.incumbentAt(Number(incumbent), Number(t));
    const bound = /best possible (\S+)/.exec(line)?.[1];
    if (bound !== undefined) rec.boundAt(Number(bound.replace(/,$/, '')), Number(t));
  }
  return rec.points;
}

/** `atLimit`: cbc ran until its own time limit (or past it). */
export function readCbc(model: MilpModel, log: string, solution: string, atLimit = false): BackendResult {
  const first = solution.split('\n', 1)[0];
  const objective = Number(/objective value (\S+)/.exec(first)?.[1]);
  const lowerBound = /^Lower bound:\s+(\S+)/m.exec(log);
  // The first incumbent: a start cbc accepted, or the first integer solution it found.
  // (The cost on the MIPStart line can be of the preprocessed model: 368 for a start of $1190 at
  // (20,20,20), whose first "Integer solution" was 1185.)
  const firstFound = /Integer solution of (\S+)/.exec(log) ?? /MIPStart provided solution with cost (\S+)/.exec(log);
  const trajectory = cbcTrajectory(log);
  const result: BackendResult = { status: 'error', ...(firstFound ? { first_incumbent: Number(firstFound[1]) } : {}), ...(trajectory.length ? { trajectory } : {}) };
  // Trap (docs/exact.md): on a time-out without an integer solution the file carries the LP
  // relaxation's value; that is no plan.
  if (/no integer solution/.test(first)) result.status = 'time_limit_no_solution';
  else if (/^Optimal/.test(first)) result.status = 'optimal';
  // `Stopped on time`, or `Stopped on iterations` after our SIGINT at the time limit.
  else if (/^Stopped on (time|iterations)/.test(first)) result.status = 'time_limit_feasible';
  else if (/[Ii]nfeasible/.test(first)) {
    // Said as its clock ran out, "infeasible" proves nothing: at (30,30,30) cbc wrote it for a
    // feasible instance after stopping at its limit in the root work.
    if (atLimit || /Exiting on maximum time|Stopped on time limit/.test(log)) {
      result.status = 'time_limit_no_solution';
      result.message = `cbc wrote "${first}" at its time limit: no proof of infeasibility`;
    } else result.status = 'infeasible';
  } else result.message = `cbc: ${first}`;
  result.bound = lowerBound ? Number(lowerBound[1]) : result.status === 'optimal' ? objective : undefined;
  if (result.status === 'optimal' || result.status === 'time_limit_feasible') {
    const values = new Map<string, number>();
    // `index name value reduced-cost`, non-zero columns only; `**` marks a value off its bounds.
    for (const m of solution.matchAll(/^\s*(?:\*\*\s*)?\d+\s+(\S+)\s+(\S+)\s+\S+\s*$/gm)) values.set(m[1], Number(m[2]));
    result.values = valuesByName(model, (name) => values.get(name));
    result.objective = objective;
    if (result.bound !== undefined) result.gap = relativeGap(objective, result.bound);
  }
  return result;
}
