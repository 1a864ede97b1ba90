/**
 * Lower bounds on the optimum that can be had at every size, for gaps where no exact solver
 * proves one:
 *
 * - `perTypeBound`: a relaxation that decomposes by query type. It keeps each type's demand row
 *   and SLO rows (per-route mode: only SLO-feasible routes) and drops integrality, layouts,
 *   pools, storage and budget. Replicas become continuous and are charged per unit of routed
 *   demand: r_c ≥ Σ_i a_ic·x_ic holds for a_ic = load_ic and for a_ic = kv_ic (rows 4 and 5), so
 *   charging p_c·a_ic with either choice per c never exceeds the rental of a feasible plan; the
 *   model's storage (≥ 0) is dropped. What is left is one LP per type with three rows.
 * - `lpRelaxationBound`: the LP relaxation of the (tightened) model, where HiGHS can solve it.
 * - `lpBoundByColumns`: the same LP bound by column generation (colgen.ts), which never holds the
 *   full LP and so reaches every size; stopped early, it is still a bound, below the LP's.
 *
 * Both are ≤ the optimum of every plan the evaluator accepts (tests: bound.test.ts).
 */
import { derive } from '../problem/derived.ts';
import { simplex } from '../problem/routing-lp.ts';
import type { Instance } from '../problem/types.ts';
import { backendOptions } from './backend.ts';
import { buildModel, relaxed } from './model.ts';

/**
 * The simplex stops when no reduced cost is below −1e-9·(largest cost): the value it reports may
 * sit a little above the true minimum, so each type's value is lowered by this share of its
 * largest cost (1000× the stopping tolerance).
 */
const LP_MARGIN = 1e-6;

export function perTypeBound(inst: Instance): number {
  const d = derive(inst);
  const { I, configs } = d;
  const C = configs.length;
  const H = inst.system.horizon_h;
  const perRoute = inst.system.slo_mode === 'per-route';
  // Per c, the row (throughput or KV) whose total coefficient is larger: charged per unit of x.
  const byLoad = configs.map((cfg) => {
    let load = 0;
    let kv = 0;
    for (let i = 0; i < I; i++) {
      load += d.load_replicas[i * C + cfg.index];
      kv += d.kv_replicas[i * C + cfg.index];
    }
    return load >= kv;
  });
  let total = 0;
  for (let i = 0; i < I; i++) {
    const t = inst.types[i];
    const routes = configs.filter((cfg) => Number.isFinite(d.kv_replicas[i * C + cfg.index]) && (!perRoute || d.sloFeasible(i, cfg.index)));
    const n = routes.length;
    // Columns: x on each route, then u.
    const cost = new Float64Array(n + 1);
    const demand = new Float64Array(n + 1).fill(1);
    const delay = new Float64Array(n + 1);
    const error = new Float64Array(n + 1);
    routes.forEach((cfg, q) => {
      const at = i * C + cfg.index;
      const replicas = byLoad[cfg.index] ? d.load_replicas[at] : d.kv_replicas[at];
      cost[q] = H * (cfg.price_usd_per_h * replicas + d.token_storage_usd_per_h[i] + d.delay_penalty_usd_per_h[at]);
      delay[q] = (d.delay_s[at] - t.delay_slo_s) / t.delay_slo_s;
      error[q] = (d.errorOf(i, cfg.index) - t.error_slo) / t.error_slo;
    });
    cost[n] = H * d.unmet_penalty_usd_per_h[i];
    const slo = perRoute ? [] : [{ a: delay, b: 0 }, { a: error, b: 0 }];
    const { value } = simplex(cost, [demand], slo, () => n);
    total += value - LP_MARGIN * Math.max(1, ...cost);
  }
  return Math.max(0, total);
}

/**
 * Optimum of the LP relaxation by HiGHS, or undefined when it does not finish in `timeLimitS`
 * (a time-limited LP value is no bound). Run it in an isolated child: a large model can exhaust
 * the WebAssembly heap.
 */
export async function lpRelaxationBound(inst: Instance, timeLimitS: number): Promise<number | undefined> {
  const { solveWithHighs } = await import('./highs.ts');
  const r = await solveWithHighs(relaxed(buildModel(inst)), backendOptions(timeLimitS, 0));
  if (r.status === 'error') throw new Error(r.message ?? 'HiGHS failed');
  return r.status === 'optimal' ? r.bound : undefined;
}

export interface ColumnBound {
  bound: number;
  converged: boolean;
}

/**
 * The LP bound by column generation within `timeLimitS` (run it isolated, like the LP). The master
 * starts from agh-lns's layouts besides the cheap seeds: at (50,50,50) that converges in about a
 * minute instead of four or five.
 */
export async function lpBoundByColumns(inst: Instance, timeLimitS: number): Promise<ColumnBound> {
  const deadline_ms = Date.now() + 1000 * timeLimitS;
  const { columnGeneration, LayoutPricer } = await import('./colgen.ts');
  const { parseWarmSpec } = await import('./warm-spec.ts');
  const pricer = new LayoutPricer(inst);
  const { solver, options } = parseWarmSpec('agh-lns');
  const { plan } = await solver.solve(inst, options);
  const start = plan ? pricer.layoutsOf(plan) : [];
  const cg = await columnGeneration(pricer, { start, deadline_ms });
  return { bound: cg.bound, converged: cg.converged };
}

/** `lpBoundByColumns` as an isolated task (isolate.ts passes one argument). */
export const lpBoundTask = (task: { instance: Instance; time_limit_s: number }) => lpBoundByColumns(task.instance, task.time_limit_s);

export interface BoundReport {
  per_type_usd: number;
  /** The LP relaxation's value by column generation, or a lower bound on it when stopped early. */
  lp_usd?: number;
  /** Whether column generation converged (lp_usd is then the LP relaxation's value). */
  lp_converged?: boolean;
  lp_note?: string;
  milp_usd?: number;
  best_usd: number;
}

/** Every bound asked for and the best of them; the LP runs in an isolated child (0 s: skipped). */
export async function lowerBounds(inst: Instance, lpTimeLimitS: number, milpBound?: number): Promise<BoundReport> {
  const per_type_usd = perTypeBound(inst);
  const report: BoundReport = { per_type_usd, best_usd: per_type_usd };
  if (lpTimeLimitS > 0) {
    const { runIsolated } = await import('../../lib/isolate.ts');
    const { hardLimitS } = await import('./solvers.ts');
    const out = await runIsolated<ColumnBound>(
      { module: import.meta.url, fn: 'lpBoundTask', input: { instance: inst, time_limit_s: lpTimeLimitS } },
      hardLimitS(lpTimeLimitS),
    );
    if (!out.ok) report.lp_note = out.message;
    else {
      report.lp_usd = out.value.bound;
      report.lp_converged = out.value.converged;
      if (!out.value.converged) report.lp_note = `column generation stopped at ${lpTimeLimitS} s before converging: a valid bound below the LP relaxation`;
    }
  } else report.lp_note = 'skipped';
  if (milpBound !== undefined) report.milp_usd = milpBound;
  report.best_usd = Math.max(per_type_usd, report.lp_usd ?? -Infinity, milpBound ?? -Infinity);
  return report;
}
