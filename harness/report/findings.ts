/**
 * One line per experiment that says what a run found, computed from its summary rows (the same
 * rows as its table and charts): shown under the paper's claim in report.html and on the index
 * page of `alloc-bench start`.
 */
import { seriesName } from './chart-style.ts';
import type { Row } from './summary.ts';

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Below this a share is floating-point noise (AGH:noM2's cost equal to AGH's up to 1e-16): 0. */
const NOISE = 1e-9;
const pct = (x: number) => Math.abs(x) < NOISE ? '0%' : `${Math.abs(x) >= 10 ? Math.round(x * 100).toLocaleString('en-US') : Number((x * 100).toPrecision(2))}%`;
const signedPct = (x: number) => (Math.abs(x) < NOISE ? '±0%' : `${x >= 0 ? '+' : '−'}${pct(Math.abs(x))}`);
const usd = (x: number) => `$${Math.round(x).toLocaleString('en-US')}`;
const secs = (x: number) => `${Number(x.toPrecision(2))} s`;

const series = (r: Row) => seriesName(String(r.solver_label));
const of = (rows: readonly Row[], name: string) => rows.filter((r) => series(r) === name);

function maxOf(rows: readonly Row[], field: string): number | null {
  const xs = rows.map((r) => num(r[field])).filter((x): x is number => x !== null);
  return xs.length ? Math.max(...xs) : null;
}

const sum = (rows: readonly Row[], field: string) => rows.reduce((n, r) => n + (num(r[field]) ?? 0), 0);

/**
 * A heuristic's gaps in words: the largest mean gap against proven optima, and apart from it (never
 * averaged in) the largest upper bound on the gap where only a bound is known, saying which bound.
 */
function gapWords(mine: readonly Row[]): string[] {
  const gap = maxOf(mine, 'gap_mean');
  const bound = maxOf(mine, 'gap_bound_max');
  const weak = mine.some((r) => r.gap_bound_relaxation === true);
  return [
    gap !== null ? `mean gap at most ${pct(gap)} against proven optima` : null,
    bound !== null
      ? `≤ ${pct(bound)} against only ${weak ? 'the per-type relaxation bound, a weak bound,' : "an exact solver's bound"} on ${sum(mine, 'gap_bound_instances')} instance(s) without a proven optimum (not averaged)`
      : null,
  ].filter((x): x is string => x !== null);
}

/** E1: the heuristics' largest mean gap and solve time; AGH's speedup at the largest size that has one. */
function e1(rows: readonly Row[]): string | null {
  const parts: string[] = [];
  for (const h of ['agh', 'agh-lns', 'gh']) {
    const mine = of(rows, h);
    if (!mine.length) continue;
    const time = maxOf(mine, 'solve_time_s');
    const bits = [...gapWords(mine), time !== null ? `mean time at most ${secs(time)}` : null].filter(Boolean);
    if (bits.length) parts.push(`${h}: ${bits.join(', ')}`);
  }
  const fast = of(rows, 'agh').filter((r) => num(r.speedup_geomean) !== null).at(-1);
  if (fast) parts.push(`agh ${fast.speedup_censored ? '≥ ' : ''}${Math.round(num(fast.speedup_geomean)!).toLocaleString('en-US')}× faster than the fastest exact solve at ${fast.size_i}×${fast.size_j}×${fast.size_k}`);
  return parts.length ? `${parts.join('; ')}.` : null;
}

/** E2: AGH against GH in S3 and S5 at the largest κ — the paper's claim. */
function e2(rows: readonly Row[]): string | null {
  const kappa = maxOf(rows, 'kappa');
  const parts: string[] = [];
  for (const scenario of ['S3', 'S5']) {
    const at = rows.filter((r) => r.scenario === scenario && r.kappa === kappa);
    const [a, g] = [of(at, 'agh')[0], of(at, 'gh')[0]];
    const ca = num(a?.realised_cost_mean_usd), cg = num(g?.realised_cost_mean_usd);
    const va = num(a?.violation_rate_mean), vg = num(g?.violation_rate_mean);
    if (ca === null || cg === null || va === null || vg === null || cg === 0) continue;
    parts.push(`${scenario}: agh's realised cost ${signedPct((ca - cg) / cg)} against gh's, violation rate ${pct(va)} against ${pct(vg)}`);
  }
  return parts.length ? `At κ = ${kappa}, ${parts.join('; ')}.` : null;
}

/** E3: which ablations made plans infeasible, and what removing M2 costs. */
function e3(rows: readonly Row[]): string | null {
  const first = rows.filter((r) => r.kappa === rows[0]?.kappa);
  const ablations = [...new Set(first.map(series))].filter((s) => /:noM\d$/.test(s));
  if (!ablations.length) return null;
  const infeasible = ablations.flatMap((a) => {
    const mine = of(first, a);
    const bad = mine.reduce((n, r) => n + Math.round(Number(r.rows) * (1 - Number(r.feasible_share))), 0);
    const families = [...new Set(mine.flatMap((r) => String(r.violated_families ?? '').split(';').filter(Boolean).map((f) => f.split('=')[0])))];
    return bad > 0 ? [`${a} ${bad} of ${mine.reduce((n, r) => n + Number(r.rows), 0)}${families.length ? ` (${families.join(', ')})` : ''}`] : [];
  });
  const m2 = ablations.filter((a) => a.endsWith(':noM2')).flatMap((a) => {
    const base = a.slice(0, -':noM2'.length);
    const ratios = of(first, a).flatMap((r) => {
      const b = of(first, base).find((x) => x.scenario === r.scenario && x.size_i === r.size_i && x.slo_mode === r.slo_mode);
      const [c, cb] = [num(r.cost_usd), num(b?.cost_usd)];
      return c !== null && cb ? [(c - cb) / cb] : [];
    });
    return ratios.length ? [`${a} ${signedPct(Math.min(...ratios))}${ratios.length > 1 ? ` to ${signedPct(Math.max(...ratios))}` : ''}`] : [];
  });
  const feas = infeasible.length ? `Infeasible plans: ${infeasible.join('; ')}` : 'No ablated plan is infeasible';
  return `${feas}.${m2.length ? ` Planned cost without M2, against the full heuristic: ${m2.join('; ')}.` : ''}`;
}

const meanOf = (rows: readonly Row[], field: string): number | null => {
  const xs = rows.map((r) => num(r[field])).filter((x): x is number => x !== null);
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
};
const theta = (r: Row) => num(r.headroom) ?? 0;

/**
 * E4: each planner's violation rate and cost growth at the largest κ for its plan made without
 * headroom; then the frontier (when the run plans with several θ): how far each planner's
 * headroom brings its violation rate at the largest κ down, at what planned cost, and which
 * heuristic points no exact plan beats on both counts.
 */
function e4(rows: readonly Row[]): string | null {
  const kappa = maxOf(rows, 'kappa');
  const lo = rows.reduce((m, r) => Math.min(m, num(r.kappa) ?? Infinity), Infinity);
  const planners = [...new Set(rows.map(series))];
  const bare = rows.filter((r) => theta(r) === 0);
  const parts = planners.flatMap((s) => {
    const v = meanOf(of(bare, s).filter((r) => r.kappa === kappa), 'violation_rate_mean');
    const c = meanOf(of(bare, s).filter((r) => r.kappa === kappa), 'realised_cost_mean_usd');
    const c0 = meanOf(of(bare, s).filter((r) => r.kappa === lo), 'realised_cost_mean_usd');
    return v === null || c === null || !c0 ? [] : [`${s} violation rate ${pct(v)}, realised cost ${signedPct(c / c0 - 1)} from κ = ${lo}`];
  });
  if (!parts.length) return null;
  const frontier = e4Frontier(rows.filter((r) => r.kappa === kappa), planners);
  return `At κ = ${kappa}${frontier ? ' without headroom' : ''}: ${parts.join('; ')}.${frontier ? ` ${frontier}` : ''}`;
}

interface FrontierPoint { planner: string; exact: boolean; theta: number; cost: number; violation: number }

function e4Frontier(top: readonly Row[], planners: string[]): string | null {
  const thetas = [...new Set(top.map(theta))].sort((a, b) => a - b);
  if (thetas.length < 2) return null;
  const points: FrontierPoint[] = planners.flatMap((planner) => thetas.flatMap((t) => {
    const at = of(top, planner).filter((r) => theta(r) === t);
    const [cost, violation] = [meanOf(at, 'cost_usd'), meanOf(at, 'violation_rate_mean')];
    return cost === null || violation === null ? [] : [{ planner, exact: at[0].solver_kind === 'exact', theta: t, cost, violation }];
  }));
  const moves = planners.flatMap((planner) => {
    const mine = points.filter((p) => p.planner === planner);
    const start = mine.find((p) => p.theta === 0);
    const best = [...mine].sort((a, b) => a.violation - b.violation || a.cost - b.cost)[0];
    if (!start || !best) return [];
    return [`${planner} ${pct(start.violation)} (${usd(start.cost)}) → ${pct(best.violation)} at θ = ${best.theta} (${usd(best.cost)})`];
  });
  const exact = points.filter((p) => p.exact);
  // Beaten: some exact plan at most as costly and as violating (ties up to floating-point noise count as beaten).
  const beaten = (p: FrontierPoint) => exact.some((e) => e.cost <= p.cost * (1 + NOISE) && e.violation <= p.violation + NOISE);
  const free = exact.length ? points.filter((p) => !p.exact && !beaten(p)).map((p) => `${p.planner} θ = ${p.theta}`) : [];
  const against = exact.length
    ? ` Heuristic plans no exact plan beats on both planned cost and violations: ${free.length ? free.join(', ') : 'none'}.`
    : '';
  return moves.length ? `Frontier, lowest violation rate over θ (planned cost): ${moves.join('; ')}.${against}` : null;
}

/** E5: at the largest σ, rolling AGH's day cost and spread against each static plan (the paper's comparison). */
function e5(rows: readonly Row[]): string | null {
  const sigma = maxOf(rows, 'sigma');
  const at = (p: string) => rows.find((r) => r.sigma === sigma && r.policy === p);
  const roll = at('agh-5min');
  const c = num(roll?.day_cost_usd);
  if (c === null) return null;
  const statics = ['agh-24h', 'dm-24h', 'peak-static'].flatMap((p) => {
    const c0 = num(at(p)?.day_cost_usd);
    return c0 ? [{ p, c0, s0: num(at(p)?.day_cost_std_usd), limited: (num(at(p)?.time_limit_count) ?? 0) > 0 }] : [];
  });
  if (!statics.length) return null;
  const costs = statics.map(({ p, c0, limited }) => `${signedPct((c - c0) / c0)} against ${p}'s ${usd(c0)}${limited ? ' (its solve stopped at its time limit; its best plan ran)' : ''}`).join(', ');
  const s = num(roll?.day_cost_std_usd);
  const spreads = statics.filter((x) => x.s0 !== null).map((x) => `${x.p} ${usd(x.s0!)}`);
  const spread = s !== null && spreads.length ? `; day-cost std ${usd(s)} (${spreads.join(', ')})` : '';
  return `At σ = ${sigma}: agh-5min's day cost ${usd(c)}, ${costs}${spread}.`;
}

const FINDINGS: Record<string, (rows: readonly Row[]) => string | null> = { e1, e2, e3, e4, e5 };

/** The run's finding for one experiment, or null when its rows cannot support one. */
export function finding(experiment: string, summary: readonly Row[]): string | null {
  const f = FINDINGS[experiment];
  return f ? f(summary.filter((r) => r.experiment === experiment)) : null;
}
