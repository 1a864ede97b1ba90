/**
 * Per-instance results of a solve run, and the Dolan–Moré performance profiles built on them
 * (Dolan & Moré, "Benchmarking optimization software with performance profiles", Math. Prog.
 * 2002). For a measure m (solve time, or cost) and solver s on instance p, the performance ratio
 * is r(p, s) = m(p, s) / best(p), and the profile of s is ρ_s(τ) = share of instances with
 * r(p, s) ≤ τ: its value at τ = 1 is how often s is the best, its right end how often it succeeds.
 *
 * - time: best(p) is the fastest time of a solver with a feasible plan on p;
 * - cost: best(p) is the best-known cost of p (results/reference/best-known.csv), or, for an
 *   instance the table lacks (or when a plan of the run beats it), the cheapest feasible plan of the run.
 *
 * A run without a feasible plan (error, no plan, or a plan the evaluator rejects) never reaches any
 * τ: its ratio is ∞. Only plans made without headroom (θ = 0) and the first κ row of each cell count.
 */
import { seriesName } from './chart-style.ts';
import type { KnownLookup, Row } from './summary.ts';

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** One solver's outcome on one instance (a cell's first row). */
export interface InstanceResult {
  experiment: string;
  instance_id: string;
  size: string;
  /** The series: the solver label without its time limit (chart-style.ts). */
  solver: string;
  solver_kind: string;
  status: string;
  /** The evaluator's cost of a feasible plan; null when there is none. */
  cost_usd: number | null;
  /** The measured solve time, whatever the outcome. */
  time_s: number | null;
  time_limit_s: number | null;
  /** Has an evaluator-feasible plan. */
  solved: boolean;
  cell_key: string;
}

/** The results of a run's raw rows: θ = 0, one per cell, the first series of a solver per instance. */
export function instanceResults(raw: readonly Row[]): InstanceResult[] {
  const seen = new Set<string>();
  const out: InstanceResult[] = [];
  for (const r of raw) {
    if ((num(r.headroom) ?? 0) > 0) continue;
    const solver = seriesName(String(r.solver_label));
    const key = `${String(r.experiment)}|${String(r.instance_id)}|${solver}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const solved = r.has_plan === true && r.feasible === true && num(r.cost_usd) !== null;
    out.push({
      experiment: String(r.experiment), instance_id: String(r.instance_id), size: `${r.size_i}×${r.size_j}×${r.size_k}`,
      solver, solver_kind: String(r.solver_kind), status: String(r.status),
      cost_usd: solved ? num(r.cost_usd) : null, time_s: num(r.solve_time_s), time_limit_s: num(r.time_limit_s), solved,
      cell_key: String(r.cell_key),
    });
  }
  return out;
}

export type ProfileMeasure = 'time' | 'cost';

/** Instances in order of first appearance, each with its results. */
export function byInstance(results: readonly InstanceResult[]): Map<string, InstanceResult[]> {
  const groups = new Map<string, InstanceResult[]>();
  for (const r of results) {
    const k = `${r.experiment}|${r.instance_id}`;
    groups.get(k)?.push(r) ?? groups.set(k, [r]);
  }
  return groups;
}

/** Below this a time is taken as this (a ratio against a zero time is undefined). */
const MIN_TIME_S = 1e-6;

/**
 * The reference cost of an instance: the best-known cost, or the run's cheapest feasible plan
 * when the table lacks it or the run beats it; null when neither exists.
 */
export function referenceCost(group: readonly InstanceResult[], known: KnownLookup): number | null {
  const costs = group.map((r) => r.cost_usd).filter((c): c is number => c !== null);
  const best = Math.min(known(group[0].instance_id)?.best_cost_usd ?? Infinity, ...costs);
  return Number.isFinite(best) ? best : null;
}

/** r(p, s) per solver, in instance order; ∞ where s has no feasible plan, or no instance reference exists. */
export function performanceRatios(results: readonly InstanceResult[], measure: ProfileMeasure, known: KnownLookup = () => undefined): Map<string, number[]> {
  const ratios = new Map<string, number[]>();
  for (const r of results) if (!ratios.has(r.solver)) ratios.set(r.solver, []);
  for (const group of byInstance(results).values()) {
    const value = (r: InstanceResult) => (measure === 'time' ? Math.max(r.time_s ?? Infinity, MIN_TIME_S) : r.cost_usd!);
    const ok = group.filter((r) => r.solved && (measure === 'cost' || r.time_s !== null));
    const best = measure === 'time' ? Math.min(...ok.map(value)) : referenceCost(group, known) ?? Infinity;
    for (const solver of ratios.keys()) {
      const r = ok.find((x) => x.solver === solver);
      // A cost at or below 0 cannot be a ratio's base; the evaluator's costs are positive.
      ratios.get(solver)!.push(r && Number.isFinite(best) && best > 0 ? value(r) / best : Infinity);
    }
  }
  return ratios;
}

export interface ProfilePoint {
  solver: string;
  tau: number;
  share: number;
}

/**
 * ρ_s(τ) as the corners of its step function: (1, ρ(1)), then (r, ρ(r)) at each larger finite
 * ratio, then (τ_max, ρ at the end) so every curve reaches the right edge. `tauMax` defaults to
 * the largest finite ratio of any solver (at least 1).
 */
export function profilePoints(ratios: Map<string, number[]>, tauMax?: number): ProfilePoint[] {
  const finite = [...ratios.values()].flat().filter(Number.isFinite);
  const top = tauMax ?? Math.max(1, ...finite);
  const points: ProfilePoint[] = [];
  for (const [solver, rs] of ratios) {
    const n = rs.length;
    if (n === 0) continue;
    const share = (tau: number) => rs.filter((r) => r <= tau * (1 + 1e-12)).length / n;
    const corners = [...new Set(rs.filter((r) => Number.isFinite(r) && r > 1))].sort((a, b) => a - b);
    points.push({ solver, tau: 1, share: share(1) });
    for (const t of corners) points.push({ solver, tau: t, share: share(t) });
    points.push({ solver, tau: top, share: share(top) });
  }
  return points;
}
