/**
 * The planning policies of the rolling horizon (docs/experiments.md, E5). A policy is a function from a
 * slot and the demand observed so far to the plan that runs in that slot.
 *
 * - agh-5min / gh-5min: re-solve every slot on the slot's horizon and budget, with the previous
 *   slot's observed demand as forecast (slot 0: the nominal demand λ·profile(0)).
 * - agh-24h / dm-24h: solve once, before the day, on the day's expected mean demand λ·mean(profile)
 *   (not the realised path's mean: a plan made before the day cannot see it), over 24 h with the
 *   day's budget.
 * - peak-static: AGH once on the profile's peak demand λ·max(profile), again blind to the path.
 *
 * A solve that returns no plan leaves the previous slot's plan running (or nothing, in slot 0).
 */
import { performance } from 'node:perf_hooks';
import type { Instance, Plan } from '../../solvers/problem/types.ts';
import type { SolverSpec } from '../../solvers/registry.ts';
import type { SolveStatus } from '../../solvers/solver.ts';

export const ROLLING_POLICIES = ['agh-5min', 'agh-24h', 'dm-24h', 'peak-static', 'gh-5min'] as const;
export type RollingPolicy = (typeof ROLLING_POLICIES)[number];

/** The plan for slot t, given the realised demand multipliers of slots 0..t−1. */
export type Policy = (t: number, observed: ArrayLike<number>) => Promise<Plan>;

/**
 * A copy of `inst` with every rate × `demandFactor` over `horizonH` hours, the budget scaled with
 * the horizon (the same spend per hour). A new object: derive() caches per instance, so an instance
 * is never changed once derived.
 */
export function withDemand(inst: Instance, demandFactor: number, horizonH: number): Instance {
  const sys = inst.system;
  return {
    ...inst,
    system: { ...sys, horizon_h: horizonH, budget_usd: (sys.budget_usd * horizonH) / sys.horizon_h },
    types: inst.types.map((t) => ({ ...t, rate_per_h: t.rate_per_h * demandFactor })),
  };
}

/**
 * Counts and times every solve a policy makes, remembers the first that gave no plan, and counts
 * the plans returned at a time limit or cap (their day depends on the machine's speed).
 */
export class SolveLog {
  calls = 0;
  totalS = 0;
  maxS = 0;
  failures = 0;
  firstFailure?: { status: SolveStatus; message?: string };
  limited = 0;

  async solve(spec: SolverSpec, inst: Instance): Promise<Plan | null> {
    const t0 = performance.now();
    const result = await spec.solver.solve(inst, spec.options);
    const s = (performance.now() - t0) / 1000;
    this.calls++;
    this.totalS += s;
    this.maxS = Math.max(this.maxS, s);
    if (!result.plan) {
      this.failures++;
      this.firstFailure ??= { status: result.status, message: result.message };
    } else if (result.status === 'time_limit_feasible' || result.diagnostics?.time_cap_hit === true) {
      this.limited++;
    }
    return result.plan;
  }
}

/**
 * The policies that plan once, before the day, on the expected demand: their plan depends on
 * neither σ nor the demand path, so one solve serves every day of a run (harness/sweep/grid.ts).
 */
export const STATIC_POLICIES: ReadonlySet<RollingPolicy> = new Set(['agh-24h', 'dm-24h', 'peak-static']);

/** Which solver each policy calls: a registered heuristic, or the exact solver the run names. */
export const POLICY_SOLVER: Record<RollingPolicy, 'agh' | 'gh' | 'exact'> = {
  'agh-5min': 'agh',
  'agh-24h': 'agh',
  'dm-24h': 'exact',
  'peak-static': 'agh',
  'gh-5min': 'gh',
};

export interface PolicyContext {
  /** The day: the instance's data over ΔT = 24 h with the day's budget. */
  day: Instance;
  profile: Float64Array;
  slotH: number;
  log: SolveLog;
}

export function makePolicy(name: RollingPolicy, spec: SolverSpec, ctx: PolicyContext): Policy {
  const { day, profile, slotH, log } = ctx;
  let current: Plan = emptyPlan(day);
  const keep = (plan: Plan | null) => (current = plan ?? current);

  const everySlot: Policy = async (t, observed) => {
    const forecast = t === 0 ? profile[0] : observed[t - 1];
    return keep(await log.solve(spec, withDemand(day, forecast, slotH)));
  };
  const once = (demandFactor: number): Policy => {
    let solved = false;
    return async () => {
      if (!solved) {
        solved = true;
        keep(await log.solve(spec, withDemand(day, demandFactor, day.system.horizon_h)));
      }
      return current;
    };
  };
  switch (name) {
    case 'agh-5min':
    case 'gh-5min':
      return everySlot;
    case 'agh-24h':
    case 'dm-24h':
      return once(profile.reduce((a, b) => a + b, 0) / profile.length);
    case 'peak-static':
      return once(Math.max(...profile));
  }
}

/** Rents and serves nothing: every type unmet. */
function emptyPlan(inst: Instance): Plan {
  return {
    schema: 'llm-alloc-bench/plan@1',
    instance_id: inst.meta.id,
    solver: 'none',
    stored_models: [],
    deployments: [],
    routes: [],
    unmet: inst.types.map(() => 1),
  };
}
