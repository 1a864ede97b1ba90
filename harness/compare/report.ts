/**
 * The outputs of a comparison run (experiment `compare`), beside its report.html:
 * - compare-solvers.csv: per solver, instances, feasible plans, SGM of times, gaps, primal integral;
 * - compare-wtl.csv: win/tie/loss of each solver under test against each solver compared with;
 * - compare-instances.csv: per instance and solver, the evaluator's cost, the gap and its kind, time;
 * - compare.html: those tables, the profiles, anytime and primal-integral charts, and a result card
 *   per instance. docs/compare.md documents every figure.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { writeFileAtomic } from '../../lib/files.ts';
import type { TrajectoryFile, TrajectoryPoint } from '../../solvers/trajectory.ts';
import { seriesName } from '../report/chart-style.ts';
import type { RenderedChart } from '../report/charts.ts';
import { CSS, esc, figure, provenance, show, table } from '../report/report-html.ts';
import type { KnownLookup, Row } from '../report/summary.ts';
import { TRAJECTORIES_DIR } from '../sweep/cell.ts';
import type { Manifest } from '../sweep/manifest.ts';
import { compareRuns, duel, TIE_TOLERANCE, winTieLoss, type Comparison, type InstanceScore, type WinTieLoss } from './score.ts';
import { COMPARE_EXPERIMENT, comparedSolvers } from './sets.ts';

export const isComparison = (m: Manifest): boolean => m.config.kind === 'solve' && m.config.experiment === COMPARE_EXPERIMENT;

/** trajectories/<cell_key>.json of the run (files that do not parse are skipped: anytime data is optional). */
export function readTrajectories(runDir: string): Map<string, TrajectoryPoint[]> {
  const dir = join(runDir, TRAJECTORIES_DIR);
  const out = new Map<string, TrajectoryPoint[]>();
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    try {
      const file = JSON.parse(readFileSync(join(dir, name), 'utf8')) as TrajectoryFile;
      if (file.schema === 'llm-alloc-bench/trajectory@1' && Array.isArray(file.points)) out.set(file.cell_key, file.points);
    } catch {
      // a torn file from a killed cell: that cell has no anytime data
    }
  }
  return out;
}

export interface ComparisonReport {
  comparison: Comparison;
  solvers: string[];
  against: string[];
  wtl: WinTieLoss[];
}

export function scoreComparison(runDir: string, manifest: Manifest, raw: readonly Row[], known: KnownLookup): ComparisonReport {
  const comparison = compareRuns({ raw, known, trajectories: readTrajectories(runDir) });
  const { solvers, against } = comparedSolvers(manifest.config, seriesName);
  return { comparison, solvers, against, wtl: winTieLoss(comparison.instances, solvers, against) };
}

const csv = (rows: Record<string, unknown>[], columns: string[]) =>
  stringify(rows.map((r) => columns.map((c) => (r[c] === null || r[c] === undefined ? '' : String(r[c])))), { header: true, columns });

export const SOLVER_COLUMNS = ['solver', 'instances', 'solved', 'sgm10_s', 'sgm1_s', 'certified_gaps', 'gap_mean', 'gap_max', 'bounded_gaps', 'gap_bound_max', 'primal_integral_mean_s'];
export const WTL_COLUMNS = ['solver', 'against', 'instances', 'wins', 'ties', 'losses'];
export const INSTANCE_COLUMNS = ['instance_id', 'size', 'solver', 'status', 'solved', 'cost_usd', 'reference_usd', 'gap', 'gap_kind', 'time_s', 'primal_integral_s', 'cell_key'];

/** The CSVs and compare.html; returns the page's path. */
export function writeComparison(runDir: string, manifest: Manifest, report: ComparisonReport, charts: readonly RenderedChart[]): string {
  const { comparison } = report;
  writeFileAtomic(join(runDir, 'compare-solvers.csv'), csv(comparison.solvers as unknown as Record<string, unknown>[], SOLVER_COLUMNS));
  writeFileAtomic(join(runDir, 'compare-wtl.csv'), csv(report.wtl as unknown as Record<string, unknown>[], WTL_COLUMNS));
  writeFileAtomic(join(runDir, 'compare-instances.csv'), csv(comparison.instances as unknown as Record<string, unknown>[], INSTANCE_COLUMNS));
  const path = join(runDir, 'compare.html');
  writeFileAtomic(path, comparisonHtml(manifest, report, charts));
  return path;
}

const pct = (x: number | null) => (x === null ? '' : `${show(100 * x)}%`);

/** "12.5% (certified)", "≤ 3% (vs bound)", "1% (vs run best)". */
export function gapText(r: Pick<InstanceScore, 'gap' | 'gap_kind'>): string {
  if (r.gap === null || r.gap_kind === null) return '';
  const g = Math.abs(r.gap) < 1e-9 ? 0 : r.gap;
  if (r.gap_kind === 'certified') return `${pct(g)} (certified)`;
  if (r.gap_kind === 'upper_bound') return `≤ ${pct(g)} (vs bound)`;
  return `${pct(g)} (vs run best)`;
}

function comparisonHtml(m: Manifest, report: ComparisonReport, charts: readonly RenderedChart[]): string {
  const { comparison, solvers, against, wtl } = report;
  const wtlTable = table(
    ['solver', 'against', 'instances', 'wins', 'ties', 'losses'].map((name) => ({ name })),
    wtl.map((w) => [esc(w.solver), esc(w.against), String(w.instances), String(w.wins), String(w.ties), String(w.losses)]),
  );
  const solverTable = table(
    ['solver', 'instances', 'feasible plans', 'SGM time, shift 10 s', 'SGM time, shift 1 s', 'certified gaps', 'mean certified gap', 'max certified gap', '≤ gaps', 'max ≤ gap', 'mean primal integral (s)'].map((name) => ({ name })),
    comparison.solvers.map((s) => [esc(s.solver), String(s.instances), String(s.solved), show(s.sgm10_s), show(s.sgm1_s), String(s.certified_gaps), pct(s.gap_mean), pct(s.gap_max), String(s.bounded_gaps), s.gap_bound_max === null ? '' : `≤ ${pct(s.gap_bound_max)}`, show(s.primal_integral_mean_s)]),
  );
  const figures = charts.filter((c) => c.experiment === COMPARE_EXPERIMENT).map(figure).join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>alloc-bench compare</title><style>${CSS}
.cards{display:flex;flex-wrap:wrap;gap:1em}.card{border:1px solid #ccc;border-radius:4px;padding:.5em 1em}.card h3{font-size:1em;margin:.3em 0}
td.win{color:#1a7f37}td.loss{color:#b42318}</style></head>
<body><h1>Comparison: ${esc(solvers.join(', '))} against ${esc(against.join(', ') || '—')}</h1>
${provenance(m)}
<p class="note">Every cost is the evaluator's. Tie: costs within a relative ${TIE_TOLERANCE} of each other, or neither solver has a feasible plan. Gaps: "certified" against a proven optimum (of the best-known table, or an exact solve of this run); "≤" against its lower bound (an upper bound on the gap); "vs run best" where the table has no entry. SGM: shifted geometric mean of solve times, a run without a feasible plan charged the time limit (docs/compare.md).</p>
<h2>Win / tie / loss</h2>${wtlTable}
<h2>Solvers</h2>${solverTable}
<h2>Charts</h2><div class="charts">${figures}</div>
<h2>Instances</h2><div class="cards">${cards(comparison, solvers, against)}</div>
<p><a href="report.html">report.html</a>: the run's summary table and column documentation.</p>
</body></html>
`;
}

function cards(c: Comparison, solvers: string[], against: string[]): string {
  const groups = new Map<string, InstanceScore[]>();
  for (const r of c.instances) groups.get(r.instance_id)?.push(r) ?? groups.set(r.instance_id, [r]);
  return [...groups].map(([id, rows]) => {
    const ref = rows.find((r) => r.reference_usd !== null);
    const kind = rows.find((r) => r.gap_kind !== null)?.gap_kind;
    const refText = ref ? `reference $${show(ref.reference_usd)}${kind === 'certified' ? ' (proven optimum)' : kind === 'upper_bound' ? ' (lower bound of the best-known table)' : kind === 'run_best' ? ' (best plan of this run)' : ''}` : 'no reference cost';
    const versus = (r: InstanceScore) => (solvers.includes(r.solver) ? against.map((a) => {
      const other = rows.find((x) => x.solver === a);
      if (!other) return '';
      const d = duel(r, other);
      return d > 0 ? `beats ${a}` : d < 0 ? `loses to ${a}` : `ties ${a}`;
    }).filter(Boolean).join(', ') : '');
    const body = rows.map((r) => {
      const v = versus(r);
      const cls = /loses/.test(v) ? 'loss' : /beats/.test(v) ? 'win' : '';
      return [esc(r.solver), esc(r.status), r.cost_usd === null ? (r.status === 'error' ? 'error' : 'no feasible plan') : `$${show(r.cost_usd)}`, esc(gapText(r)), show(r.time_s), `<span class="${cls}">${esc(v)}</span>`];
    });
    return `<div class="card"><h3>${esc(id)}</h3><p class="note">${esc(refText)}</p>${table(['solver', 'status', 'cost', 'gap', 'time (s)', 'vs'].map((name) => ({ name })), body)}</div>`;
  }).join('\n');
}
