/**
 * One exact solve, start to finish, as it runs inside the isolated child: build the reduced
 * model, hand it to the back-end with the deadline, decode the plan.
 */
import type { Instance, Plan } from '../problem/types.ts';
import type { ModelSize } from '../solver.ts';
import type { Backend, BackendOptions, BackendResult, ExactStatus } from './backend.ts';
import { evaluate } from '../problem/evaluator.ts';
import { decodePlan, encodePlan } from './decode.ts';
import { buildModel, countModel, modelSize, type MilpModel } from './model.ts';
import { parseWarmSpec } from './warm-spec.ts';
import type { ReducedFacts } from './reduced-path.ts';

/**
 * A back-end by module and export name: the child imports only the one it runs (so it
 * instantiates only its own WebAssembly), and tests can pass fake back-ends the same way.
 */
export interface BackendRef {
  /** File URL of the module. */
  module: string;
  /** Name of the exported `Backend`. */
  name: string;
}

export interface ExactRequest {
  backend: BackendRef;
  /** Solver label written into the plan. */
  label: string;
  instance: Instance;
  options: BackendOptions;
  /** Heuristic spec whose plan is offered as the first incumbent. */
  warm?: string;
  /** The reduced path (HiGHS only): column generation, reduced-cost fixing, the MILP over what is left. */
  reduce?: boolean;
}

/** The reduced path's start when `warm` names none: it needs a good plan to fix anything. */
export const REDUCE_WARM_DEFAULT = 'agh-lns';

/** What the warm start cost: the heuristic's time (inside the row's time) and its plan's cost. */
export interface WarmFacts {
  warm_solver: string;
  warm_s: number;
  warm_cost_usd: number;
  warm_feasible: boolean;
}

export interface ExactReply {
  status: ExactStatus;
  plan: Plan | null;
  objective?: number;
  bound?: number;
  gap?: number;
  message?: string;
  model_size: { before: ModelSize; after: ModelSize };
  build_s: number;
  solve_s: number;
  first_incumbent?: number;
  trajectory?: BackendResult['trajectory'];
  warm?: WarmFacts;
  reduced?: ReducedFacts;
}

export async function solveExact(req: ExactRequest): Promise<ExactReply> {
  const t0 = performance.now();
  const before = countModel(req.instance, { reduce: false });
  if (req.reduce) return solveExactReduced(req, before, t0);
  const model = buildModel(req.instance);
  const backend: Backend = (await import(req.backend.module))[req.backend.name];
  const t1 = performance.now();
  // The heuristic runs on the solve's clock: the deadline was set before it started.
  const warm = req.warm ? await warmStart(req.instance, req.warm) : undefined;
  const options = warm ? { ...req.options, start: encodePlan(req.instance, model, warm.plan) } : req.options;
  const tw = performance.now();
  const result = await backend(model, options);
  return reply(req, model, shifted(result, (tw - t0) / 1000), before, (t1 - t0) / 1000, (performance.now() - tw) / 1000, warm && { warm: warm.facts });
}

/** The reduced path (reduced-path.ts): HiGHS only, always from a heuristic's plan. */
async function solveExactReduced(req: ExactRequest, before: ModelSize, t0: number): Promise<ExactReply> {
  const { solveReduced } = await import('./reduced-path.ts');
  const warm = await warmStart(req.instance, req.warm || REDUCE_WARM_DEFAULT);
  const tw = performance.now();
  const start = { plan: warm.plan, cost_usd: warm.facts.warm_cost_usd, feasible: warm.facts.warm_feasible };
  const { model, result, facts } = await solveReduced(req.instance, start, req.options);
  const build_s = (tw - t0) / 1000 - warm.facts.warm_s;
  return reply(req, model, shifted(result, (tw - t0) / 1000), before, build_s, (performance.now() - tw) / 1000, { warm: warm.facts, reduced: facts });
}

/**
 * The back-end's trajectory on the solve's clock: its times count from the back-end's start, so
 * the model build (and a warm start's heuristic) before it are added.
 */
function shifted(result: BackendResult, offsetS: number): BackendResult {
  return result.trajectory ? { ...result, trajectory: result.trajectory.map((p) => ({ ...p, t_s: p.t_s + offsetS })) } : result;
}

/** The child's answer: the back-end's result with its plan decoded and the model's sizes. */
function reply(
  req: ExactRequest, model: MilpModel, result: BackendResult, before: ModelSize, build_s: number, solve_s: number,
  extra: Pick<ExactReply, 'warm' | 'reduced'> = {},
): ExactReply {
  const { values, ...res } = result;
  return {
    ...res,
    plan: values ? decodePlan(req.instance, model, values, req.label) : null,
    model_size: { before, after: modelSize(model) },
    build_s,
    solve_s,
    ...extra,
  };
}

async function warmStart(inst: Instance, spec: string): Promise<{ plan: Plan; facts: WarmFacts }> {
  const { solver, options, label } = parseWarmSpec(spec);
  const t0 = performance.now();
  const r = await solver.solve(inst, options);
  const warm_s = (performance.now() - t0) / 1000;
  if (!r.plan) throw new Error(`warm start ${label} returned no plan (${r.status}${r.message ? `: ${r.message}` : ''})`);
  const ev = evaluate(inst, r.plan);
  return { plan: r.plan, facts: { warm_solver: label, warm_s, warm_cost_usd: ev.cost_usd, warm_feasible: ev.feasible } };
}
