import { describe, expect, it } from 'vitest';
import { RAW_COLUMNS, type CellKind } from './columns.ts';
import { finding } from './findings.ts';
import { encodeRow, type RawRow } from './raw-csv.ts';
import { e1Rows, e3Rows, e5Rows } from './report-fixture.ts';
import { decodeRow, summarise } from './summary.ts';

const summaryOf = (kind: CellKind, rows: RawRow[]) =>
  summarise(kind, rows.map((r) => decodeRow(encodeRow(r, RAW_COLUMNS[kind]), RAW_COLUMNS[kind])));

describe('finding', () => {
  it('E1: the heuristics’ largest mean gap and time, and the speedup at the largest size with one', () => {
    // agh: gaps 2% and 0% at 6×6×10 (mean 1%), 10% against the bound at 20×20×20; times 0.75 s and 2.5 s
    expect(finding('e1', summaryOf('solve', e1Rows()))).toBe(
      'agh: mean gap at most 10%, mean time at most 2.5 s; gh: mean gap at most 20%, mean time at most 0.45 s; agh ≥ 12× faster than the fastest exact solve at 20×20×20.',
    );
  });

  it('E3: names the ablations that made plans infeasible with the families broken, and what removing M2 costs', () => {
    expect(finding('e3', summaryOf('solve', e3Rows()))).toBe(
      'Infeasible plans: agh:noM1 2 of 2 (memory); agh:noM3 2 of 2 (delay_slo). Planned cost without M2, against the full heuristic: agh:noM2 +50%.',
    );
    const equal = e3Rows().map((r) => (r.solver_label === 'agh:noM2' ? { ...r, cost_usd: 100 + 1e-13 } : r));
    expect(finding('e3', summaryOf('solve', equal))).toMatch(/agh:noM2 ±0%\.$/);
  });

  it('E5: rolling AGH against the static AGH plan at the largest σ', () => {
    // σ = 0.05: agh-5min days 130, 140, 150 (mean 140, std 10); dm-24h 200, 260, 230 (mean 230, std 30)
    expect(finding('e5', summaryOf('rolling', e5Rows()))).toBe("At σ = 0.05: agh-5min's day cost $140, −39% against dm-24h's $230; day-cost std $10 (dm-24h $30).");
  });

  it('says nothing for an ad-hoc sweep', () => {
    expect(finding('sweep', summaryOf('solve', e1Rows()))).toBeNull();
  });
});
