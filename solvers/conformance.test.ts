/**
 * Conformance of every registered solver (read from the registry, so new solvers are covered
 * automatically) on a corpus of generated instances: sizes (1,1,1)…(12,12,12), scenarios S1–S5,
 * both SLO modes, two seeds (one at (12,12,12), where agh-lns takes seconds a solve).
 *
 * Feasibility criterion: the plan that serves nothing (u = 1, nothing deployed) satisfies every
 * row of docs/model.md §4 on every instance (checked below), so every instance is feasible and a
 * solver that claims feasibility must return an evaluator-accepted plan on all of them — also
 * where full service is impossible, by leaving demand unmet rather than breaking a row. Exact
 * solvers (slow) run only on the smallest sizes, with a short time limit; a time-limit status
 * without a plan is accepted.
 */
import { describe, expect, it } from 'vitest';
import { generateInstance, type Sizes } from '../generators/instance.ts';
import { DEFAULT_PROFILE_PATH, loadProfileBundle } from '../traces/profile.ts';
import { evaluate } from './problem/evaluator.ts';
import { parsePlan } from './problem/schema.ts';
import type { Instance, Plan, ScenarioId, SloMode } from './problem/types.ts';
import { listSolvers, resolveOptions } from './registry.ts';
import type { Solver, SolveResult } from './solver.ts';

const SIZES: Sizes[] = [
  { I: 1, J: 1, K: 1 },
  { I: 2, J: 3, K: 2 },
  { I: 3, J: 4, K: 5 },
  { I: 6, J: 6, K: 10 },
  { I: 12, J: 12, K: 12 },
];
const SCENARIOS: ScenarioId[] = ['S1', 'S2', 'S3', 'S4', 'S5'];
const MODES: SloMode[] = ['average', 'per-route'];
const SEEDS = [1, 2];
const LARGEST = SIZES[SIZES.length - 1];
/**
 * Exact solvers (a child process per solve) only on instances this small, seed 1, S1 in average
 * mode and S5 in per-route mode (both modes and both budget regimes, half the solves), with this
 * time limit.
 */
const EXACT_MAX_TYPES = 2;
const EXACT_CELLS: [ScenarioId, SloMode][] = [['S1', 'average'], ['S5', 'per-route']];
const EXACT_TIME_LIMIT_S = 5;
/**
 * Determinism is checked up to base size: every step of the heuristics is there too (agh-lns's
 * polishing runs up to (20,20,20)), and at (12,12,12) agh-lns's two solves of each instance took
 * about a third of this file's time.
 */
const DETERMINISM_MAX_TYPES = 6;

const profile = loadProfileBundle(DEFAULT_PROFILE_PATH);
const corpus: Instance[] = SIZES.flatMap((sizes) =>
  SCENARIOS.flatMap((scenario) =>
    MODES.flatMap((sloMode) =>
      SEEDS.filter((seed) => seed === 1 || sizes.I < LARGEST.I).map((seed) => generateInstance({ sizes, seed, scenario, sloMode, profile, profileName: 'traces/profiles/azure-2023.json' })),
    ),
  ),
);

function optionsFor(solver: Solver): Record<string, string | number | boolean> {
  return solver.kind === 'exact' && 'time_limit_s' in solver.options ? { time_limit_s: EXACT_TIME_LIMIT_S } : {};
}

function corpusFor(solver: Solver): Instance[] {
  return solver.kind === 'exact'
    ? corpus.filter((inst) => inst.types.length <= EXACT_MAX_TYPES && inst.meta.seed === 1 && EXACT_CELLS.some(([sc, mode]) => inst.meta.scenario === sc && inst.system.slo_mode === mode))
    : corpus;
}

const hasPlan = (r: SolveResult): r is SolveResult & { plan: Plan } => r.plan !== null;

/**
 * The instances grouped by size and scenario, as `[label, instances]` rows for `it.for` (empty
 * groups dropped): each test's timeout then covers a few solves, not the whole corpus (agh-lns
 * takes seconds a base-size solve, more on a loaded machine).
 */
function bySize(instances: Instance[]): [string, Instance[]][] {
  return SIZES.flatMap((z) => SCENARIOS.map((sc): [string, Instance[]] => [
    `(${z.I},${z.J},${z.K}) ${sc}`,
    instances.filter((x) => x.meta.sizes.I === z.I && x.meta.sizes.J === z.J && x.meta.sizes.K === z.K && x.meta.scenario === sc),
  ])).filter(([, group]) => group.length > 0);
}

it('the serve-nothing plan is feasible on every corpus instance (the feasibility criterion)', () => {
  for (const inst of corpus) {
    const empty: Plan = {
      schema: 'llm-alloc-bench/plan@1', instance_id: inst.meta.id, solver: 'none',
      stored_models: [], deployments: [], routes: [], unmet: inst.types.map(() => 1),
    };
    expect(evaluate(inst, empty).violations, inst.meta.id).toEqual([]);
  }
});

describe.each(listSolvers().map((s) => [s.name, s] as const))('solver %s', (_name, solver) => {
  const { options } = resolveOptions(solver, optionsFor(solver));
  const instances = corpusFor(solver);
  const claims = solver.claimsFeasibility(options);

  it.for(bySize(instances))(`returns schema-valid plans${claims ? ' that the evaluator accepts' : ''}, with its objective matching the evaluator's, at %s`, async ([, group], ctx) => {
    for (const inst of group) {
      const r = await solver.solve(inst, options);
      // A native solver whose binary is missing on this machine is skipped visibly, not failed.
      if (r.status === 'error' && /not installed/.test(r.message ?? '')) ctx.skip(r.message);
      expect(r.status, inst.meta.id).not.toBe('error');
      if (solver.kind === 'heuristic') expect(r.status, inst.meta.id).toBe('completed');
      if (!hasPlan(r)) {
        expect(['time_limit_no_solution', 'infeasible'], inst.meta.id).toContain(r.status);
        continue;
      }
      const plan = parsePlan(JSON.parse(JSON.stringify(r.plan)), inst, `${solver.name} on ${inst.meta.id}`);
      const ev = evaluate(inst, plan);
      if (claims) expect(ev.violations, `${solver.name} on ${inst.meta.id}`).toEqual([]);
      if (r.solver_objective_usd !== undefined) {
        expect(Math.abs(r.solver_objective_usd - ev.cost_usd), inst.meta.id).toBeLessThanOrEqual(1e-6 * Math.max(1, ev.cost_usd));
      }
    }
  });

  it('lets the event loop run during a solve (timers and pipes of its caller are not held up)', async () => {
    // An immediate scheduled before the solve runs before the solve resolves only if the solver
    // awaited a macrotask (lib/yield.ts, or a child process): awaiting synchronous work alone would
    // run nothing but microtasks, and a caller looping over such solves would starve its event loop.
    let ran = false;
    setImmediate(() => { ran = true; });
    await solver.solve(instances[0], options);
    expect(ran).toBe(true);
  });

  it.runIf(solver.deterministic).for(bySize(instances.filter((inst, n) => (solver.kind === 'exact' ? n === 0 : n % 3 === 0 && inst.types.length <= DETERMINISM_MAX_TYPES))))('reproduces the same plan for the same instance and options at %s', async ([, group], ctx) => {
    // Every third instance up to base size; exact solvers (a process per solve) only on the first.
    for (const inst of group) {
      const [a, b] = [await solver.solve(inst, options), await solver.solve(inst, options)];
      if (a.status === 'error' && /not installed/.test(a.message ?? '')) ctx.skip(a.message);
      // A solve cut short by a clock is not expected to repeat itself.
      if (a.status.startsWith('time_limit') || a.diagnostics?.time_cap_hit === true) continue;
      expect(b.plan, inst.meta.id).toEqual(a.plan);
    }
  });
});

/**
 * Ablated heuristic runs (docs/heuristics.md: each flag removes a mechanism with its guard): plans stay
 * well-formed and the evaluator scores them — two layouts on one pair, routes over their delay
 * SLO — and the objective still matches; noM2 keeps every guard, so its plans must be accepted.
 */
const ABLATION_FLAGS = ['noM1', 'noM2', 'noM3'] as const;
const ablatable = listSolvers().filter((s) => s.kind === 'heuristic' && ABLATION_FLAGS.every((f) => f in s.options));
// S3 (the critical budget, where guards bind), seed 1, sizes up to the base instance: agh-lns costs seconds a base-size solve.
const ablationCorpus = corpus.filter((inst) => inst.types.length <= 6 && inst.meta.seed === 1 && inst.meta.scenario === 'S3');

describe.each(ablatable.flatMap((s) => ABLATION_FLAGS.map((f) => [`${s.name}:${f}`, s, f] as const)))('ablated %s', (_label, solver, flag) => {
  const { options } = resolveOptions(solver, { [flag]: true });
  const claims = solver.claimsFeasibility(options);

  it(`returns schema-valid plans${claims ? ' that the evaluator accepts' : ' that the evaluator scores'}, with its objective matching the evaluator's`, async () => {
    expect(claims).toBe(flag === 'noM2');
    for (const inst of ablationCorpus) {
      const r = await solver.solve(inst, options);
      expect(r.status, inst.meta.id).toBe('completed');
      const plan = parsePlan(JSON.parse(JSON.stringify(r.plan)), inst, `${solver.name}:${flag} on ${inst.meta.id}`);
      const ev = evaluate(inst, plan);
      if (claims) expect(ev.violations, `${solver.name}:${flag} on ${inst.meta.id}`).toEqual([]);
      expect(Math.abs(r.solver_objective_usd! - ev.cost_usd), inst.meta.id).toBeLessThanOrEqual(1e-6 * Math.max(1, ev.cost_usd));
    }
  });
});
