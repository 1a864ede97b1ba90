/**
 * The reduced exact path (`highs:reduce`, docs/exact.md "The reduced exact path"): the full model
 * is never handed to HiGHS. Steps, all on the solve's clock:
 *
 * 1. a heuristic plan (the warm start, `agh-lns` unless `warm` names another) gives a cost U;
 * 2. column generation over layouts gives the LP bound L without the full LP (colgen.ts);
 * 3. HiGHS solves the MILP over the layouts the master's LP solution uses (its support) and the
 *    heuristic's, warm-started: a small model, often a much cheaper plan, which lowers U;
 * 4. reduced-cost fixing keeps only the layouts that can appear in a plan no dearer than U;
 * 5. HiGHS solves the MILP over those layouts, warm-started from the best plan so far.
 *
 * Every plan no dearer than U uses only kept layouts, so the last MILP's optimum is the full
 * model's, and its bound (≤ U) is a bound of the full model; L is one too, and the row's bound is
 * the larger of the two.
 */
import { evaluate } from '../problem/evaluator.ts';
import type { Instance, Plan } from '../problem/types.ts';
import { relativeGap, type Backend, type BackendOptions, type BackendResult } from './backend.ts';
import { columnGeneration, LayoutPricer, layoutsWithin } from './colgen.ts';
import { decodePlan, encodePlan } from './decode.ts';
import { solveWithHighs } from './highs.ts';
import { buildModel, type MilpModel } from './model.ts';

/** Shares of the time left for column generation and for the restricted MILP (the rest: the reduced MILP). */
const COLGEN_SHARE = 0.3;
const RESTRICTED_SHARE = 0.25;
/** A layout is kept when its bound is within this relative margin of U (float noise between evaluator and model). */
const CEILING_MARGIN = 1e-7;

export interface ReducedFacts {
  lp_bound_usd: number;
  lp_converged: boolean;
  colgen_rounds: number;
  master_layouts: number;
  layouts_total: number;
  layouts_kept: number;
  support_milp_usd?: number;
  colgen_s: number;
  support_milp_s: number;
}

export interface ReducedOutcome {
  model: MilpModel;
  result: BackendResult;
  facts: ReducedFacts;
}

/** The heuristic plan the path starts from, with the evaluator's verdict on it. */
export interface StartPlan {
  plan: Plan;
  cost_usd: number;
  feasible: boolean;
}

/** Steps 2–5 from a start plan; `opts.deadline_ms` bounds the whole. */
export async function solveReduced(inst: Instance, start: StartPlan, opts: BackendOptions, backend: Backend = solveWithHighs): Promise<ReducedOutcome> {
  const pricer = new LayoutPricer(inst);
  const startLayouts = pricer.layoutsOf(start.plan);
  let best = start.plan;
  // Fixing needs the cost of a feasible plan; an infeasible start fixes nothing.
  let bestCost = start.feasible ? start.cost_usd : Infinity;

  const t0 = Date.now();
  const cg = await columnGeneration(pricer, {
    start: startLayouts,
    deadline_ms: t0 + COLGEN_SHARE * (opts.deadline_ms - t0),
  });
  const t1 = Date.now();

  // Step 3: the MILP over the LP's support — a plan, not a bound (it sees only those layouts).
  // E1 at (50,50,50), seed 1: a few dozen layouts of 12,593, in 17 s, a plan 2.6% below agh-lns.
  const restricted = buildModel(inst, { only: new Set([...cg.support, ...startLayouts]) });
  const r = await backend(restricted, {
    ...opts,
    deadline_ms: t1 + RESTRICTED_SHARE * (opts.deadline_ms - t1),
    start: encodePlan(inst, restricted, best),
  });
  let restrictedCost: number | undefined;
  if (r.values) {
    const plan = decodePlan(inst, restricted, r.values, 'highs');
    const ev = evaluate(inst, plan);
    restrictedCost = ev.cost_usd;
    if (ev.feasible && ev.cost_usd < bestCost) [best, bestCost] = [plan, ev.cost_usd];
  }
  const t2 = Date.now();

  // Steps 4–5. Fixing prices whole replicas (the MILP's own layouts): a stronger L_c than the LP's.
  const whole = pricer.price(cg.duals, true);
  const keep = layoutsWithin(pricer, whole, bestCost * (1 + CEILING_MARGIN));
  for (const c of pricer.layoutsOf(best)) keep.add(c);
  const model = buildModel(inst, { only: keep });
  const bestValues = encodePlan(inst, model, best);
  let result = await backend(model, { ...opts, start: bestValues });
  // The last MILP may fail without a plan (out of memory before its first checkpoint, at
  // (50,50,50) with 8,400 layouts kept): the best plan so far stands, with the bound so far.
  if (!result.values && Number.isFinite(bestCost)) {
    const objective = model.cols.reduce((sum, col, n) => sum + col.cost * bestValues[n], 0);
    result = { status: 'time_limit_feasible', values: bestValues, objective, message: `the MILP over the kept layouts gave no plan (${result.message ?? result.status}): the best plan so far is returned` };
  }
  result.bound = Math.max(result.bound ?? -Infinity, cg.bound, whole.bound);
  if (result.objective !== undefined) result.gap = relativeGap(result.objective, result.bound);
  return {
    model,
    result,
    facts: {
      lp_bound_usd: cg.bound,
      lp_converged: cg.converged,
      colgen_rounds: cg.rounds,
      master_layouts: cg.master.size,
      layouts_total: pricer.layouts.length,
      layouts_kept: keep.size,
      ...(restrictedCost !== undefined ? { support_milp_usd: restrictedCost } : {}),
      colgen_s: (t1 - t0) / 1000,
      support_milp_s: (t2 - t1) / 1000,
    },
  };
}
