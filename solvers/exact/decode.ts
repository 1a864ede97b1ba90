/**
 * Turns a solver's column values back into the kernel's Plan: integers rounded, values within
 * 1e-9 of a bound snapped to it, everything clamped to its bounds, so that solver noise never
 * shows up as an evaluator violation.
 */
import { derive } from '../problem/derived.ts';
import type { Instance, Plan } from '../problem/types.ts';
import type { MilpModel } from './model.ts';

const NOISE = 1e-9;

/** A column's value cleaned to its domain. */
function clean(model: MilpModel, values: ArrayLike<number>, col: number): number {
  if (col < 0) return 0;
  const { kind, lb, ub } = model.cols[col];
  let v = values[col];
  if (!Number.isFinite(v)) throw new Error(`solver returned a non-finite value for ${model.cols[col].name}`);
  if (kind !== 'continuous') v = Math.round(v);
  else if (Math.abs(v - lb) <= NOISE) v = lb;
  else if (Math.abs(v - ub) <= NOISE) v = ub;
  return Math.min(ub, Math.max(lb, v));
}

export function decodePlan(inst: Instance, model: MilpModel, values: ArrayLike<number>, solver: string): Plan {
  const d = derive(inst);
  const C = d.configs.length;
  const { x, r, w, s, u } = model.vars;
  const plan: Plan = {
    schema: 'llm-alloc-bench/plan@1',
    instance_id: inst.meta.id,
    solver,
    stored_models: [],
    deployments: [],
    routes: [],
    unmet: [],
  };
  for (let j = 0; j < d.J; j++) if (clean(model, values, s[j]) === 1) plan.stored_models.push(j);
  // A pair's chosen layouts go to its tiers in order: more than one only for a merged class of
  // clone tiers (model.ts, "Clone tiers"); routes follow their layout.
  const placed = d.configs.map((cfg) => cfg.index);
  for (const list of d.pairConfigs) {
    list.filter((c) => clean(model, values, w[c]) === 1).forEach((c, t) => {
      const cfg = d.configs[c];
      const tier = model.placement[cfg.k][t] ?? cfg.k;
      if (tier !== cfg.k) placed[c] = d.configIndex({ ...cfg, k: tier });
      const { j, k, n, m } = d.configs[placed[c]];
      plan.deployments.push({ j, k, n, m, replicas: clean(model, values, r[c]) });
    });
  }
  for (let i = 0; i < d.I; i++) {
    for (const cfg of d.configs) {
      const share = clean(model, values, x[i * C + cfg.index]);
      if (share === 0) continue;
      const { j, k, n, m } = d.configs[placed[cfg.index]];
      plan.routes.push({ i, j, k, n, m, share });
    }
    plan.unmet.push(clean(model, values, u[i]));
  }
  return plan;
}

/**
 * A plan as column values of `model`, for a solver's start: the inverse of `decodePlan`. A layout
 * the model dropped as dominated or merged as a clone is replaced by its stand-in, replicas are
 * capped at the model's bound (a plan never needs more, see `tightening`), a route with no column is left unserved.
 * The start is a proposal: the solver checks it, and rejects it if it breaks a row.
 */
export function encodePlan(inst: Instance, model: MilpModel, plan: Plan): Float64Array {
  const d = derive(inst);
  const C = d.configs.length;
  const { x, r, w, s, u } = model.vars;
  const values = new Float64Array(model.cols.length);
  const set = (col: number, v: number) => {
    if (col >= 0) values[col] = Math.min(model.cols[col].ub, v);
  };
  for (const j of plan.stored_models) set(s[j], 1);
  for (const dep of plan.deployments) {
    const c = d.configIndex(dep);
    if (c < 0 || dep.replicas < 1) continue;
    // Two deployments meet on one stand-in only from clone tiers of one class: their replicas add.
    const to = model.standIn[c];
    set(w[to], 1);
    if (r[to] >= 0) set(r[to], values[r[to]] + dep.replicas);
  }
  const served = new Float64Array(d.I);
  for (const route of plan.routes) {
    const c = d.configIndex(route);
    const col = c < 0 ? -1 : x[route.i * C + model.standIn[c]];
    if (col < 0) continue;
    values[col] += route.share;
    served[route.i] += route.share;
  }
  for (let i = 0; i < d.I; i++) set(u[i], Math.max(0, 1 - served[i]));
  return values;
}
