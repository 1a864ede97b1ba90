import { describe, expect, it } from 'vitest';
import { RAW_COLUMNS, type CellKind } from '../sweep/columns.ts';
import { finding } from './findings.ts';
import { encodeRow, type RawRow } from '../sweep/raw-csv.ts';
import { e1Rows, e3Rows, e4Rows, e5Rows } from '../../testing/report-fixture.ts';
import { decodeRow, summarise } from './summary.ts';

const summaryOf = (kind: CellKind, rows: RawRow[]) =>
  summarise(kind, rows.map((r) => decodeRow(encodeRow(r, RAW_COLUMNS[kind]), RAW_COLUMNS[kind])));

describe('finding', () => {
  it('E1: the heuristics’ largest mean gap and time, and the speedup at the largest size with one', () => {
    // agh: gaps 2% and 0% at 6×6×10 (mean 1%), 10% against the bound at 20×20×20; times 0.75 s and 2.5 s
    expect(finding('e1', summaryOf('solve', e1Rows()))).toBe(
      "agh: mean gap at most 1% against proven optima, ≤ 10% against only an exact solver's bound on 1 instance(s) without a proven optimum (not averaged), mean time at most 2.5 s; " +
        "gh: mean gap at most 13% against proven optima, ≤ 20% against only an exact solver's bound on 1 instance(s) without a proven optimum (not averaged), mean time at most 0.45 s; agh ≥ 12× faster than the fastest exact solve at 20×20×20.",
    );
  });

  it('E1: says in words when a gap is measured only against the per-type relaxation bound, and keeps it out of the mean', () => {
    // size 20: glpk's bounds removed, the heuristic rows' relaxation bound of 400 is all there is
    const rows = e1Rows().map((r) => (r.size_i !== 20 ? r : r.solver_kind === 'exact' ? { ...r, bound_usd: null } : { ...r, bound_usd: 400 }));
    const line = finding('e1', summaryOf('solve', rows))!;
    expect(line).toContain('agh: mean gap at most 1% against proven optima, ≤ 110% against only the per-type relaxation bound, a weak bound, on 2 instance(s) without a proven optimum (not averaged)');
    expect(line).not.toMatch(/mean gap at most 1\d\d%/);
  });

  it('E3: names the ablations that made plans infeasible with the families broken, and what removing M2 costs', () => {
    expect(finding('e3', summaryOf('solve', e3Rows()))).toBe(
      'Infeasible plans: agh:noM1 2 of 2 (memory); agh:noM3 2 of 2 (delay_slo). Planned cost without M2, against the full heuristic: agh:noM2 +50%.',
    );
    const equal = e3Rows().map((r) => (r.solver_label === 'agh:noM2' ? { ...r, cost_usd: 100 + 1e-13 } : r));
    expect(finding('e3', summaryOf('solve', equal))).toMatch(/agh:noM2 ±0%\.$/);
  });

  it('E4: degradation without headroom, then the frontier: what headroom buys each planner, and the heuristic points no exact plan beats', () => {
    // Means over the two sizes (6 and 8): glpk plans $700 at θ = 0 and $910 at θ = 0.25, agh $728 and $840;
    // at κ = 1.5 they violate 30% → 10% and 5% → 2%.
    expect(finding('e4', summaryOf('solve', e4Rows()))).toBe(
      'At κ = 1.5 without headroom: glpk violation rate 30%, realised cost +80% from κ = 1; agh violation rate 5%, realised cost +15% from κ = 1. ' +
      'Frontier, lowest violation rate over θ (planned cost): glpk 30% ($700) → 10% at θ = 0.25 ($910); agh 5% ($728) → 2% at θ = 0.25 ($840). ' +
      'Heuristic plans no exact plan beats on both planned cost and violations: agh θ = 0, agh θ = 0.25.',
    );
    // agh without headroom at 40%: glpk's θ = 0 plan is cheaper and violates less
    const worse = e4Rows().map((r) => (r.solver === 'agh' && r.headroom === 0 && r.kappa === 1.5 ? { ...r, violation_rate_mean: 0.4 } : r));
    expect(finding('e4', summaryOf('solve', worse))).toMatch(/no exact plan beats on both planned cost and violations: agh θ = 0\.25\.$/);
    // an exact plan equal to a heuristic's up to rounding beats it
    const tie = e4Rows().map((r) => (r.solver === 'agh' && r.headroom === 0.25 ? { ...r, cost_usd: 130 * Number(r.size_i) * (1 - 1e-12), violation_rate_mean: r.kappa === 1.5 ? 0.1 : 0 } : r));
    expect(finding('e4', summaryOf('solve', tie))).toMatch(/no exact plan beats on both planned cost and violations: agh θ = 0\.$/);
    // without several headrooms there is no frontier to speak of
    expect(finding('e4', summaryOf('solve', e4Rows().filter((r) => r.headroom === 0)))).toBe(
      'At κ = 1.5: glpk violation rate 30%, realised cost +80% from κ = 1; agh violation rate 5%, realised cost +15% from κ = 1.',
    );
  });

  it('E5: rolling AGH against the static AGH plan at the largest σ', () => {
    // σ = 0.05: agh-5min days 130, 140, 150 (mean 140, std 10); dm-24h 200, 260, 230 (mean 230, std 30)
    expect(finding('e5', summaryOf('rolling', e5Rows()))).toBe("At σ = 0.05: agh-5min's day cost $140, −39% against dm-24h's $230; day-cost std $10 (dm-24h $30).");
    // quick E5: dm-24h's exact solve stopped at its time limit and its incumbent ran: still compared, and said so
    const limited = e5Rows().map((r) => (r.policy === 'dm-24h' ? { ...r, status: 'time_limit_feasible' } : r));
    expect(finding('e5', summaryOf('rolling', limited))).toBe(
      "At σ = 0.05: agh-5min's day cost $140, −39% against dm-24h's $230 (its solve stopped at its time limit; its best plan ran); day-cost std $10 (dm-24h $30).",
    );
  });

  it('says nothing for an ad-hoc sweep', () => {
    expect(finding('sweep', summaryOf('solve', e1Rows()))).toBeNull();
  });
});
