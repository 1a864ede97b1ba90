/**
 * report.html of a run: one self-contained page (inline CSS and SVG, no script, no network) with
 * the run's provenance, one section per experiment — the paper's claim next to our charts and
 * summary table — and the documentation of the CSV columns. Pure: data in, HTML text out.
 */
import { stoppedEarly, type RenderedChart } from './charts.ts';
import { COLUMN_SECTIONS, ENCODING_NOTE } from './columns-doc.ts';
import { COST_TERM_NAMES, SUMMARY_COLUMNS, type CellKind, type ColumnDef } from '../sweep/columns.ts';
import type { Manifest } from '../sweep/manifest.ts';
import { finding } from './findings.ts';
import { keyColumns, type Row, type Value } from './summary.ts';

export interface ExperimentText {
  title: string;
  /** What the paper reports (docs/experiments.md), or null for an ad-hoc sweep. */
  claim: string | null;
  /** Summary columns of the section's table (after the key columns that vary). */
  columns: string[];
}

const COST_TERMS = COST_TERM_NAMES('');
/** The figures E1 is about first (time, speedup, gap), the status counts after them. */
const SCALING_COLUMNS = ['rows', 'solve_time_s', 'solve_time_median_s', 'solve_time_sgm10_s', 'solve_time_sgm1_s', 'speedup_geomean', 'speedup_median', 'gap_mean', 'gap_max', 'gap_bound_max', 'feasible_share', 'cost_usd', 'optimal_count', 'time_limit_feasible_count', 'time_limit_no_solution_count', 'time_cap_hit_count', 'error_count'];
const STAGE2_COLUMNS = ['realised_cost_mean_usd', 'realised_cost_p5_usd', 'realised_cost_p95_usd', 'violation_rate_mean', 'violation_rate_p5', 'violation_rate_p95', 'unmet_rate', 'dropped_rate_mean', 'shed_rate_mean', 'violation_any_share'];

const EXPERIMENTS: Record<string, ExperimentText> = {
  e1: {
    title: 'E1 — Scalability: runtime, speedup, optimality gap',
    claim: 'GH < 1 s and AGH under 1 s (v1) / under 3 s (v2) at every size; the exact solver (Gurobi) goes from 0.39 s at the smallest size to over 600 s (time-out) at (20,20,20); AGH is over 260× faster on large instances and close to optimal cost.',
    columns: SCALING_COLUMNS,
  },
  e2: {
    title: 'E2 — Scenarios S1–S5: planned and realised cost',
    claim: "Under the critical budget (S3) and with high penalties (S5), AGH's realised cost and SLO violation are far below GH's (about −70% cost and −74% violations).",
    columns: ['rows', 'feasible_share', 'cost_usd', ...COST_TERMS, ...STAGE2_COLUMNS],
  },
  e3: {
    title: 'E3 — Ablation of M1, M2, M3',
    claim: 'Removing M1 or M3 makes the result infeasible (memory/delay violations); removing M2 keeps it feasible at about +50% cost.',
    columns: ['rows', 'feasible_share', 'violated_families', 'cost_usd', ...COST_TERMS],
  },
  e4: {
    title: 'E4 — Stress test: inflation up to 1.5×',
    claim: 'The cost-minimal exact plan degrades sharply with inflation; AGH keeps violations controlled and cost stable — it "degrades gracefully through its provisioned headroom" (v2).',
    columns: ['rows', 'cost_usd', ...STAGE2_COLUMNS],
  },
  compare: {
    title: 'Comparison (alloc-bench compare; compare.html has win/tie/loss, gaps and a card per instance)',
    claim: null,
    columns: SCALING_COLUMNS,
  },
  e5: {
    title: 'E5 — Rolling horizon under demand volatility',
    claim: 'Rolling AGH cuts cost by up to 48% and cost variance by up to 48% against the static plans under high volatility; GH does not benefit from re-solving (deterministic ordering).',
    columns: ['paths', 'time_limit_count', 'failed_count', 'day_cost_usd', 'day_cost_std_usd', 'violation_rate', 'violation_rate_std', 'unmet_rate', 'dropped_rate', 'shed_rate', 'solver_calls', 'solve_time_total_s', 'solve_time_max_max_s'],
  },
};

const adHoc = (kind: CellKind): ExperimentText => ({
  title: 'Ad-hoc sweep',
  claim: null,
  columns: kind === 'solve' ? [...SCALING_COLUMNS, ...STAGE2_COLUMNS] : EXPERIMENTS.e5.columns,
});

export const experimentText = (id: string, kind: CellKind): ExperimentText => EXPERIMENTS[id] ?? adHoc(kind);

export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Below this magnitude a figure is floating-point noise (a gap of 3.5e-17, a cost of 2.8e-12 USD): shown as 0. */
const NOISE = 1e-9;

/** Display form only: 4 significant digits, noise as 0; the CSVs keep full precision. */
export function show(v: Value): string {
  if (v === null) return '';
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return String(v);
    return Math.abs(v) < NOISE ? '0' : String(Number(v.toPrecision(4)));
  }
  return String(v);
}

/** A value that is a bound, not a measurement, is shown with its direction (flag column → sign). */
export const BOUND_MARKS: Record<string, [flag: string, sign: string]> = {
  solve_time_s: ['solve_time_censored', '≥ '],
  solve_time_median_s: ['solve_time_censored', '≥ '],
  speedup_geomean: ['speedup_censored', '≥ '],
  speedup_median: ['speedup_censored', '≥ '],
  gap_bound_max: ['gap_bound_relaxation', '≤ '],
};

/**
 * gap_bound_max is never a gap, only an upper bound on one: always "≤", and said in words when
 * its bound is only the per-type relaxation.
 */
export const gapBoundText = (r: Row): string =>
  r.gap_bound_max === null || r.gap_bound_max === undefined ? '' : `≤ ${show(r.gap_bound_max)}${r.gap_bound_relaxation === true ? ' vs relaxation bound' : ' vs solver bound'}`;

function cell(r: Row, name: string): string {
  if (name === 'gap_bound_max') return esc(gapBoundText(r));
  const mark = BOUND_MARKS[name];
  const sign = mark && r[mark[0]] === true && r[name] !== null ? mark[1] : '';
  return esc(sign + show(r[name]));
}

/** `keyed`: the first column names the row and stays in view when the table scrolls sideways. */
export function table(headers: { name: string; title?: string }[], rows: string[][], keyed = false): string {
  const th = headers.map((h) => `<th${h.title ? ` title="${esc(h.title)}"` : ''}>${esc(h.name)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<div class="scroll"><table${keyed ? ' class="keyed"' : ''}><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

/** A count column (`…_count`) that is 0 in every row says nothing: the table leaves it out (summary.csv keeps it). */
const allZeroCount = (rows: readonly Row[], n: string) => n.endsWith('_count') && rows.every((r) => r[n] === 0);

/**
 * The columns of an experiment's summary table: key columns that vary, then the experiment's
 * columns that have data (counts only where some row is not 0); `constant`: the keys with one value.
 */
export function summaryView(kind: CellKind, rows: readonly Row[], columns: string[]): { shown: string[]; constant: string[] } {
  const keys = keyColumns(kind).filter((n) => n !== 'experiment');
  const distinct = (n: string) => new Set(rows.map((r) => JSON.stringify(r[n]))).size;
  const varying = keys.filter((n) => distinct(n) > 1);
  const constant = keys.filter((n) => distinct(n) === 1 && rows[0][n] !== null && rows[0][n] !== '');
  const shown = columns.filter((n) => rows.some((r) => r[n] !== null && r[n] !== '') && !allZeroCount(rows, n));
  return { shown: [...varying, ...shown], constant };
}

const SIZE_KEYS = ['size_i', 'size_j', 'size_k'];

/**
 * The row's name in the table's first column: the key values that vary, the size as I×J×K, and
 * a † when some run of the group stopped early (stoppedEarly) — one narrow column that stays in
 * view, instead of six key columns that scroll away.
 */
function rowName(r: Row, keys: readonly string[]): string {
  const parts = keys.filter((n) => !SIZE_KEYS.includes(n)).map((n) => show(r[n]));
  if (keys.some((n) => SIZE_KEYS.includes(n))) parts.unshift(`${r.size_i}×${r.size_j}×${r.size_k}`);
  return esc(parts.join(' · ')) + (stoppedEarly(r) ? ' †' : '');
}

export const GAP_NOTE = '≥: a lower bound (an exact solve stopped at its time limit). gap_mean and gap_max: against proven optima only. ' +
  'gap_bound_max: where no optimum is proven, the largest gap against a lower bound — an upper bound on the gap, not a gap, and not in gap_mean; ' +
  '"vs relaxation bound": the bound is only the per-type relaxation, which can be far below the optimum. ';

/** The section's summary table, constant keys in the caption. */
function summaryTable(kind: CellKind, rows: readonly Row[], columns: string[]): string {
  const defs = new Map<string, ColumnDef>(SUMMARY_COLUMNS[kind].map((c) => [c.name, c]));
  const { shown, constant } = summaryView(kind, rows, columns);
  const keys = new Set(keyColumns(kind));
  const varying = shown.filter((n) => keys.has(n));
  const values = shown.filter((n) => !keys.has(n));
  const keyHeader = [...(varying.some((n) => SIZE_KEYS.includes(n)) ? ['size'] : []), ...varying.filter((n) => !SIZE_KEYS.includes(n))].join(' · ');
  const caption = constant.map((n) => `${n} = ${show(rows[0][n])}`).join(', ');
  const stopped = rows.some(stoppedEarly);
  return (
    (caption ? `<p class="note">All rows: ${esc(caption)}.</p>` : '') +
    table(
      [...(varying.length ? [{ name: keyHeader || 'row' }] : []), ...values.map((n) => ({ name: n, title: defs.get(n)?.description }))],
      rows.map((r) => [...(varying.length ? [rowName(r, varying)] : []), ...values.map((n) => cell(r, n))]),
      varying.length > 0,
    ) +
    '<p class="note">' +
    (stopped ? (kind === 'rolling'
      ? '†: some day of the group ran on the best plan of a solve stopped at its time limit (time_limit_count); it is in the statistics, and its figures depend on that limit. '
      : '†: some run of the group stopped early — an exact solve at its time limit (the time_limit_* counts) or a heuristic at its wall-clock safety cap (time_cap_hit_count); its figures depend on that limit. ') : '') +
    (kind === 'solve' ? GAP_NOTE : '') +
    'Full precision and all columns: summary.csv.</p>'
  );
}

/** Cells by status, from raw.csv (a solve cell has one row per κ, so rows are counted once per cell_key). */
function statusCounts(raw: readonly Row[]): string {
  const byCell = new Map(raw.map((r) => [r.cell_key, String(r.status)]));
  const counts = new Map<string, number>();
  for (const s of byCell.values()) counts.set(s, (counts.get(s) ?? 0) + 1);
  return table([{ name: 'status' }, { name: 'cells' }], [...counts].map(([s, n]) => [esc(s), String(n)]));
}

/** Inline SVG: the HTML parser puts <svg> in the SVG namespace, so the xmlns declarations go. */
export function figure(c: RenderedChart): string {
  const svg = c.svg.replace(/\s+xmlns(:\w+)?="[^"]*"/g, '').replace('<svg', `<svg role="img" aria-label="${esc(c.title)}"`);
  const reading = c.reading ? `<p class="reading">${esc(c.reading)}</p>` : '';
  return `<figure class="chart" id="chart-${esc(c.file)}">${svg}<figcaption>${esc(c.title)} — charts/${esc(c.file)}.svg, .png, .vl.json</figcaption>${reading}</figure>`;
}

/** The run's provenance as label/value pairs (also the header of its notebook). */
export function provenanceItems(m: Manifest): [string, string][] {
  const e = m.environment;
  return [
    ['Command', m.command_line.join(' ')],
    ['Preset', `${m.preset ?? '—'}${m.quick ? ' (quick)' : ''}`],
    ['Commit', `${e.git_commit ?? 'unknown'}${e.git_dirty ? ' (with uncommitted changes)' : ''}`],
    ['Machine', `${e.cpu_model} × ${e.cpu_count}, ${e.memory_gb} GB, ${e.platform}; Node ${e.node}`],
    ['Timing policy', `${m.timing_policy.description} (jobs: ${m.timing_policy.jobs})`],
    ['Cells', `${m.cells_done} of ${m.cells_in_run} done${m.shard ? ` (shard ${JSON.stringify(m.shard)})` : ''}`],
    ['Time', `${m.started_at} → ${m.finished_at ?? 'unfinished'}`],
  ];
}

export function provenance(m: Manifest): string {
  return `<dl class="meta">${provenanceItems(m).map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`;
}

function columnDocs(kind: CellKind): string {
  const sections = COLUMN_SECTIONS.filter((s) => s.kind === kind).map((s) =>
    `<h3>${esc(s.title.replace(/`/g, ''))}</h3><p>${esc(s.intro.replace(/`/g, ''))}</p>` +
    table([{ name: 'column' }, { name: 'type' }, { name: 'unit' }, { name: 'description' }],
      s.columns.map((c) => [`<code>${esc(c.name)}</code>`, c.type, esc(c.unit), esc(c.description) + (c.timing ? ' <em>(timing)</em>' : '')])));
  return `<section id="columns"><h2>Columns</h2><p>${esc(ENCODING_NOTE.replace(/[`*]/g, ''))}</p>${sections.join('\n')}</section>`;
}

export const CSS = `
body{font-family:"DejaVu Sans",Verdana,sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;color:#222;line-height:1.4}
h1{font-size:1.5em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}dt{font-weight:bold}dd{margin:0;word-break:break-word}
blockquote{margin:1em 0;padding:.5em 1em;border-left:4px solid #4c78a8;background:#f4f7fb}
.charts{display:flex;flex-wrap:wrap;gap:1em}figure.chart{margin:0}figure.chart svg{max-width:100%;height:auto}
figcaption,.note{font-size:.85em;color:#555}p.reading{max-width:42em;margin:.3em 0;font-size:.9em}p.finding{margin:.5em 0 1em}
.scroll{overflow-x:auto}table{border-collapse:collapse;font-size:.85em;margin:.5em 0}
th,td{border:1px solid #ddd;padding:.2em .5em;text-align:right;white-space:nowrap}th{background:#f0f0f0}
table.keyed td:first-child,table.keyed th:first-child{position:sticky;left:0;z-index:1;text-align:left;background:#fff;box-shadow:1px 0 0 #ccc}
table.keyed th:first-child{background:#f0f0f0}
#columns td{white-space:normal;text-align:left}`;

function findingLine(experiment: string, summary: readonly Row[]): string {
  const line = finding(experiment, summary);
  return line ? `<p class="finding"><strong>This run:</strong> ${esc(line)}</p>` : '';
}

/** Each experiment's chart that answers the paper's claim: the one the index page shows. */
const HEADLINE_CHARTS: Record<string, string[]> = { e1: ['gap'], e2: ['scenario-cost'], e3: ['ablation-feasibility'], e4: ['frontier', 'violation-vs-kappa'], e5: ['rolling-cost'] };

/** The first of the experiment's headline charts the run has (E4 without headroom has no frontier), else its first chart. */
export const headlineChart = (experiment: string, charts: readonly RenderedChart[]): RenderedChart | undefined =>
  (HEADLINE_CHARTS[experiment] ?? []).map((name) => charts.find((c) => c.file === `${experiment}-${name}`)).find((c) => c !== undefined) ??
  charts.find((c) => c.experiment === experiment);

export interface IndexEntry {
  /** The run directory, relative to the index page. */
  dir: string;
  title: string;
  experiment: string;
  cells: number;
  summary: readonly Row[];
  charts: readonly RenderedChart[];
}

/** The page above several runs (`alloc-bench start`): per run its finding and headline chart, linking to its report. */
export function indexHtml(title: string, note: string, entries: readonly IndexEntry[]): string {
  const sections = entries.map((e) => {
    const chart = headlineChart(e.experiment, e.charts);
    const text = experimentText(e.experiment, 'solve');
    const href = `${e.dir}/report.html`;
    return `<section id="${esc(e.experiment)}"><h2><a href="${esc(href)}">${esc(e.title)}</a></h2>` +
      (text.claim ? `<blockquote><strong>Paper:</strong> ${esc(text.claim)}</blockquote>` : '') +
      findingLine(e.experiment, e.summary) +
      (chart ? `<figure class="chart"><a href="${esc(href)}"><img src="${esc(`${e.dir}/charts/${chart.file}.svg`)}" alt="${esc(chart.title)}"></a><figcaption>${esc(chart.title)}</figcaption></figure>` : '') +
      `<p class="note">${e.cells} cells · <a href="${esc(href)}">full report: all charts, summary table, provenance</a></p></section>`;
  });
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${CSS}
figure.chart img{max-width:100%;height:auto}</style></head>
<body><h1>${esc(title)}</h1>
<p>${esc(note)}</p>
${sections.join('\n')}
</body></html>
`;
}

export interface ReportInput {
  manifest: Manifest;
  kind: CellKind;
  raw: readonly Row[];
  summary: readonly Row[];
  charts: readonly RenderedChart[];
}

export function reportHtml({ manifest, kind, raw, summary, charts }: ReportInput): string {
  const experiments = [...new Set(summary.map((r) => String(r.experiment)))];
  const sections = experiments.map((id) => {
    const text = experimentText(id, kind);
    const figures = charts.filter((c) => c.experiment === id).map(figure).join('\n');
    return `<section id="${esc(id)}"><h2>${esc(text.title)}</h2>` +
      (text.claim ? `<blockquote><strong>Paper:</strong> ${esc(text.claim)}</blockquote>` : '') +
      findingLine(id, summary) +
      `<h3>Cells by status</h3>${statusCounts(raw.filter((r) => r.experiment === id))}` +
      (figures ? `<div class="charts">${figures}</div>` : '') +
      `<h3>Summary</h3>${summaryTable(kind, summary.filter((r) => r.experiment === id), text.columns)}</section>`;
  });
  const title = `llm-alloc-bench run: ${manifest.config.experiment}`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${CSS}</style></head>
<body><h1>${esc(title)}</h1>
${provenance(manifest)}
${sections.join('\n') || '<p>No rows in raw.csv yet.</p>'}
${columnDocs(kind)}
</body></html>
`;
}
