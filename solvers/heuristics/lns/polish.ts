/**
 * Exact polishing, agh-lns's last step: a small MILP around the final plan, solved by HiGHS.
 *
 * The neighbourhood is a set of layouts (configurations); the MILP may deploy, size and route
 * them freely, every other layout stays unused. It holds
 * - the layouts the plan uses, so the plan itself is a solution (the MILP starts from it and so
 *   never returns anything dearer), and their neighbours: the other layouts of the same model–tier
 *   pairs, and the same model's layouts of the same shape on other tiers;
 * - the layouts the LP relaxation's solution uses (column generation, exact/colgen.ts);
 * - the `layouts` layouts with the lowest L_c, a lower bound on the cost of any plan that uses
 *   layout c from the LP's duals. The duals price the budget, pools, storage and SLO rows, so
 *   this is where a dollar of rental competes with unmet and delay penalties: when the budget
 *   binds, the cheap plans use other models and tiers than the local moves reach.
 * Effort is bounded by steps (column-generation rounds, branch-and-bound nodes), not the clock:
 * the deadline is agh-lns's safety cap, and the caller reports it when it binds.
 */
import { evaluate } from '../../problem/evaluator.ts';
import type { Instance, Plan } from '../../problem/types.ts';
import { columnGeneration, layoutBound, LayoutPricer } from '../../exact/colgen.ts';
import { decodePlan, encodePlan } from '../../exact/decode.ts';
import { solveWithHighs } from '../../exact/highs.ts';
import { buildModel } from '../../exact/model.ts';

export interface PolishOptions {
  /** Layouts added by their bound L_c, besides the plan's and the LP solution's. */
  layouts: number;
  /** Branch-and-bound nodes of the MILP at most. */
  nodes: number;
  /** `Date.now()` after which nothing further starts (a safety cap). */
  deadline_ms: number;
  /** Add the plan's neighbour layouts (see neighbourLayouts); default true. */
  neighbours?: boolean;
}

/**
 * The plan's neighbour layouts: every layout of a model–tier pair the plan deploys (the same model
 * on the same GPUs with another GPU count or parallelism split), and every layout of a model the
 * plan deploys with a layout's GPU count and split on another tier. Their bound may rank them
 * far outside the `layouts` of lowest L_c although the optimum differs from the plan only there:
 * base S4 average seed 1302's optimum halves one deployment's GPUs (a layout ranked 81st), S2
 * average seed 1401's moves one to another tier (ranked 111th).
 */
export function neighbourLayouts(pricer: LayoutPricer, own: number[]): number[] {
  const { configs } = pricer.d;
  const pairs = new Set(own.map((c) => configs[c].pair));
  const shape = (c: number) => `${configs[c].j}/${configs[c].n}/${configs[c].m}`;
  const shapes = new Set(own.map(shape));
  return pricer.layouts.filter((lay) => pairs.has(configs[lay.c].pair) || shapes.has(shape(lay.c))).map((lay) => lay.c);
}

export interface PolishOutcome {
  /** The MILP's plan when the evaluator finds it feasible and cheaper than the given one. */
  plan?: Plan;
  /** That plan's cost by the evaluator. */
  cost_usd?: number;
  /** Layouts in the MILP. */
  layouts: number;
  /** What stopped the MILP: 'optimal' (within the neighbourhood), a limit, or an error's message. */
  status: string;
  /** The deadline cut column generation or the MILP short. */
  timed_out: boolean;
}

/** Column-generation rounds at most: at base size the LP converged in 2–3. */
const COLGEN_ROUNDS = 10;

export async function mipPolish(inst: Instance, plan: Plan, opts: PolishOptions, solver: string): Promise<PolishOutcome> {
  const pricer = new LayoutPricer(inst);
  const own = pricer.layoutsOf(plan);
  const cg = await columnGeneration(pricer, { start: own, deadline_ms: opts.deadline_ms, maxRounds: COLGEN_ROUNDS });
  // Whole replicas priced (the MILP's own layouts), as for the exact path's fixing.
  const whole = pricer.price(cg.duals, true);
  const byBound = pricer.layouts
    .map((lay) => [lay.c, layoutBound(pricer, whole, lay.c)] as const)
    .sort((a, b) => a[1] - b[1] || a[0] - b[0])
    .map(([c]) => c);
  const only = new Set([...own, ...(opts.neighbours === false ? [] : neighbourLayouts(pricer, own)), ...cg.support, ...byBound.slice(0, opts.layouts)]);
  const model = buildModel(inst, { only });
  const result = await solveWithHighs(model, {
    deadline_ms: opts.deadline_ms,
    gap: 0,
    start: encodePlan(inst, model, plan),
    max_nodes: opts.nodes,
    presolve: false,
  });
  // Column generation, its LPs and the MILP all stop at the deadline: past it, one of them was cut.
  const timed_out = Date.now() > opts.deadline_ms;
  const outcome: PolishOutcome = { layouts: only.size, status: result.status === 'optimal' ? 'optimal' : result.message ?? result.status, timed_out };
  if (!result.values) return outcome;
  const polished = decodePlan(inst, model, result.values, solver);
  const [before, after] = [evaluate(inst, plan), evaluate(inst, polished)];
  const cheaper = after.cost_usd < before.cost_usd * (1 - 1e-9);
  return after.feasible && (cheaper || !before.feasible) ? { ...outcome, plan: polished, cost_usd: after.cost_usd } : outcome;
}
