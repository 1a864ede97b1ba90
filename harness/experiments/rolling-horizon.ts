/**
 * Days of the rolling horizon (docs/experiments.md, E5), each a (σ, demand path) under one policy: the
 * policy plans slot by slot (harness/experiments/rolling-policies.ts), and each slot is scored on its realised demand
 * over ΔT = 5 min by the stage-2 scenario engine with κ = 1 and a demand factor — the evaluator's
 * cost terms, with capacity overflow dropped and SLO breaches shed, both paid as unmet.
 *
 * Scoring instance: the day's data over one slot at nominal λ; the realised λ(t) enters as the
 * demand factor, so every plan, whatever demand it was made for, is scored on the same instance.
 * No switching cost is charged when a re-solved plan differs from the previous slot's (E5's definition is
 * silent; the rental of each slot is that slot's plan).
 */
import type { CostTerms } from '../../solvers/problem/evaluator.ts';
import { InputError } from '../../lib/errors.ts';
import { compilePlan, realise, type CompiledPlan } from '../../solvers/problem/stress.ts';
import type { Instance, Plan } from '../../solvers/problem/types.ts';
import { parseSolverSpec, type SolverSpec } from '../../solvers/registry.ts';
import type { SolveStatus } from '../../solvers/solver.ts';
import { demandPath, diurnalProfile, SLOT_H, SLOTS_PER_DAY, traceProfile } from './demand-paths.ts';
import { makePolicy, POLICY_SOLVER, SolveLog, STATIC_POLICIES, withDemand, type RollingPolicy } from './rolling-policies.ts';

/** One day of demand: path `path` of volatility σ. */
export interface RollingDay {
  sigma: number;
  path: number;
}

export interface RollingInput {
  instance: Instance;
  /** The days to play, each scored into one row. */
  days: readonly RollingDay[];
  policy: RollingPolicy;
  /** Seed of the demand paths (path p draws its Z series from (seed, p), shared across σ). */
  seed: number;
  /** Exact solver spec for dm-24h, e.g. `highs`. */
  exactSolverSpec?: string;
  /** Overrides the exact solver's `time_limit_s`. */
  exactTimeLimitS?: number;
  /** Called after every slot with the slots played and the slots of all the days. */
  onSlot?: (done: number, total: number) => void;
  /** A trace's arrival counts per 5 minutes (tiled or truncated to a day); default the diurnal curve. */
  profile5min?: readonly number[];
  /** Solver specs of the heuristic policies (default `agh` and `gh`). */
  aghSpec?: string;
  ghSpec?: string;
}

/** One raw row (harness/sweep/columns.ts, rolling): snake_case, units in the names. */
export interface RollingRow extends CostTerms {
  sigma: number;
  path: number;
  policy: RollingPolicy;
  slots: number;
  day_cost_usd: number;
  /** Share of the day's requests not served within SLO: planned unmet, dropped or shed (§8). */
  violation_rate: number;
  /** Its parts: the shares the plans left unmet by design (u), dropped for capacity and shed for SLOs. */
  unmet_rate: number;
  dropped_rate: number;
  shed_rate: number;
  solver_calls: number;
  solve_time_total_s: number;
  solve_time_max_s: number;
  /**
   * Only when a solve gave no plan (the first such solve's status) or one stopped at its time
   * limit or cap (`time_limit_feasible`), and what happened.
   */
  status?: SolveStatus;
  message?: string;
}

/**
 * Plays `input.days` under one policy, a row per day. A static policy (STATIC_POLICIES) is made
 * once for all the days, so its one solve serves every σ and path and each row reports that
 * solve; a re-solving policy starts afresh each day.
 */
export async function runRollingHorizon(input: RollingInput): Promise<RollingRow[]> {
  const { instance, policy, seed } = input;
  const day = withDemand(instance, 1, 24);
  const profile = input.profile5min ? traceProfile(input.profile5min) : diurnalProfile();
  const spec = solverFor(input);
  // Untimed warm-up: module loading and JIT compilation would otherwise land in the first timed
  // heuristic solve (and in agh-5min's solve_time_max_s). An exact solve runs in a fresh process
  // of its own each time, which a warm-up here could not warm.
  if (spec.solver.kind === 'heuristic') await spec.solver.solve(day, spec.options);
  const newPolicy = () => {
    const log = new SolveLog();
    return { plan: makePolicy(policy, spec, { day, profile, slotH: SLOT_H, log }), log };
  };
  const shared = STATIC_POLICIES.has(policy) ? newPolicy() : undefined;
  const scoring = withDemand(day, 1, SLOT_H);
  const compiled = new WeakMap<Plan, CompiledPlan>(); // a static plan is compiled once
  const rows: RollingRow[] = [];
  const slotsTotal = input.days.length * SLOTS_PER_DAY;
  for (const [dayIndex, { sigma, path }] of input.days.entries()) {
    const { plan, log } = shared ?? newPolicy();
    const { multiplier } = demandPath(seed, sigma, path, profile);
    const demand = new Float64Array(day.types.length);
    const terms: CostTerms = { rental_usd: 0, model_storage_usd: 0, token_storage_usd: 0, delay_penalty_usd: 0, unmet_penalty_usd: 0 };
    let requests = 0;
    let violating = 0;
    let unmet = 0;
    let dropped = 0;
    let shed = 0;
    for (let t = 0; t < SLOTS_PER_DAY; t++) {
      const p = await plan(t, multiplier.subarray(0, t)); // the policy sees slots before t only
      let cp = compiled.get(p);
      if (!cp) compiled.set(p, (cp = compilePlan(scoring, p)));
      const out = realise(cp, { demand: demand.fill(multiplier[t]) });
      for (const key of Object.keys(terms) as (keyof CostTerms)[]) terms[key] += out.terms[key];
      requests += out.demand_per_h;
      violating += out.violating_per_h;
      unmet += out.planned_unmet_per_h;
      dropped += out.dropped_per_h;
      shed += out.shed_per_h;
      input.onSlot?.(dayIndex * SLOTS_PER_DAY + t + 1, slotsTotal);
    }
    const failure = log.firstFailure;
    const share = (n: number) => (requests > 0 ? n / requests : 0);
    rows.push({
      sigma,
      path,
      policy,
      slots: SLOTS_PER_DAY,
      day_cost_usd: terms.rental_usd + terms.model_storage_usd + terms.token_storage_usd + terms.delay_penalty_usd + terms.unmet_penalty_usd,
      ...terms,
      violation_rate: share(violating),
      unmet_rate: share(unmet),
      dropped_rate: share(dropped),
      shed_rate: share(shed),
      solver_calls: log.calls,
      solve_time_total_s: log.totalS,
      solve_time_max_s: log.maxS,
      ...(failure
        ? {
            status: failure.status,
            message: `${log.failures} of ${log.calls} solves gave no plan (first: ${failure.message ?? failure.status}); the previous plan, or none, ran instead`,
          }
        : log.limited > 0 && {
            status: 'time_limit_feasible' as const,
            message: `${log.limited} of ${log.calls} solves stopped at their time limit or cap; their best plans ran`,
          }),
    });
  }
  return rows;
}

function solverFor(input: RollingInput): SolverSpec {
  switch (POLICY_SOLVER[input.policy]) {
    case 'agh':
      return parseSolverSpec(input.aghSpec ?? 'agh');
    case 'gh':
      return parseSolverSpec(input.ghSpec ?? 'gh');
    case 'exact':
      if (!input.exactSolverSpec) throw new InputError(`policy ${input.policy} needs an exact solver spec (e.g. highs)`);
      return parseSolverSpec(input.exactSolverSpec, input.exactTimeLimitS === undefined ? {} : { time_limit_s: input.exactTimeLimitS });
  }
}
