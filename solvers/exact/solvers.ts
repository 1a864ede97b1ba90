/**
 * The exact solvers of the registry: one factory, four back-ends. Every solve runs in an isolated
 * child (`isolate.ts`) under a hard limit of the user's time limit plus a grace period, so a
 * back-end that overruns, aborts or hangs costs one result.
 */
import { InputError } from '../../lib/errors.ts';
import { yieldToEventLoop } from '../../lib/yield.ts';
import type { Instance } from '../problem/types.ts';
import type { OptionSpec, SolveOptions, SolveResult, Solver } from '../solver.ts';
import { backendOptions } from './backend.ts';
import { MAX_TIME_LIMIT_S, runIsolated } from '../../lib/isolate.ts';
import { NATIVE_PACKAGES, onPath } from './native.ts';
import { REDUCE_WARM_DEFAULT, type BackendRef, type ExactReply, type ExactRequest, type WarmFacts } from './run-exact.ts';
import type { ReducedFacts } from './reduced-path.ts';
import { parseWarmSpec } from './warm-spec.ts';

/**
 * Grace past the time limit before the child is killed. The solvers check their clocks only now
 * and then (docs/exact.md: glpk.js overran by 3–13 s, highs-js by 2–5 s), and the child needs
 * ~0.5 s to start plus the model build.
 */
export function hardLimitS(timeLimitS: number): number {
  return timeLimitS + Math.max(15, 0.25 * timeLimitS);
}

const COMMON_OPTIONS: Record<string, OptionSpec> = {
  time_limit_s: { type: 'number', default: 60, min: 0.001, max: MAX_TIME_LIMIT_S, description: `Wall-clock limit, seconds (at most ${MAX_TIME_LIMIT_S}, 7 days); the solve is killed at the limit plus a grace period` },
  gap: { type: 'number', default: 1e-4, min: 0, max: 1, description: 'Relative MIP gap at which the solve counts as optimal' },
};
const seedOption = (min: number, description: string): OptionSpec => ({ type: 'integer', default: min, min, max: 2147483647, description });
const WARM_OPTION: OptionSpec = {
  type: 'string',
  default: '',
  description: 'Heuristic spec (e.g. agh) whose plan is the first incumbent; its time counts against time_limit_s (default: cold start)',
};

const REDUCE_OPTION: OptionSpec = {
  type: 'boolean',
  default: false,
  description: `Reduced exact path: column generation for the LP bound, reduced-cost fixing from a heuristic's plan (warm, default ${REDUCE_WARM_DEFAULT}), then the MILP over the layouts left; for sizes whose full model does not fit`,
};

const RUN_EXACT = new URL('./run-exact.ts', import.meta.url).href;

export interface ExactSolverSpec {
  name: string;
  description: string;
  backend: BackendRef;
  /** The `seed` option, for back-ends that take a random seed. */
  seed?: OptionSpec;
  /** Native binary the back-end runs, checked on PATH before starting a child. */
  binary?: keyof typeof NATIVE_PACKAGES;
  /** The `warm` option: the back-end takes a start. */
  warm?: boolean;
  /** The `threads` option, for back-ends that can run in parallel. */
  threads?: OptionSpec;
  /** The `reduce` option: the reduced exact path (HiGHS). */
  reduce?: boolean;
}

/** A warm-start spec must name a heuristic; checked before a child is started (bad input: exit 2). */
function checkWarmSpec(solver: string, warm: string): void {
  if (!warm) return;
  if (EXACT_SOLVERS.some((s) => s.name === warm.split(':')[0].trim())) {
    throw new InputError(`solver ${solver}: warm=${warm} must name a heuristic, not an exact solver`);
  }
  parseWarmSpec(warm);
}

export function exactSolver(spec: ExactSolverSpec): Solver {
  const { name, seed, binary, threads } = spec;
  return {
    name,
    description: spec.description,
    kind: 'exact',
    options: {
      ...COMMON_OPTIONS, ...(seed ? { seed } : {}), ...(spec.warm ? { warm: WARM_OPTION } : {}), ...(threads ? { threads } : {}),
      ...(spec.reduce ? { reduce: REDUCE_OPTION } : {}),
    },
    deterministic: true,
    claimsFeasibility: () => true,
    async solve(instance: Instance, options: SolveOptions): Promise<SolveResult> {
      // Even an answer without a child (bad warm spec, binary missing) lets the caller's loop run.
      await yieldToEventLoop();
      const timeLimit = Number(options.time_limit_s);
      const warm = spec.warm && options.warm ? String(options.warm) : '';
      checkWarmSpec(name, warm);
      if (binary && !onPath(binary)) {
        return { solver: name, status: 'error', plan: null, wall_time_s: 0, message: `${binary} is not installed (not on PATH; Debian package ${NATIVE_PACKAGES[binary]})` };
      }
      const request: ExactRequest = {
        backend: spec.backend,
        label: name,
        instance,
        options: {
          ...backendOptions(timeLimit, Number(options.gap), seed ? Number(options.seed) : undefined),
          ...(threads && options.threads !== undefined ? { threads: Number(options.threads) } : {}),
        },
        ...(warm ? { warm } : {}),
        ...(spec.reduce && options.reduce === true ? { reduce: true } : {}),
      };
      const out = await runIsolated<ExactReply>({ module: RUN_EXACT, fn: 'solveExact', input: request }, hardLimitS(timeLimit));
      if (!out.ok) {
        const message = out.reason === 'hard_limit' ? `${out.message} (time limit ${timeLimit} s)` : out.message;
        return { solver: name, status: 'error', plan: null, wall_time_s: out.wall_time_s, message };
      }
      const r = out.value;
      return {
        solver: name,
        status: r.status,
        plan: r.plan,
        wall_time_s: out.wall_time_s,
        solver_objective_usd: r.objective,
        bound_usd: r.bound,
        gap: r.gap,
        message: [r.message, r.warm && warmNote(r.warm, r.first_incumbent), r.reduced && reducedNote(r.reduced)].filter(Boolean).join('; ') || undefined,
        model_size: r.model_size,
        ...(r.trajectory ? { trajectory: r.trajectory } : {}),
        diagnostics: {
          build_s: r.build_s, solve_s: r.solve_s, ...r.warm, ...r.reduced,
          ...(r.first_incumbent !== undefined ? { first_incumbent_usd: r.first_incumbent } : {}),
        },
      };
    },
  };
}

/** The warm start in the row's message (raw.csv has no column for it; the time is in the row's). */
function warmNote(w: WarmFacts, first: number | undefined): string {
  const firstNote = first === undefined ? '' : `, first incumbent $${first.toFixed(2)}`;
  return `warm start ${w.warm_solver}: $${w.warm_cost_usd.toFixed(2)}${w.warm_feasible ? '' : ' (infeasible)'} in ${w.warm_s.toFixed(2)} s${firstNote}`;
}

/** What the reduced path did, in the row's message. */
function reducedNote(f: ReducedFacts): string {
  const lp = `LP bound $${f.lp_bound_usd.toFixed(2)} by column generation (${f.colgen_rounds} rounds, ${f.master_layouts} of ${f.layouts_total} layouts${f.lp_converged ? '' : ', stopped before converging'}, ${f.colgen_s.toFixed(1)} s)`;
  const restricted = f.support_milp_usd === undefined ? '' : `, MILP over the LP's support ($${f.support_milp_usd.toFixed(2)} in ${f.support_milp_s.toFixed(1)} s)`;
  return `reduced: ${lp}${restricted}, ${f.layouts_kept} layouts kept by reduced-cost fixing`;
}

const ref = (file: string, exported: string): BackendRef => ({ module: new URL(file, import.meta.url).href, name: exported });

export const glpkSolver = exactSolver({
  name: 'glpk',
  description: 'Exact MILP with glpk.js (GLPK in WebAssembly, presolve on)',
  backend: ref('./glpk.ts', 'solveWithGlpk'),
});
export const highsSolver = exactSolver({
  name: 'highs',
  description: 'Exact MILP with highs-js (HiGHS in WebAssembly)',
  backend: ref('./highs.ts', 'solveWithHighs'),
  seed: seedOption(0, 'Random seed of HiGHS (random_seed)'),
  warm: true,
  reduce: true,
});
export const glpsolSolver = exactSolver({
  name: 'glpsol',
  description: 'Exact MILP with native glpsol on the exported LP file (needs glpk-utils)',
  backend: ref('./native.ts', 'solveWithGlpsol'),
  binary: 'glpsol',
});
export const cbcSolver = exactSolver({
  name: 'cbc',
  description: 'Exact MILP with native cbc on the exported LP file (needs coinor-cbc)',
  backend: ref('./native.ts', 'solveWithCbc'),
  // cbc reads randomCbcSeed 0 as "seed from the time of day": not reproducible, so not offered.
  seed: seedOption(1, 'Random seed of cbc\'s heuristics (randomCbcSeed)'),
  binary: 'cbc',
  warm: true,
  // This cbc build (2.10, Debian) runs its branch and bound on several threads (log: Cbc0030I per thread).
  threads: { type: 'integer', default: 1, min: 1, max: 64, description: 'Threads for cbc\'s branch and bound (E1 uses 2, one per core)' },
});

/** The exact solvers in the order `alloc-bench solvers` lists them. */
export const EXACT_SOLVERS: readonly Solver[] = [glpkSolver, highsSolver, glpsolSolver, cbcSolver];
