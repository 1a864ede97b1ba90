/**
 * raw.csv files written before docs/model.md Revision 2 (one SLO-violation rate, planning
 * headroom θ) lack the columns that revision added; their rows are upgraded as they are read, so
 * old runs still report, merge and resume:
 *
 * - solve rows: `headroom` is 0 (there was no headroom). The old `violation_rate_*` counted
 *   dropped and shed demand only; planned unmet demand is the same in every scenario, so the
 *   revised rate is the old one plus `unmet_rate` — for the mean and for each percentile — and
 *   every scenario has a violation when `unmet_rate` > 0. `dropped_rate_mean` and
 *   `shed_rate_mean` were not recorded: empty (unknown).
 * - rolling rows: `violation_rate` already counted unmet, dropped and shed demand; `dropped_rate`
 *   and `shed_rate` were not recorded: empty.
 *
 * A solve run's summary.csv rendered before the SGM columns (issue 25) is read with them empty, so
 * `alloc-bench notebooks` still reads a committed run until `alloc-bench report` re-renders it.
 */
import { RAW_COLUMNS, SUMMARY_COLUMNS, type CellKind, type ColumnDef, type StoredRow } from './columns.ts';

const ADDED: Record<CellKind, readonly string[]> = {
  solve: ['headroom', 'dropped_rate_mean', 'shed_rate_mean'],
  rolling: ['dropped_rate', 'shed_rate'],
};

export interface LegacyFormat {
  /** The header such a file has. */
  header: readonly string[];
  /** A row read under that header → a row of the current columns. */
  upgrade(row: StoredRow): StoredRow;
}

const add = (a: string, b: string): string => (a === '' || b === '' ? a : String(Number(a) + Number(b)));

const UPGRADES: Record<CellKind, (row: StoredRow) => StoredRow> = {
  solve: (row) => {
    const unmet = row.unmet_rate;
    const hasStage2 = row.violation_rate_mean !== '';
    return {
      ...row,
      headroom: '0',
      violation_rate_mean: add(row.violation_rate_mean, unmet),
      violation_rate_p5: add(row.violation_rate_p5, unmet),
      violation_rate_p95: add(row.violation_rate_p95, unmet),
      violation_any_share: hasStage2 && unmet !== '' && Number(unmet) > 0 ? '1' : row.violation_any_share,
      dropped_rate_mean: '',
      shed_rate_mean: '',
    };
  },
  rolling: (row) => ({ ...row, dropped_rate: '', shed_rate: '' }),
};

const SUMMARY_ADDED = ['solve_time_sgm10_s', 'solve_time_sgm1_s'];

/** The pre-Revision-2 format of a kind of raw.csv (or the pre-SGM solve summary.csv), found by its current columns; undefined for other column lists. */
export function legacyFormat(columns: readonly ColumnDef[]): LegacyFormat | undefined {
  if (columns === SUMMARY_COLUMNS.solve) {
    return {
      header: columns.map((c) => c.name).filter((n) => !SUMMARY_ADDED.includes(n)),
      upgrade: (row) => ({ ...row, ...Object.fromEntries(SUMMARY_ADDED.map((n) => [n, ''])) }),
    };
  }
  const kind = (Object.keys(RAW_COLUMNS) as CellKind[]).find((k) => RAW_COLUMNS[k] === columns);
  if (!kind) return undefined;
  return { header: columns.map((c) => c.name).filter((n) => !ADDED[kind].includes(n)), upgrade: UPGRADES[kind] };
}
