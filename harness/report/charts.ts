/**
 * The charts of a run (docs/experiments.md): Vega-Lite specs whose data are summary rows inlined
 * verbatim (only label fields are added), compiled with vega-lite, rendered headless by vega to
 * SVG and by sharp to PNG. A chart is made only when its experiment is in the run and its data
 * are present, so a partial run never shows an empty chart.
 */
import sharp from 'sharp';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { CONSTRAINT_FAMILIES } from '../../solvers/problem/evaluator.ts';
import { writeFileAtomic } from '../../lib/files.ts';
import { CHART_FONT_SIZES as FS, labelTimeLimit, seriesColors, seriesName } from './chart-style.ts';
import type { CellKind } from '../sweep/columns.ts';
import type { Row } from './summary.ts';
import { CHART_FONT, useChartTextMetrics } from './text-metrics.ts';

export interface Chart {
  /** File stem under charts/: `<experiment>-<name>`. */
  file: string;
  experiment: string;
  title: string;
  /** One sentence on how to read the chart, shown under it in the report (charts that need one). */
  reading?: string;
  spec: TopLevelSpec;
}

export interface RenderedChart extends Chart {
  svg: string;
  png: Buffer;
}

// ─── data selection ─────────────────────────────────────────────────────────────────────────

const sizeLabel = (r: Row) => `${r.size_i}×${r.size_j}×${r.size_k}`;

/** Row keys that may vary within an experiment and split a chart into panels when not on an axis
 * (the headroom θ only where a chart's rows have several). */
const PANEL_KEYS = ['size', 'scenario', 'slo_mode', 'headroom', 'kappa'] as const;
type PanelKey = (typeof PANEL_KEYS)[number];

const has = (r: Row, f: string) => r[f] !== null && r[f] !== undefined && r[f] !== '';

const panelPart: Record<PanelKey, (r: Row) => string | null> = {
  size: sizeLabel,
  scenario: (r) => (has(r, 'scenario') ? String(r.scenario) : null),
  slo_mode: (r) => (has(r, 'slo_mode') ? String(r.slo_mode) : null),
  headroom: (r) => (has(r, 'headroom') ? `θ = ${r.headroom}` : null),
  kappa: (r) => (has(r, 'kappa') ? `κ = ${r.kappa}` : null),
};

const count = (r: Row, f: string) => (typeof r[f] === 'number' ? (r[f] as number) : 0);

/**
 * Some row of the group stopped early: an exact solve at its time limit, a heuristic at its
 * safety time cap; in E5, a day whose plans came from such a solve.
 */
export const stoppedEarly = (r: Row): boolean =>
  count(r, 'time_limit_feasible_count') + count(r, 'time_limit_no_solution_count') + count(r, 'time_cap_hit_count') + count(r, 'time_limit_count') > 0;

/**
 * The fields a chart plots, copied from its summary rows, plus labels: `size`, `panel`, the
 * series name `solver` (the label without its time limit) and `stopped` (stoppedEarly).
 */
function chartData(rows: readonly Row[], fields: readonly string[], onAxes: readonly PanelKey[]): { values: Row[]; panelled: boolean } {
  const free = PANEL_KEYS.filter((k) => !onAxes.includes(k) && (k !== 'headroom' || headrooms(rows).length > 1));
  const label = (r: Row) => free.map((k) => panelPart[k](r)).filter((x) => x !== null).join(', ');
  const panelled = new Set(rows.map(label)).size > 1;
  const values = rows.map((r) => {
    const v: Row = { size: sizeLabel(r) };
    for (const f of fields) v[f] = r[f];
    if (fields.includes('solver_label')) v.solver = seriesName(String(r.solver_label));
    if (fields.includes('solver_label') || fields.includes('policy')) v.stopped = stoppedEarly(r);
    if (panelled) v.panel = label(r);
    return v;
  });
  return { values, panelled };
}

/** The distinct headrooms θ of the rows, ascending. */
function headrooms(rows: readonly Row[]): number[] {
  return [...new Set(rows.map((r) => r.headroom).filter((h): h is number => typeof h === 'number'))].sort((a, b) => a - b);
}

/**
 * The κ charts show plans made without headroom (θ = 0): they ask how the plan made for the
 * nominal data degrades, the paper's comparison. Faceting them by θ would put a dozen bands in
 * four panels; the frontier chart shows what headroom buys, from the same summary rows.
 */
const withoutHeadroom = (rows: readonly Row[]): Row[] => rows.filter((r) => !has(r, 'headroom') || r.headroom === 0);

/** The frontier's rows: the largest κ, when the experiment plans with more than one headroom. */
function frontierRows(rows: readonly Row[]): Row[] {
  if (headrooms(rows).length < 2) return [];
  const top = Math.max(...rows.map((r) => (typeof r.kappa === 'number' ? r.kappa : -Infinity)));
  return rows.filter((r) => r.kappa === top);
}

/** Solve statistics repeat at every κ of a cell: charts of them use the rows of the first κ only. */
function firstKappa(rows: readonly Row[]): Row[] {
  const kappas = rows.map((r) => r.kappa).filter((k): k is number => typeof k === 'number');
  const first = kappas.length ? Math.min(...kappas) : null;
  return rows.filter((r) => r.kappa === first || (first === null && !has(r, 'kappa')));
}

/** E3's grid of (solver, family): one datum per summary row and column of INFEASIBILITY_COLUMNS. */
const INFEASIBLE = 'infeasible plan';
const INFEASIBILITY_COLUMNS = [INFEASIBLE, ...CONSTRAINT_FAMILIES];

function byFamily(values: Row[]): Row[] {
  return values.flatMap((v) => {
    const rows = Number(v.rows);
    const broken = new Map(String(v.violated_families ?? '').split(';').filter(Boolean).map((p) => {
      const [f, n] = p.split('=');
      return [f, Number(n)] as const;
    }));
    broken.set(INFEASIBLE, Math.round(rows * (1 - Number(v.feasible_share))));
    return INFEASIBILITY_COLUMNS.map((family) => {
      const n = broken.get(family) ?? 0;
      return { ...v, family, plans_broken: n, share_broken: rows > 0 ? n / rows : 0, text: n === 0 ? '0' : `${n}/${rows}` };
    });
  });
}

// ─── spec builders ──────────────────────────────────────────────────────────────────────────

export type Encoding = Record<string, unknown>;
export type Layer = { mark: unknown; encoding: Encoding; transform?: unknown[] };

export const q = (field: string, title: string | null, extra: Encoding = {}) => ({ field, type: 'quantitative', title, ...extra });
export const n = (field: string, title: string, extra: Encoding = {}) => ({ field, type: 'nominal', title, ...extra });
const PERCENT = { axis: { format: '.0%' } };
const LOG = { scale: { type: 'log' } };

/** 1, 2 and 5 times each power of ten from `lo` to `hi` (both powers of ten), or only the powers when `powersOnly`. */
export function decadeTicks(lo: number, hi: number, powersOnly: boolean): number[] {
  const ticks: number[] = [];
  for (let p = lo; p <= hi * 1.0001; p *= 10) {
    const t = Number(p.toPrecision(6));
    ticks.push(...(powersOnly || t >= hi ? [t] : [t, Number((2 * t).toPrecision(6)), Number((5 * t).toPrecision(6))]));
  }
  return ticks;
}

const numbersOf = (values: readonly Row[], fields: readonly string[]): number[] =>
  values.flatMap((v) => fields.map((f) => v[f])).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));

/**
 * A symmetric-log axis (linear near 0, logarithmic beyond `constant`), ticked at 0 and the powers
 * of ten up to the data's maximum, with 2× and 5× between them when the data span few decades
 * (so a short axis still has enough ticks to read): shows a heuristic's 1% gap beside another's 10,000%.
 */
function symlog(values: readonly Row[], field: string, percent: boolean): Encoding {
  const constant = percent ? 0.001 : 10;
  const top = Math.max(constant, ...numbersOf(values, [field]));
  let hi = 100 * constant;
  while (hi < top) hi *= 10;
  const decades = Math.round(Math.log10(hi / constant));
  const ticks = [0, ...decadeTicks(constant, hi, decades > 3)];
  return { scale: { type: 'symlog', constant, domain: [0, hi] }, axis: { values: ticks, format: percent ? ',~%' : ',~f' } };
}

/**
 * A log axis labelled at the powers of ten the data span (and at 2× and 5× when they span at most
 * two decades): vega's default labels 2, 3 and 5 of every decade, which crowd on a short axis.
 */
function logAxis(values: readonly Row[], fields: readonly string[]): Encoding {
  const positive = numbersOf(values, fields).filter((x) => x > 0);
  if (positive.length === 0) return LOG;
  const lo = 10 ** Math.floor(Math.log10(Math.min(...positive)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...positive)));
  const decades = Math.round(Math.log10(hi / lo));
  return { scale: { type: 'log', domain: [lo, hi] }, axis: { values: decadeTicks(lo, Math.max(hi, lo * 10), decades > 2), format: ',~g' } };
}

/**
 * A log axis over the data's range (a quarter beyond each end, not out to whole decades, which left
 * the frontier's points in a third of its width), labelled at 1, 2 and 5 of each decade (powers
 * only when the data span more than 2.5 decades).
 */
function logAxisAround(values: readonly Row[], field: string): Encoding {
  const positive = numbersOf(values, [field]).filter((x) => x > 0);
  if (positive.length === 0) return LOG;
  const [lo, hi] = [Math.min(...positive) / 1.25, Math.max(...positive) * 1.25];
  const all = (powersOnly: boolean) =>
    decadeTicks(10 ** Math.floor(Math.log10(lo)), 10 ** Math.ceil(Math.log10(hi)), powersOnly).filter((t) => t >= lo && t <= hi);
  const powers = Math.log10(hi / lo) > 2.5 ? all(true) : [];
  return { scale: { type: 'log', domain: [lo, hi], nice: false }, axis: { values: powers.length >= 2 ? powers : all(false), format: ',~g' } };
}

/** No label limits: text is measured with the font's real widths (text-metrics.ts), so nothing needs truncating. */
const CONFIG = {
  font: CHART_FONT,
  axis: { labelLimit: 0, titleLimit: 0, labelFontSize: FS.axisLabel, titleFontSize: FS.axisTitle },
  legend: { labelLimit: 0, titleLimit: 0, labelFontSize: FS.legendLabel, titleFontSize: FS.legendTitle, symbolOpacity: 1 },
  header: { labelLimit: 0, labelFontSize: FS.header, titleFontSize: FS.header },
  title: { fontSize: FS.title, anchor: 'start', limit: 0, subtitleFontSize: FS.subtitle, subtitleColor: '#444', subtitlePadding: 4, offset: 10 },
  text: { fontSize: FS.mark },
};

/** Marks of a chart, given its data (axes may depend on the values) and its series colours. */
interface Context {
  values: readonly Row[];
  /** `scale` of the series colour: the fixed colours (chart-style.ts) of the series present. */
  colors: { domain: string[]; range: string[] };
}

/**
 * `columns`: a column of panels per value of this field (E2's scenarios), each with its own y
 * scale, and a row per panel label; otherwise the panels wrap three to a row and share their scales.
 */
export function assemble(title: string, subtitle: string[], values: Row[], panelled: boolean, layers: Layer[], size: { width: unknown; height: unknown }, columns?: string): TopLevelSpec {
  const body = { ...size, layer: layers };
  const facet = (field: string) => ({ field, type: 'nominal', title: null, sort: null });
  // Panels share their scales (vega-lite's default for facets): bars and lines compare across them.
  const spec = columns
    ? { facet: { column: facet(columns), ...(panelled && { row: facet('panel') }) }, spec: body, resolve: { scale: { y: 'independent' } } }
    : panelled ? { facet: facet('panel'), columns: 3, spec: body } : body;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: subtitle.length ? { text: title, subtitle } : title,
    // Nothing touches the frame: room around the title, the axes and the legend.
    padding: 14,
    data: { values },
    ...spec,
    config: CONFIG,
  } as unknown as TopLevelSpec;
}

interface LineChart {
  /** `ordinal`: evenly spaced categories in data order (sizes, σ), with slanted labels when `slant`. */
  x: { field: string; title: string; ordinal?: boolean; slant?: boolean };
  y: { field: string; title: string | null; log?: boolean; symlog?: boolean; percent?: boolean };
  color: { field: string; title: string };
  /** Boolean column shown as point shape (censored time, gap against a bound). */
  flag?: { field: string; title: string };
  /** A band between two columns (p5–p95) or error bars of ± one column (std). */
  band?: { lo: string; hi: string };
  error?: string;
}

const colorOf = (c: { field: string; title: string }, ctx: Context) => n(c.field, c.title, { sort: null, scale: ctx.colors });

/** A ring around the points (or bar tops) of series that stopped early (stoppedEarly). */
function stoppedRing(encoding: Encoding): Layer {
  return {
    transform: [{ filter: 'datum.stopped' }],
    mark: { type: 'point', shape: 'circle', filled: false, size: 260, strokeWidth: 1.6, color: '#222', opacity: 1 },
    encoding,
  };
}

function yEncoding(y: LineChart['y'], field: string, ctx: Context): Encoding {
  const extra = y.symlog ? symlog(ctx.values, y.field, Boolean(y.percent)) : y.log ? logAxis(ctx.values, [y.field]) : y.percent ? PERCENT : {};
  return q(field, y.title, extra);
}

const distinctNumbers = (values: readonly Row[], field: string): number[] =>
  [...new Set(values.map((v) => v[field]).filter((x): x is number => typeof x === 'number'))].sort((a, b) => a - b);

/**
 * Series a chart would draw on top of each other — the same value at every x of every panel (e.g.
 * agh-lns finding the exact optimum) — as "agh-lns is identical to highs" notes, since the later line
 * hides the earlier one completely.
 */
export function identicalSeries(values: readonly Row[], series: string, x: string, y: string): string[] {
  const lines = new Map<string, string>();
  for (const v of values) {
    const key = String(v[series]);
    lines.set(key, `${lines.get(key) ?? ''}|${String(v.panel ?? '')}@${String(v[x])}=${typeof v[y] === 'number' ? Number((v[y] as number).toPrecision(9)) : ''}`);
  }
  const names = [...lines.keys()];
  return names.flatMap((a, i) => {
    const twin = names.slice(0, i).find((b) => lines.get(b) === lines.get(a));
    return twin ? [`${a} is identical to ${twin} (drawn on top of it).`] : [];
  });
}

function lineLayers(c: LineChart, ctx: Context): Layer[] {
  const x = c.x.ordinal
    ? n(c.x.field, c.x.title, { sort: null, type: 'ordinal', axis: { labelAngle: c.x.slant ? -30 : 0 } })
    // κ from 1: the first point clear of the y axis; ticks at the data's κ, not at 0.95 … 1.55
    : q(c.x.field, c.x.title, { scale: { zero: false, padding: 12 }, axis: { values: distinctNumbers(ctx.values, c.x.field) } });
  const y = yEncoding(c.y, c.y.field, ctx);
  const color = colorOf(c.color, ctx);
  const layers: Layer[] = [];
  if (c.band) {
    layers.push({ mark: { type: 'area', opacity: 0.18 }, encoding: { x, y: yEncoding(c.y, c.band.lo, ctx), y2: { field: c.band.hi }, color } });
  }
  if (c.error) layers.push({ mark: { type: 'errorbar', ticks: { size: 10 } }, encoding: { x, y, yError: { field: c.error }, color } });
  layers.push({ mark: { type: 'line' }, encoding: { x, y, color } });
  const shape = c.flag
    ? { shape: n(c.flag.field, c.flag.title, { scale: { domain: [false, true], range: ['circle', 'triangle-up'] }, legend: { labelExpr: "datum.label === 'true' ? 'yes' : 'no'" } }) }
    : {};
  layers.push({ mark: { type: 'point', filled: true, size: 60 }, encoding: { x, y, color, ...shape } });
  if (c.color.field === 'solver' || c.color.field === 'policy') layers.push(stoppedRing({ x, y }));
  return layers;
}

interface BarChart {
  x: { field: string; title: string; labelAngle?: number };
  y: { field: string; title: string | null; percent?: boolean; symlog?: boolean };
  color: { field: string; title: string };
  /** Draw the bars of groups with an infeasible plan hollow (needs `feasible_share` among the chart's fields). */
  feasibility?: boolean;
}

/** The `plans` label of a bar: whether every plan of its group is feasible. */
const PLANS = ['all feasible', 'some infeasible'] as const;
const withPlans = (values: Row[]): Row[] => values.map((v) => ({ ...v, plans: typeof v.feasible_share === 'number' && v.feasible_share < 1 ? PLANS[1] : PLANS[0] }));
const HOLLOW_NOTE = 'Hollow bars: some plan of the group is infeasible (it breaks a constraint family), so its cost is no saving.';

function barLayers(c: BarChart, ctx: Context): Layer[] {
  const x = n(c.x.field, c.x.title, { sort: null, axis: { labelAngle: c.x.labelAngle ?? -30 } });
  // Bars side by side within a category, unless the colour is the category itself.
  const offset = c.color.field === c.x.field ? {} : { xOffset: { field: c.color.field, sort: null } };
  const y = yEncoding(c.y, c.y.field, ctx);
  const color = colorOf(c.color, ctx);
  // Infeasible groups: a faint fill inside an outline of the series colour, explained by HOLLOW_NOTE
  // (vega-lite draws no legend for a bar's fill opacity).
  const hollow = c.feasibility
    ? { stroke: color, fillOpacity: { condition: { test: `datum.plans === '${PLANS[1]}'`, value: 0.12 }, value: 1 } }
    : {};
  return [
    { mark: { type: 'bar', ...(c.feasibility && { strokeWidth: 2 }) }, encoding: { x, ...offset, y, color, ...hollow } },
    stoppedRing({ x, ...offset, y }),
  ];
}

/** E3's grid: a row per solver, a column per family, shaded by the share of plans that break it. */
function familyGridLayers(): Layer[] {
  const x = n('family', 'Constraint family', { sort: INFEASIBILITY_COLUMNS, axis: { labelAngle: -40 } });
  // No y title: the solver labels say it, and a title longer than a short panel would overlap the next.
  const y = n('solver', '', { sort: null, title: null });
  return [
    { mark: { type: 'rect', stroke: '#fff', strokeWidth: 1 }, encoding: { x, y, color: q('share_broken', 'Share of plans', { scale: { domain: [0, 1], range: ['#f2f2f2', '#a50f15'] }, legend: { format: '.0%' } }) } },
    { mark: { type: 'text', fontSize: FS.mark }, encoding: { x, y, text: { field: 'text' }, color: { condition: { test: 'datum.share_broken > 0.5', value: '#fff' }, value: '#222' } } },
  ];
}

/** The headroom θ as a point's shape in the frontier (θ values beyond these repeat the last). */
const THETA_SHAPES = ['circle', 'square', 'triangle-up', 'diamond', 'triangle-down', 'cross'];

/**
 * E4's robustness frontier: per planner, a line through its headroom points from planned cost (x)
 * to the violation rate at the largest κ (y), θ shown by the point's shape (text labels collided,
 * "θ=0θ=0.1"). The exact planner's line is the reference, drawn last, on top, dashed, with hollow
 * marks: where a heuristic found the exact plan, its point shows inside the exact planner's ring
 * and its line through the dashes, instead of hiding the reference.
 */
function frontierLayers(ctx: Context): Layer[] {
  // Log: a plan that leaves demand unserved pays its unmet penalty, often 100× the rental of one that serves it.
  const x = q('cost_usd', 'Planned cost on the nominal instance (USD, log)', logAxisAround(ctx.values, 'cost_usd'));
  const y = q('violation_rate_mean', `SLO-violation rate at κ = ${ctx.values[0]?.kappa ?? ''}`, PERCENT);
  const color = colorOf(SOLVER, ctx);
  const dash = n('solver_kind', 'Planner', { scale: { domain: ['exact', 'heuristic'], range: [[6, 3], []] } });
  const thetas = distinctNumbers(ctx.values, 'headroom');
  const shape = { ...n('theta_label', 'Headroom', { sort: null }), scale: { domain: thetas.map((t) => `θ = ${t}`), range: thetas.map((_, i) => THETA_SHAPES[Math.min(i, THETA_SHAPES.length - 1)]) } };
  const exact = [{ filter: "datum.solver_kind === 'exact'" }];
  const heuristic = [{ filter: "datum.solver_kind !== 'exact'" }];
  const order = { field: 'headroom', type: 'quantitative' };
  return [
    { transform: heuristic, mark: { type: 'line', strokeWidth: 2 }, encoding: { x, y, color, strokeDash: dash, order } },
    { transform: heuristic, mark: { type: 'point', filled: true, size: 60, opacity: 1 }, encoding: { x, y, color, shape } },
    { transform: exact, mark: { type: 'line', strokeWidth: 2.5 }, encoding: { x, y, color, strokeDash: dash, order } },
    { transform: exact, mark: { type: 'point', filled: false, size: 170, strokeWidth: 2.2, opacity: 1 }, encoding: { x, y, color, shape } },
    stoppedRing({ x, y }),
  ];
}

/**
 * Frontier points of a heuristic that coincide with the exact planner's at the same θ (the same
 * planned cost and violation rate: it found the exact plan), as notes: the exact line is drawn over
 * them, so the reader should know both are there.
 */
export function coincidingFrontierPoints(values: readonly Row[]): string[] {
  const key = (v: Row) => `${String(v.panel ?? '')}|${String(v.headroom)}`;
  const same = (a: unknown, b: unknown) => typeof a === 'number' && typeof b === 'number' && Number(a.toPrecision(9)) === Number(b.toPrecision(9));
  const exact = values.filter((v) => v.solver_kind === 'exact');
  const at = new Map<string, number[]>();
  for (const v of values.filter((w) => w.solver_kind !== 'exact')) {
    const twin = exact.find((e) => key(e) === key(v) && same(e.cost_usd, v.cost_usd) && same(e.violation_rate_mean, v.violation_rate_mean));
    if (!twin) continue;
    const name = `${String(v.solver)}|${String(twin.solver)}`;
    at.set(name, [...(at.get(name) ?? []), Number(v.headroom)]);
  }
  return [...at].map(([name, thetas]) => {
    const [heuristic, reference] = name.split('|');
    const where = [...new Set(thetas)].sort((a, b) => a - b).join(', ');
    return `${heuristic} finds the same plan as ${reference} at θ = ${where}: its point sits inside the ring of ${reference}.`;
  });
}

/** What a gap point is measured against (its shape in the gap chart). */
const GAP_AGAINST = ['proven optimum (mean)', 'per-type relaxation bound only (≤, max)', "exact solver's bound (≤, max)"] as const;

/**
 * The gap chart's data: per summary row, a point for the mean gap against proven optima and one
 * for the largest upper bound on the gap where only a bound is known, labelled by that bound.
 */
function gapPoints(values: Row[]): Row[] {
  return values.flatMap((v) => [
    ...(typeof v.gap_mean === 'number' ? [{ ...v, gap: v.gap_mean, against: GAP_AGAINST[0] }] : []),
    ...(typeof v.gap_bound_max === 'number' ? [{ ...v, gap: v.gap_bound_max, against: GAP_AGAINST[v.gap_bound_relaxation === true ? 1 : 2] }] : []),
  ]);
}

function gapLayers(ctx: Context): Layer[] {
  const x = n('size', 'Instance size I×J×K', { sort: null, type: 'ordinal', axis: { labelAngle: -30 } });
  const y = q('gap', 'Optimality gap (symlog)', symlog(ctx.values, 'gap', true));
  const color = colorOf(SOLVER, ctx);
  const shape = n('against', 'Gap measured against', { scale: { domain: [...GAP_AGAINST], range: ['circle', 'triangle-up', 'triangle-down'] } });
  return [
    { transform: [{ filter: `datum.against === '${GAP_AGAINST[0]}'` }], mark: { type: 'line' }, encoding: { x, y, color } },
    { mark: { type: 'point', filled: true, size: 60 }, encoding: { x, y, color, shape } },
    stoppedRing({ x, y }),
  ];
}

const thetaLabels = (values: Row[]): Row[] => values.map((v) => ({ ...v, theta_label: `θ = ${v.headroom}` }));

// ─── the charts of the experiments (docs/experiments.md) ────────────────────────────────────

interface ChartDef {
  name: string;
  kind: CellKind;
  /** Experiments whose section shows the chart (`sweep`: an ad-hoc grid). */
  experiments: readonly string[];
  title: string;
  /** Rows of the experiment → rows to plot (before the "data present" filter on `requires`). */
  select?: (rows: readonly Row[]) => Row[];
  /** The chart needs this column (or one of these) to have a value in a row. */
  requires: string | readonly string[];
  fields: readonly string[];
  onAxes: readonly PanelKey[];
  /** Data in another shape than one datum per summary row (E3's family grid). */
  reshape?: (values: Row[]) => Row[];
  /** Plot size of one panel (default 340 × 220 pixels, 300 wide when panelled). */
  size?: { width: unknown; height: unknown };
  /** What a reader needs to know to read the axes (a symlog scale); several subtitle lines. */
  note?: string | readonly string[];
  /** One sentence under the chart in the report on how to read it. */
  reading?: string;
  /** A column of panels per value of this field, each with its own y scale (assemble). */
  columns?: string;
  /** Say in the subtitle which series coincide with another (and so hide it). */
  coincide?: { series: string; x: string; y: string };
  /** Further subtitle lines computed from the chart's data. */
  notes?: (values: readonly Row[]) => string[];
  layers: (ctx: Context) => Layer[];
}

const SOLVER = { field: 'solver', title: 'Solver' };
const SIZE_X = { field: 'size', title: 'Instance size I×J×K', ordinal: true, slant: true };
const KAPPA_X = { field: 'kappa', title: 'Inflation κ' };
const SCALING = ['e1', 'sweep'];

/**
 * The performance-profile charts (profile-charts.ts): drawn from the raw rows, one per measure, for
 * the experiments that compare solvers across instances — E1, ad-hoc sweeps and `alloc-bench compare`.
 */
export const PROFILE_EXPERIMENTS: readonly string[] = [...SCALING, 'compare'];
export const PROFILE_CHARTS = ['profile-time', 'profile-cost'] as const;
/** The charts only a comparison has (harness/compare/charts.ts). */
export const COMPARE_CHARTS = ['anytime', 'primal-integral'] as const;
const SYMLOG_NOTE = 'y axis: symmetric log scale (linear near 0), so small and huge values both show.';

function line(def: Omit<ChartDef, 'layers'>, chart: LineChart): ChartDef {
  return { ...def, layers: (ctx) => lineLayers(chart, ctx) };
}

function bar(def: Omit<ChartDef, 'layers'>, chart: BarChart): ChartDef {
  return { ...def, layers: (ctx) => barLayers(chart, ctx) };
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
  {
    name: 'gap', kind: 'solve', experiments: SCALING, title: 'Optimality gap vs instance size', select: firstKappa, requires: ['gap_mean', 'gap_bound_max'],
    fields: ['solver_label', 'gap_mean', 'gap_bound_max', 'gap_bound_relaxation'], onAxes: ['size', 'kappa'], reshape: gapPoints,
    note: [SYMLOG_NOTE, 'Lines and circles: mean gap against proven optima. Triangles: largest gap where only a lower bound is known —', 'an upper bound, not a gap, never averaged in; against the per-type relaxation bound it can be far above the true gap.'],
    layers: gapLayers,
  },
  // Scenario costs differ ~30× (S1–S3 against S4–S5): a panel per scenario with its own y scale, so S3, the claim, is not flattened.
  bar(
    // The y title is in the chart's title: repeated by each panel's own axis it would crowd them.
    { name: 'scenario-cost', kind: 'solve', experiments: ['e2'], title: 'Mean realised cost per scenario (USD)', requires: 'realised_cost_mean_usd', fields: ['scenario', 'solver_label', 'realised_cost_mean_usd'], onAxes: ['scenario'], columns: 'scenario', size: { width: { step: 18 }, height: 180 } },
    { x: { field: 'solver', title: 'Solver', labelAngle: -90 }, y: { field: 'realised_cost_mean_usd', title: null }, color: SOLVER },
  ),
  bar(
    { name: 'scenario-violation', kind: 'solve', experiments: ['e2'], title: 'SLO-violation rate per scenario', requires: 'violation_rate_mean', fields: ['scenario', 'solver_label', 'violation_rate_mean'], onAxes: ['scenario'] },
    { x: { field: 'scenario', title: 'Scenario' }, y: { field: 'violation_rate_mean', title: 'Mean SLO-violation rate', percent: true }, color: SOLVER },
  ),
  bar(
    { name: 'ablation-cost', kind: 'solve', experiments: ['e3'], title: 'Planned cost per ablation', select: firstKappa, requires: 'cost_usd', fields: ['solver_label', 'cost_usd', 'feasible_share'], onAxes: ['kappa'], reshape: withPlans, note: SYMLOG_NOTE },
    { x: { field: 'solver', title: 'Solver and ablation' }, y: { field: 'cost_usd', title: 'Mean planned cost (USD, symlog)', symlog: true }, color: SOLVER, feasibility: true },
  ),
  {
    name: 'ablation-feasibility', kind: 'solve', experiments: ['e3'], title: 'Infeasible plans and the constraint families they break, per ablation',
    select: firstKappa, requires: 'feasible_share', fields: ['solver_label', 'rows', 'feasible_share', 'violated_families'], onAxes: ['kappa'],
    reshape: byFamily, size: { width: { step: 24 }, height: { step: 20 } },
    note: 'Cell: plans of the group that break the family (of all plans); 0 everywhere means every plan is feasible.',
    layers: familyGridLayers,
  },
  line(
    { name: 'cost-vs-kappa', kind: 'solve', experiments: ['e4', 'sweep'], title: 'Realised cost vs inflation (band: mean p5–p95)', select: withoutHeadroom, coincide: { series: 'solver', x: 'kappa', y: 'realised_cost_mean_usd' }, requires: 'realised_cost_mean_usd', fields: ['solver_label', 'kappa', 'realised_cost_mean_usd', 'realised_cost_p5_usd', 'realised_cost_p95_usd'], onAxes: ['kappa'] },
    { x: KAPPA_X, y: { field: 'realised_cost_mean_usd', title: 'Realised cost (USD)' }, color: SOLVER, band: { lo: 'realised_cost_p5_usd', hi: 'realised_cost_p95_usd' } },
  ),
  line(
    { name: 'violation-vs-kappa', kind: 'solve', experiments: ['e4', 'sweep'], title: 'SLO-violation rate vs inflation (band: mean p5–p95)', select: withoutHeadroom, coincide: { series: 'solver', x: 'kappa', y: 'violation_rate_mean' }, requires: 'violation_rate_mean', fields: ['solver_label', 'kappa', 'violation_rate_mean', 'violation_rate_p5', 'violation_rate_p95'], onAxes: ['kappa'] },
    { x: KAPPA_X, y: { field: 'violation_rate_mean', title: 'SLO-violation rate', percent: true }, color: SOLVER, band: { lo: 'violation_rate_p5', hi: 'violation_rate_p95' } },
  ),
  {
    name: 'frontier', kind: 'solve', experiments: ['e4', 'sweep'], title: 'Robustness frontier: planned cost against SLO violations under inflation, by headroom θ',
    select: frontierRows, requires: 'violation_rate_mean', fields: ['solver_label', 'solver_kind', 'headroom', 'kappa', 'cost_usd', 'violation_rate_mean'], onAxes: ['kappa', 'headroom'],
    reshape: thetaLabels, size: { width: 420, height: 260 }, notes: coincidingFrontierPoints,
    note: 'Each line: one planner through its headrooms θ (point shapes); dashed, with hollow marks: the exact planner, the reference frontier.',
    reading: 'Read it like a Pareto plot: each planner pays more planned cost (right) for fewer violations at the largest inflation (down) as θ grows, and a heuristic whose line runs below or left of the exact planner\'s dashed line buys the same robustness for less.',
    layers: frontierLayers,
  },
  line(
    { name: 'rolling-cost', kind: 'rolling', experiments: ['e5', 'sweep'], title: 'Day cost per policy vs volatility (bars: ± 1 std over paths)', requires: 'day_cost_usd', fields: ['policy', 'sigma', 'day_cost_usd', 'day_cost_std_usd'], onAxes: [] },
    { x: { field: 'sigma', title: 'Demand volatility σ', ordinal: true }, y: { field: 'day_cost_usd', title: 'Mean day cost (USD)' }, color: { field: 'policy', title: 'Policy' }, error: 'day_cost_std_usd' },
  ),
  line(
    { name: 'rolling-violation', kind: 'rolling', experiments: ['e5', 'sweep'], title: 'SLO-violation rate per policy vs volatility (bars: ± 1 std)', requires: 'violation_rate', fields: ['policy', 'sigma', 'violation_rate', 'violation_rate_std'], onAxes: [] },
    { x: { field: 'sigma', title: 'Demand volatility σ', ordinal: true }, y: { field: 'violation_rate', title: 'Mean SLO-violation rate', percent: true }, color: { field: 'policy', title: 'Policy' }, error: 'violation_rate_std' },
  ),
];

/** The series a chart colours: solvers (without time limit) or E5's policies. */
const seriesOf = (kind: CellKind, r: Row) => (kind === 'solve' ? seriesName(String(r.solver_label)) : String(r.policy));

const joinList = (xs: string[]) => (xs.length <= 4 ? xs.join(', ') : `${xs[0]}, ${xs[1]} … ${xs[xs.length - 1]} (${xs.length})`);

/** "Time limit: glpk, highs 600 s at 6×6×10, 8×8×10; 120 s at …" — the limit is not a series. */
function timeLimitLine(rows: readonly Row[]): string | null {
  const bySeconds = new Map<number, { solvers: Set<string>; sizes: Set<string> }>();
  for (const r of rows) {
    const limit = labelTimeLimit(String(r.solver_label ?? ''));
    if (limit === null) continue;
    const entry = bySeconds.get(limit) ?? { solvers: new Set(), sizes: new Set() };
    entry.solvers.add(seriesName(String(r.solver_label)));
    entry.sizes.add(sizeLabel(r));
    bySeconds.set(limit, entry);
  }
  if (bySeconds.size === 0) return null;
  const solvers = [...new Set([...bySeconds.values()].flatMap((e) => [...e.solvers]))];
  const parts = [...bySeconds].map(([s, e]) => (bySeconds.size === 1 ? `${s} s` : `${s} s at ${joinList([...e.sizes])}`));
  return `Time limit of ${solvers.join(', ')}: ${parts.join('; ')}.`;
}

const OWN_SCALES_NOTE = 'Each scenario has its own y scale: compare the solvers within a panel, not bar heights across panels.';
const STOPPED_NOTE = 'Ringed: some run of the solver stopped early — an exact solve at its time limit, a heuristic at its safety time cap.';
const STOPPED_DAY_NOTE = 'Ringed: days whose plan came from a solve stopped at its time limit (its best plan ran).';

/** The charts the summary rows of a run support, in the order of docs/experiments.md. */
/** Every chart file stem a run of `kind` with these experiments can have: the files a report may replace or remove. */
export function chartFiles(kind: CellKind, experiments: readonly string[]): Set<string> {
  const profiles = (e: string) => (kind !== 'solve' ? [] : [
    ...(PROFILE_EXPERIMENTS.includes(e) ? PROFILE_CHARTS.map((name) => `${e}-${name}`) : []),
    ...(e === 'compare' ? COMPARE_CHARTS.map((name) => `${e}-${name}`) : []),
  ]);
  return new Set(experiments.flatMap((e) => [...CHARTS.filter((d) => d.kind === kind && d.experiments.includes(e)).map((d) => `${e}-${d.name}`), ...profiles(e)]));
}

export function chartsFor(kind: CellKind, summary: readonly Row[]): Chart[] {
  const experiments = [...new Set(summary.map((r) => String(r.experiment)))];
  const palette = seriesColors(summary.map((r) => seriesOf(kind, r)));
  const charts: Chart[] = [];
  for (const experiment of experiments) {
    for (const def of CHARTS.filter((d) => d.kind === kind && d.experiments.includes(experiment))) {
      const mine = summary.filter((r) => r.experiment === experiment);
      const rows = (def.select ? def.select(mine) : mine).filter((r) => [def.requires].flat().some((f) => has(r, f)));
      if (rows.length === 0) continue;
      const data = chartData(rows, def.fields, def.onAxes);
      const values = def.reshape ? def.reshape(data.values) : data.values;
      const series = [...new Set(rows.map((r) => seriesOf(kind, r)))];
      const colors = { domain: series, range: series.map((s) => palette.get(s)!) };
      const layers = def.layers({ values, colors });
      const ringed = layers.some((l) => l.transform) && values.some((v) => v.stopped === true);
      const subtitle = [
        timeLimitLine(rows),
        ringed ? (kind === 'rolling' ? STOPPED_DAY_NOTE : STOPPED_NOTE) : null,
        ...[def.note ?? []].flat(),
        values.some((v) => v.plans === PLANS[1]) ? HOLLOW_NOTE : null,
        def.select === withoutHeadroom && headrooms(mine).length > 1 ? 'Plans made without headroom (θ = 0); the frontier chart shows what headroom buys.' : null,
        def.columns ? OWN_SCALES_NOTE : data.panelled && !def.reshape ? 'Panels share one y scale.' : null,
        ...(def.coincide ? identicalSeries(values, def.coincide.series, def.coincide.x, def.coincide.y) : []),
        ...(def.notes ? def.notes(values) : []),
      ].filter((s): s is string => s !== null);
      // Three panels to a row fit the report's 1,200-pixel column unscaled (their text at CHART_FONT_SIZES) when 300 wide.
      const size = def.size ?? { width: data.panelled ? 300 : 340, height: 220 };
      const spec = assemble(def.title, subtitle, values, data.panelled, layers, size, def.columns);
      charts.push({ file: `${experiment}-${def.name}`, experiment, title: def.title, ...(def.reading && { reading: def.reading }), spec });
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
