import { describe, expect, it } from 'vitest';
import { RAW_COLUMNS, SUMMARY_COLUMNS, statName } from '../sweep/columns.ts';
import { encodeRow, type RawRow } from '../sweep/raw-csv.ts';
import { e1Rows, e4Rows, e5Rows, rollingRow } from '../../testing/report-fixture.ts';
import { decodeRow, summarise, type Row } from './summary.ts';

/** The fixture rows as report.ts sees them: encoded to CSV fields and decoded by column type. */
const decoded = (kind: 'solve' | 'rolling', rows: RawRow[]) => rows.map((r) => decodeRow(encodeRow(r, RAW_COLUMNS[kind]), RAW_COLUMNS[kind]));

function find(rows: Row[], match: Row): Row {
  const hits = rows.filter((r) => Object.entries(match).every(([k, v]) => r[k] === v));
  expect(hits, JSON.stringify(match)).toHaveLength(1);
  return hits[0];
}

describe('summary of solve rows (E1 fixture, computed by hand)', () => {
  const summary = summarise('solve', decoded('solve', e1Rows()));

  it('has one row per size and solver, with exactly the summary columns', () => {
    expect(summary).toHaveLength(6);
    const names = SUMMARY_COLUMNS.solve.map((c) => c.name).sort();
    for (const r of summary) expect(Object.keys(r).sort()).toEqual(names);
    expect(summary.map((r) => `${r.size_i}:${r.solver_label}`)).toEqual(['6:glpk', '6:gh', '6:agh', '20:glpk', '20:gh', '20:agh']);
  });

  it('speedup = exact time / heuristic time per instance, geometric mean and median', () => {
    const gh = find(summary, { size_i: 6, solver_label: 'gh' });
    // seed 1: 2 / 0.1 = 20; seed 2: 8 / 0.2 = 40
    expect(gh.speedup_pairs).toBe(2);
    expect(gh.speedup_geomean).toBeCloseTo(Math.sqrt(20 * 40), 9);
    expect(gh.speedup_median).toBeCloseTo(30, 9);
    expect(gh.speedup_censored).toBe(false);
    expect(find(summary, { size_i: 6, solver_label: 'glpk' }).speedup_pairs).toBe(0);
  });

  it('marks speedups against a censored exact time as lower bounds', () => {
    const gh = find(summary, { size_i: 20, solver_label: 'gh' });
    // exact times are the 30 s limit: 30 / 0.3 = 100 and 30 / 0.6 = 50
    expect(gh.speedup_geomean).toBeCloseTo(Math.sqrt(100 * 50), 9);
    expect(gh.speedup_censored).toBe(true);
    const glpk = find(summary, { size_i: 20, solver_label: 'glpk' });
    expect(glpk).toMatchObject({ solve_time_s: 30, solve_time_censored: true, time_limit_feasible_count: 1, time_limit_no_solution_count: 1 });
    expect(find(summary, { size_i: 6, solver_label: 'glpk' })).toMatchObject({ solve_time_s: 5, solve_time_median_s: 5, solve_time_censored: false, optimal_count: 2 });
  });

  it('shifted geometric means of the times (shift 10 s and 1 s), a failure charged at its time limit', () => {
    // glpk at 6: times 2 and 8 → √((2 + 10)(8 + 10)) − 10 = √216 − 10; √((2 + 1)(8 + 1)) − 1 = √27 − 1
    const glpk6 = find(summary, { size_i: 6, solver_label: 'glpk' });
    expect(glpk6.solve_time_sgm10_s).toBeCloseTo(Math.sqrt(216) - 10, 9);
    expect(glpk6.solve_time_sgm1_s).toBeCloseTo(Math.sqrt(27) - 1, 9);
    // glpk at 20: 30 s (time limit, a plan) and no plan → charged the 30 s limit: SGM 30 at any shift
    expect(find(summary, { size_i: 20, solver_label: 'glpk' }).solve_time_sgm10_s).toBeCloseTo(30, 9);
    // gh at 6: 0.1 and 0.2 → √(1.1 · 1.2) − 1
    expect(find(summary, { size_i: 6, solver_label: 'gh' }).solve_time_sgm1_s).toBeCloseTo(Math.sqrt(1.1 * 1.2) - 1, 9);
  });

  it('gap against a proven optimum is averaged; against only a bound it is an upper bound, kept apart', () => {
    const gh6 = find(summary, { size_i: 6, solver_label: 'gh' });
    // (110 − 100) / 100 = 0.10, (230 − 200) / 200 = 0.15
    expect(gh6).toMatchObject({ gap_instances: 2, gap_bound_instances: 0, gap_bound_max: null, gap_bound_relaxation: false });
    expect(gh6.gap_mean).toBeCloseTo(0.125, 12);
    expect(gh6.gap_max).toBeCloseTo(0.15, 12);
    const agh20 = find(summary, { size_i: 20, solver_label: 'agh' });
    // seed 1: glpk's bound 400 only, (440 − 400) / 400 = 0.1 — not a gap, not in the mean; seed 2: no exact plan or bound, so no gap
    expect(agh20).toMatchObject({ gap_instances: 0, gap_mean: null, gap_max: null, gap_bound_instances: 1, gap_bound_relaxation: false });
    expect(agh20.gap_bound_max).toBeCloseTo(0.1, 12);
    // an infeasible plan has no gap: gh seed 2 at size 20 is dropped
    expect(find(summary, { size_i: 20, solver_label: 'gh' })).toMatchObject({ gap_instances: 0, gap_bound_instances: 1 });
  });

  it('labels a gap measured only against the per-type relaxation bound, and never averages it with gaps against optima', () => {
    // size 20 seed 2: glpk found nothing; the heuristic rows carry a relaxation bound of 680.
    // seed 1: the heuristics' 320 is below glpk's 400, which stays the reference (a solver bound).
    const rows = e1Rows().map((r) => (r.size_i === 20 && r.solver_kind !== 'exact' ? { ...r, bound_usd: r.seed === 2 ? 680 : 320 } : r));
    const agh20 = find(summarise('solve', decoded('solve', rows)), { size_i: 20, solver_label: 'agh' });
    // (440 − 400) / 400 = 0.1 against glpk's bound and (850 − 680) / 680 = 0.25 against the relaxation
    expect(agh20).toMatchObject({ gap_instances: 0, gap_mean: null, gap_bound_instances: 2, gap_bound_relaxation: true });
    expect(agh20.gap_bound_max).toBeCloseTo(0.25, 12);
    // a proven optimum on one seed and only a relaxation bound on the other: the mean is the proven gap alone
    const mixed = e1Rows().map((r) => (r.size_i === 6 && r.seed === 2 ? (r.solver_kind === 'exact' ? { ...r, status: 'time_limit_no_solution', has_plan: false, feasible: false, cost_usd: null, bound_usd: null } : { ...r, bound_usd: 100 }) : r));
    const agh6 = find(summarise('solve', decoded('solve', mixed)), { size_i: 6, solver_label: 'agh' });
    // seed 1: (102 − 100) / 100 = 0.02 against the optimum; seed 2: (200 − 100) / 100 = 1 against the relaxation only
    expect(agh6).toMatchObject({ gap_instances: 1, gap_bound_instances: 1, gap_bound_relaxation: true });
    expect(agh6.gap_mean).toBeCloseTo(0.02, 12);
    expect(agh6.gap_bound_max).toBeCloseTo(1, 12);
  });

  it('measures gaps against the best-known table: its proven optimum certifies, its higher bound tightens "≤"', () => {
    // size 20 seed 2: glpk found nothing and the heuristics carry a relaxation bound of 680.
    const rows = e1Rows().map((r) => (r.size_i === 20 && r.seed === 2 && r.solver_kind !== 'exact' ? { ...r, bound_usd: 680 } : r));
    const id = String(rows.find((r) => r.size_i === 20 && r.seed === 2)!.instance_id);
    const proven = summarise('solve', decoded('solve', rows), (i) => (i === id ? { best_cost_usd: 800, proven: true, best_bound_usd: 800, bound_relaxation: false } : undefined));
    // agh at seed 2 costs 850: (850 − 800) / 800 = 0.0625 certified; seed 1 keeps its solver bound
    const agh = find(proven, { size_i: 20, solver_label: 'agh' });
    expect(agh).toMatchObject({ gap_instances: 1, gap_bound_instances: 1, gap_bound_relaxation: false });
    expect(agh.gap_mean).toBeCloseTo(0.0625, 12);
    const bounded = summarise('solve', decoded('solve', rows), (i) => (i === id ? { best_cost_usd: 820, proven: false, best_bound_usd: 790, bound_relaxation: false } : undefined));
    // not proven: (850 − 790) / 790 ≈ 0.076 against the table's bound instead of 0.25 against the
    // relaxation, so the largest "≤" gap is seed 1's 0.1, and no bound is the relaxation any more
    const agh2 = find(bounded, { size_i: 20, solver_label: 'agh' });
    expect(agh2).toMatchObject({ gap_instances: 0, gap_bound_instances: 2, gap_bound_relaxation: false });
    expect(agh2.gap_bound_max).toBeCloseTo(0.1, 12);
  });

  it('counts feasibility and violated families; averages the cost terms over rows with a plan', () => {
    const gh20 = find(summary, { size_i: 20, solver_label: 'gh' });
    expect(gh20).toMatchObject({ feasible_share: 0.5, violated_families: 'memory=1;delay_slo=1' });
    const glpk20 = find(summary, { size_i: 20, solver_label: 'glpk' });
    expect(glpk20).toMatchObject({ feasible_share: 0.5, cost_usd: 500, rental_usd: 10 });
  });
});

describe('summary of stage-2 rows (E4 fixture)', () => {
  const summary = summarise('solve', decoded('solve', e4Rows()));

  it('keeps one row per headroom θ and κ and pairs solves only within the same θ and κ', () => {
    const order = [1, 1.5].flatMap((k) => ['glpk', 'agh'].flatMap((s) => [0, 0.25].map((t) => `${k}:${s}:${t}`)));
    expect(summary.map((r) => `${r.size_i}:${r.kappa}:${r.solver_label}:${r.headroom}`)).toEqual([6, 8].flatMap((size) => order.map((o) => `${size}:${o}`)));
    const agh = find(summary, { size_i: 6, kappa: 1.5, solver_label: 'agh', headroom: 0 });
    expect(agh).toMatchObject({ rows: 1, speedup_pairs: 1, realised_cost_mean_usd: 720, violation_rate_mean: 0.05, violation_rate_p95: 0.1, dropped_rate_mean: 0.0125 });
    expect(agh.shed_rate_mean).toBeCloseTo(0.0375, 15);
    expect(agh.speedup_geomean).toBeCloseTo(3 / 0.2, 9);
    expect(agh.realised_cost_p5_usd).toBeCloseTo(648, 9);
  });

  it('measures optimality gaps without headroom only: a plan made with θ > 0 solved another instance', () => {
    // agh at θ = 0: 624 against glpk's proven 600
    expect(find(summary, { size_i: 6, kappa: 1, solver_label: 'agh', headroom: 0 })).toMatchObject({ gap_instances: 1, gap_bound_instances: 0 });
    expect(find(summary, { size_i: 6, kappa: 1, solver_label: 'agh', headroom: 0 }).gap_mean).toBeCloseTo(0.04, 12);
    // at θ = 0.25 its speedup pairs with glpk's θ = 0.25 solve, but it has no gap
    const roomy = find(summary, { size_i: 6, kappa: 1, solver_label: 'agh', headroom: 0.25 });
    expect(roomy).toMatchObject({ gap_instances: 0, gap_mean: null, speedup_pairs: 1, cost_usd: 720 });
  });
});

describe('summary of rolling-horizon rows (E5 fixture)', () => {
  // A failed path counts in `paths` and `failed_count` but not in the statistics.
  const failed = rollingRow({ sigma: 0.01, policy: 'agh-5min', path: 3, status: 'error', solver_label: 'agh', day_cost_usd: null });
  const summary = summarise('rolling', decoded('rolling', [...e5Rows(), failed]));

  it('mean and sample std of day cost, violation rate and solve times over the completed paths', () => {
    expect(summary.map((r) => `${r.sigma}:${r.policy}`)).toEqual(['0.01:agh-5min', '0.01:dm-24h', '0.05:agh-5min', '0.05:dm-24h']);
    const agh = find(summary, { sigma: 0.01, policy: 'agh-5min' });
    // day costs 100, 110, 120: mean 110, std sqrt((100 + 0 + 100) / 2) = 10
    expect(agh).toMatchObject({ paths: 4, completed_count: 3, time_limit_count: 0, failed_count: 1, day_cost_usd: 110, solve_time_total_s: 11 });
    expect(agh.day_cost_std_usd).toBeCloseTo(10, 12);
    expect(agh.violation_rate).toBeCloseTo(0.11, 12);
    expect(agh.violation_rate_std).toBeCloseTo(0.01, 12);
    expect(agh.solve_time_total_std_s).toBeCloseTo(1, 12);
    expect(agh.solve_time_max_s).toBeCloseTo(0.2, 12);
    expect(agh[statName('solve_time_max_s', 'max')]).toBeCloseTo(0.3, 12);
    // 200, 260, 230: mean 230, std sqrt((900 + 900 + 0) / 2) = 30
    const dm = find(summary, { sigma: 0.05, policy: 'dm-24h' });
    expect(dm.day_cost_usd).toBeCloseTo(230, 12);
    expect(dm.day_cost_std_usd).toBeCloseTo(30, 12);
    expect(find(summary, { sigma: 0.01, policy: 'dm-24h' }).day_cost_std_usd).toBe(0);
  });
});

describe('summary of time-limited rolling days (quick E5: dm-24h\'s exact solve stops at its limit)', () => {
  it('keeps days whose plan came from a time-limited solve in the statistics, counted and marked, not as failures', () => {
    const limited = (path: number, day: number) => rollingRow({
      sigma: 0.05, path, policy: 'dm-24h', solver_label: 'highs:time_limit_s=30', status: 'time_limit_feasible',
      message: '1 of 1 solves stopped at their time limit or cap; their best plans ran', solver_calls: 1,
      day_cost_usd: day, rental_usd: day, model_storage_usd: 0, token_storage_usd: 0, delay_penalty_usd: 0, unmet_penalty_usd: 0, violation_rate: 0.1,
    });
    const noPlan = rollingRow({ sigma: 0.05, path: 2, policy: 'dm-24h', solver_label: 'highs:time_limit_s=30', status: 'time_limit_no_solution', day_cost_usd: null });
    const [dm] = summarise('rolling', decoded('rolling', [limited(0, 6515), limited(1, 6987), noPlan]));
    expect(dm).toMatchObject({ policy: 'dm-24h', paths: 3, completed_count: 0, time_limit_count: 2, failed_count: 1, day_cost_usd: 6751 });
    expect(dm.day_cost_std_usd).toBeCloseTo(Math.sqrt(2 * 236 ** 2), 9);
  });
});

describe('decodeRow', () => {
  it('decodes by column type, empty fields as null (strings stay strings)', () => {
    const cols = RAW_COLUMNS.solve.filter((c) => ['solver', 'seed', 'feasible', 'bound_usd'].includes(c.name));
    expect(decodeRow({ solver: 'gh', seed: '3', feasible: 'false', bound_usd: '' }, cols)).toEqual({ solver: 'gh', seed: 3, feasible: false, bound_usd: null });
  });
});
