/**
 * The charts of a run (EXPERIMENTS.md): Vega-Lite specs whose data are summary rows inlined
 * verbatim (only label fields are added), compiled with vega-lite, rendered headless by vega to
 * SVG and by sharp to PNG. A chart is made only when its experiment is in the run and its data
 * are present, so a partial run never shows an empty chart.
 */
import sharp from 'sharp';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { writeFileAtomic } from '../solvers/problem/files.ts';
import type { CellKind } from './columns.ts';
import type { Row } from './summary.ts';
import { CHART_FONT, useChartTextMetrics } from './text-metrics.ts';

export interface Chart {
  /** File stem under charts/: `<experiment>-<name>`. */
  file: string;
  experiment: string;
  title: string;
  spec: TopLevelSpec;
}

export interface RenderedChart extends Chart {
  svg: string;
  png: Buffer;
}

// ─── data selection ─────────────────────────────────────────────────────────────────────────

const sizeLabel = (r: Row) => `${r.size_i}×${r.size_j}×${r.size_k}`;

/** Row keys that may vary within an experiment and split a chart into panels when not on an axis. */
const PANEL_KEYS = ['size', 'scenario', 'slo_mode', 'kappa'] as const;
type PanelKey = (typeof PANEL_KEYS)[number];

const has = (r: Row, f: string) => r[f] !== null && r[f] !== undefined && r[f] !== '';

const panelPart: Record<PanelKey, (r: Row) => string | null> = {
  size: sizeLabel,
  scenario: (r) => (has(r, 'scenario') ? String(r.scenario) : null),
  slo_mode: (r) => (has(r, 'slo_mode') ? String(r.slo_mode) : null),
  kappa: (r) => (has(r, 'kappa') ? `κ = ${r.kappa}` : null),
};

/** The fields a chart plots, copied from its summary rows, plus the `size` and `panel` labels. */
function chartData(rows: readonly Row[], fields: readonly string[], onAxes: readonly PanelKey[]): { values: Row[]; panelled: boolean } {
  const free = PANEL_KEYS.filter((k) => !onAxes.includes(k));
  const label = (r: Row) => free.map((k) => panelPart[k](r)).filter((x) => x !== null).join(', ');
  const panelled = new Set(rows.map(label)).size > 1;
  const values = rows.map((r) => {
    const v: Row = { size: sizeLabel(r) };
    for (const f of fields) v[f] = r[f];
    if (panelled) v.panel = label(r);
    return v;
  });
  return { values, panelled };
}

/** Solve statistics repeat at every κ of a cell: charts of them use the rows of the first κ only. */
function firstKappa(rows: readonly Row[]): Row[] {
  const kappas = rows.map((r) => r.kappa).filter((k): k is number => typeof k === 'number');
  const first = kappas.length ? Math.min(...kappas) : null;
  return rows.filter((r) => r.kappa === first || (first === null && !has(r, 'kappa')));
}

// ─── spec builders ──────────────────────────────────────────────────────────────────────────

type Encoding = Record<string, unknown>;
type Layer = { mark: unknown; encoding: Encoding };

const q = (field: string, title: string, extra: Encoding = {}) => ({ field, type: 'quantitative', title, ...extra });
const n = (field: string, title: string, extra: Encoding = {}) => ({ field, type: 'nominal', title, ...extra });
const PERCENT = { axis: { format: '.0%' } };
const LOG = { scale: { type: 'log' } };

/** No label limits: text is measured with the font's real widths (text-metrics.ts), so nothing needs truncating. */
const CONFIG = {
  font: CHART_FONT,
  axis: { labelLimit: 0, titleLimit: 0, labelFontSize: 11, titleFontSize: 12 },
  legend: { labelLimit: 0, titleLimit: 0, labelFontSize: 11, titleFontSize: 12, symbolOpacity: 1 },
  header: { labelLimit: 0, labelFontSize: 12 },
  title: { fontSize: 14, anchor: 'start', limit: 0 },
};

function assemble(title: string, values: Row[], panelled: boolean, layers: Layer[]): TopLevelSpec {
  const body = { width: 360, height: 220, layer: layers };
  const spec = panelled
    ? { facet: { field: 'panel', type: 'nominal', title: null, sort: null }, columns: 3, spec: body, resolve: { scale: { y: 'independent' } } }
    : body;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    data: { values },
    ...spec,
    config: CONFIG,
  } as unknown as TopLevelSpec;
}

interface LineChart {
  /** `ordinal`: evenly spaced categories in data order (sizes, σ), with slanted labels when `slant`. */
  x: { field: string; title: string; ordinal?: boolean; slant?: boolean };
  y: { field: string; title: string; log?: boolean; percent?: boolean };
  color: { field: string; title: string };
  /** Boolean column shown as point shape (censored time, gap against a bound). */
  flag?: { field: string; title: string };
  /** A band between two columns (p5–p95) or error bars of ± one column (std). */
  band?: { lo: string; hi: string };
  error?: string;
}

function lineLayers(c: LineChart): Layer[] {
  const x = c.x.ordinal
    ? n(c.x.field, c.x.title, { sort: null, type: 'ordinal', axis: { labelAngle: c.x.slant ? -30 : 0 } })
    : q(c.x.field, c.x.title);
  const yExtra = { ...(c.y.log ? LOG : {}), ...(c.y.percent ? PERCENT : {}) };
  const y = q(c.y.field, c.y.title, yExtra);
  const color = n(c.color.field, c.color.title, { sort: null });
  const layers: Layer[] = [];
  if (c.band) {
    layers.push({ mark: { type: 'area', opacity: 0.18 }, encoding: { x, y: q(c.band.lo, c.y.title, yExtra), y2: { field: c.band.hi }, color } });
  }
  if (c.error) layers.push({ mark: { type: 'errorbar', ticks: { size: 10 } }, encoding: { x, y, yError: { field: c.error }, color } });
  layers.push({ mark: { type: 'line' }, encoding: { x, y, color } });
  const shape = c.flag
    ? { shape: n(c.flag.field, c.flag.title, { scale: { domain: [false, true], range: ['circle', 'triangle-up'] }, legend: { labelExpr: "datum.label === 'true' ? 'yes' : 'no'" } }) }
    : {};
  layers.push({ mark: { type: 'point', filled: true, size: 60 }, encoding: { x, y, color, ...shape } });
  return layers;
}

interface BarChart {
  x: { field: string; title: string };
  y: { field: string; title: string; percent?: boolean };
  color: { field: string; title: string };
}

function barLayers(c: BarChart): Layer[] {
  const color = n(c.color.field, c.color.title, { sort: null });
  return [{
    mark: { type: 'bar' },
    encoding: {
      x: n(c.x.field, c.x.title, { sort: null, axis: { labelAngle: -30 } }),
      // Bars side by side within a category, unless the colour is the category itself.
      ...(c.color.field === c.x.field ? {} : { xOffset: { field: c.color.field, sort: null } }),
      y: q(c.y.field, c.y.title, c.y.percent ? PERCENT : {}),
      color,
    },
  }];
}

// ─── the charts of EXPERIMENTS.md ───────────────────────────────────────────────────────────

interface ChartDef {
  name: string;
  kind: CellKind;
  /** Experiments whose section shows the chart (`sweep`: an ad-hoc grid). */
  experiments: readonly string[];
  title: string;
  /** Rows of the experiment → rows to plot (before the "data present" filter on `requires`). */
  select?: (rows: readonly Row[]) => Row[];
  requires: string;
  fields: readonly string[];
  onAxes: readonly PanelKey[];
  layers: Layer[];
}

const SOLVER = { field: 'solver_label', title: 'Solver' };
const SIZE_X = { field: 'size', title: 'Instance size I×J×K', ordinal: true, slant: true };
const KAPPA_X = { field: 'kappa', title: 'Inflation κ' };
const SCALING = ['e1', 'sweep'];

function line(def: Omit<ChartDef, 'layers'>, chart: LineChart): ChartDef {
  return { ...def, layers: lineLayers(chart) };
}

function bar(def: Omit<ChartDef, 'layers'>, chart: BarChart): ChartDef {
  return { ...def, layers: barLayers(chart) };
}

const CHARTS: ChartDef[] = [
  line(
    { name: 'runtime', kind: 'solve', experiments: SCALING, title: 'Solve time vs instance size', select: firstKappa, requires: 'solve_time_s', fields: ['solver_label', 'solve_time_s', 'solve_time_censored'], onAxes: ['size', 'kappa'] },
    { x: SIZE_X, y: { field: 'solve_time_s', title: 'Mean solve time (s, log)', log: true }, color: SOLVER, flag: { field: 'solve_time_censored', title: 'Hit time limit (lower bound)' } },
  ),
  line(
    { name: 'speedup', kind: 'solve', experiments: SCALING, title: 'Speedup over the fastest exact solve', select: firstKappa, requires: 'speedup_geomean', fields: ['solver_label', 'speedup_geomean', 'speedup_censored'], onAxes: ['size', 'kappa'] },
    { x: SIZE_X, y: { field: 'speedup_geomean', title: 'Speedup, geometric mean (×, log)', log: true }, color: SOLVER, flag: { field: 'speedup_censored', title: 'Exact time censored (lower bound)' } },
  ),
  line(
    { name: 'gap', kind: 'solve', experiments: SCALING, title: 'Optimality gap vs instance size', select: firstKappa, requires: 'gap_mean', fields: ['solver_label', 'gap_mean', 'gap_upper_bound'], onAxes: ['size', 'kappa'] },
    { x: SIZE_X, y: { field: 'gap_mean', title: 'Mean optimality gap', percent: true }, color: SOLVER, flag: { field: 'gap_upper_bound', title: 'Against bound (upper bound)' } },
  ),
  bar(
    { name: 'scenario-cost', kind: 'solve', experiments: ['e2'], title: 'Realised cost per scenario', requires: 'realised_cost_mean_usd', fields: ['scenario', 'solver_label', 'realised_cost_mean_usd'], onAxes: ['scenario'] },
    { x: { field: 'scenario', title: 'Scenario' }, y: { field: 'realised_cost_mean_usd', title: 'Mean realised cost (USD)' }, color: SOLVER },
  ),
  bar(
    { name: 'scenario-violation', kind: 'solve', experiments: ['e2'], title: 'SLO-violation rate per scenario', requires: 'violation_rate_mean', fields: ['scenario', 'solver_label', 'violation_rate_mean'], onAxes: ['scenario'] },
    { x: { field: 'scenario', title: 'Scenario' }, y: { field: 'violation_rate_mean', title: 'Mean SLO-violation rate', percent: true }, color: SOLVER },
  ),
  bar(
    { name: 'ablation-cost', kind: 'solve', experiments: ['e3'], title: 'Planned cost per ablation', select: firstKappa, requires: 'cost_usd', fields: ['solver_label', 'cost_usd'], onAxes: ['kappa'] },
    { x: { field: 'solver_label', title: 'Solver and ablation' }, y: { field: 'cost_usd', title: 'Mean planned cost (USD)' }, color: SOLVER },
  ),
  bar(
    { name: 'ablation-feasibility', kind: 'solve', experiments: ['e3'], title: 'Feasible plans per ablation', select: firstKappa, requires: 'feasible_share', fields: ['solver_label', 'feasible_share'], onAxes: ['kappa'] },
    { x: { field: 'solver_label', title: 'Solver and ablation' }, y: { field: 'feasible_share', title: 'Share of feasible plans', percent: true }, color: SOLVER },
  ),
  line(
    { name: 'cost-vs-kappa', kind: 'solve', experiments: ['e4', 'sweep'], title: 'Realised cost vs inflation (band: mean p5–p95)', requires: 'realised_cost_mean_usd', fields: ['solver_label', 'kappa', 'realised_cost_mean_usd', 'realised_cost_p5_usd', 'realised_cost_p95_usd'], onAxes: ['kappa'] },
    { x: KAPPA_X, y: { field: 'realised_cost_mean_usd', title: 'Realised cost (USD)' }, color: SOLVER, band: { lo: 'realised_cost_p5_usd', hi: 'realised_cost_p95_usd' } },
  ),
  line(
    { name: 'violation-vs-kappa', kind: 'solve', experiments: ['e4', 'sweep'], title: 'SLO-violation rate vs inflation (band: mean p5–p95)', requires: 'violation_rate_mean', fields: ['solver_label', 'kappa', 'violation_rate_mean', 'violation_rate_p5', 'violation_rate_p95'], onAxes: ['kappa'] },
    { x: KAPPA_X, y: { field: 'violation_rate_mean', title: 'SLO-violation rate', percent: true }, color: SOLVER, band: { lo: 'violation_rate_p5', hi: 'violation_rate_p95' } },
  ),
  line(
    { name: 'rolling-cost', kind: 'rolling', experiments: ['e5', 'sweep'], title: 'Day cost per policy vs volatility (bars: ± 1 std over paths)', requires: 'day_cost_usd', fields: ['policy', 'sigma', 'day_cost_usd', 'day_cost_std_usd'], onAxes: [] },
    { x: { field: 'sigma', title: 'Demand volatility σ', ordinal: true }, y: { field: 'day_cost_usd', title: 'Mean day cost (USD)' }, color: { field: 'policy', title: 'Policy' }, error: 'day_cost_std_usd' },
  ),
  line(
    { name: 'rolling-violation', kind: 'rolling', experiments: ['e5', 'sweep'], title: 'SLO-violation rate per policy vs volatility (bars: ± 1 std)', requires: 'violation_rate', fields: ['policy', 'sigma', 'violation_rate', 'violation_rate_std'], onAxes: [] },
    { x: { field: 'sigma', title: 'Demand volatility σ', ordinal: true }, y: { field: 'violation_rate', title: 'Mean SLO-violation rate', percent: true }, color: { field: 'policy', title: 'Policy' }, error: 'violation_rate_std' },
  ),
];

/** The charts the summary rows of a run support, in the order of EXPERIMENTS.md. */
export function chartsFor(kind: CellKind, summary: readonly Row[]): Chart[] {
  const experiments = [...new Set(summary.map((r) => String(r.experiment)))];
  const charts: Chart[] = [];
  for (const experiment of experiments) {
    for (const def of CHARTS.filter((d) => d.kind === kind && d.experiments.includes(experiment))) {
      const mine = summary.filter((r) => r.experiment === experiment);
      const rows = (def.select ? def.select(mine) : mine).filter((r) => has(r, def.requires));
      if (rows.length === 0) continue;
      const { values, panelled } = chartData(rows, def.fields, def.onAxes);
      charts.push({ file: `${experiment}-${def.name}`, experiment, title: def.title, spec: assemble(def.title, values, panelled, def.layers) });
    }
  }
  return charts;
}

// ─── rendering ──────────────────────────────────────────────────────────────────────────────

/**
 * Vega numbers clip paths from 1 in every SVG; prefixing the ids keeps them unique when several
 * SVGs are inlined into one HTML page.
 */
function namespaceIds(svg: string, prefix: string): string {
  return svg.replace(/\bid="([^"]+)"/g, `id="${prefix}-$1"`).replace(/url\(#([^)]+)\)/g, `url(#${prefix}-$1)`);
}

export async function renderChart(chart: Chart): Promise<RenderedChart> {
  useChartTextMetrics();
  const view = new vega.View(vega.parse(compile(chart.spec).spec), { renderer: 'none' });
  const svg = namespaceIds(await view.toSVG(), chart.file);
  view.finalize();
  // 2× density: crisp text in the PNG at the SVG's layout size.
  const png = await sharp(Buffer.from(svg), { density: 144 }).png().toBuffer();
  return { ...chart, svg, png };
}

/** charts/<file>.vl.json, .svg and .png for every chart (each file written atomically). */
export async function writeCharts(chartsDir: string, charts: readonly Chart[]): Promise<RenderedChart[]> {
  const rendered: RenderedChart[] = [];
  for (const chart of charts) {
    const r = await renderChart(chart);
    writeFileAtomic(`${chartsDir}/${r.file}.vl.json`, `${JSON.stringify(r.spec, null, 2)}\n`);
    writeFileAtomic(`${chartsDir}/${r.file}.svg`, r.svg);
    writeFileAtomic(`${chartsDir}/${r.file}.png`, r.png);
    rendered.push(r);
  }
  return rendered;
}
