import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { SERIES_COLORS, seriesName } from './chart-style.ts';
import { chartsFor, renderChart, type Chart } from './charts.ts';
import { RAW_COLUMNS, SUMMARY_COLUMNS, type CellKind } from '../sweep/columns.ts';
import { encodeRow, type RawRow } from '../sweep/raw-csv.ts';
import { e1Rows, e2Rows, e3Rows, e4Rows, e5Rows } from '../../testing/report-fixture.ts';
import { decodeRow, summarise, type Row } from './summary.ts';
import { textWidth } from './text-metrics.ts';

function summaryOf(kind: CellKind, rows: RawRow[]): Row[] {
  return summarise(kind, rows.map((r) => decodeRow(encodeRow(r, RAW_COLUMNS[kind]), RAW_COLUMNS[kind])));
}

const dataOf = (c: Chart) => (c.spec as unknown as { data: { values: Row[] } }).data.values;

/** Every plotted value is a summary cell, verbatim: charts compute no numbers of their own. */
function expectDataFromSummary(chart: Chart, summary: Row[], kind: CellKind): void {
  const summaryNames = new Set(SUMMARY_COLUMNS[kind].map((c) => c.name));
  const values = dataOf(chart);
  expect(values.length).toBeGreaterThan(0);
  for (const v of values) {
    const fields = Object.keys(v).filter((k) => summaryNames.has(k));
    expect(fields.length).toBeGreaterThan(1);
    const size = (r: Row) => `${r.size_i}×${r.size_j}×${r.size_k}`;
    const match = summary.find((r) => size(r) === v.size && fields.every((k) => r[k] === v[k]));
    expect(match, `${chart.file}: ${JSON.stringify(v)}`).toBeDefined();
  }
}

describe('chart selection', () => {
  it('E1: runtime, speedup and gap, with the summary values inlined', () => {
    const summary = summaryOf('solve', e1Rows());
    const charts = chartsFor('solve', summary);
    expect(charts.map((c) => c.file)).toEqual(['e1-runtime', 'e1-speedup', 'e1-gap']);
    for (const c of charts) expectDataFromSummary(c, summary, 'solve');
    // speedups exist for heuristics only
    expect(dataOf(charts[1]).map((v) => v.solver_label)).toEqual(['gh', 'agh', 'gh', 'agh']);
    expect(dataOf(charts[0]).find((v) => v.solver_label === 'glpk' && v.size === '20×20×20')).toMatchObject({ solve_time_s: 30, solve_time_censored: true });
  });

  it('skips charts whose data are absent (no exact solver: no speedup, no gap)', () => {
    const summary = summaryOf('solve', e1Rows().filter((r) => r.solver_kind === 'heuristic'));
    expect(chartsFor('solve', summary).map((c) => c.file)).toEqual(['e1-runtime']);
    expect(chartsFor('solve', [])).toEqual([]);
  });

  it('E2 scenario bars in one panel per κ, E3 ablation bars, E4 κ lines with p5–p95 bands in one panel per size, E5 rolling lines', () => {
    const e2 = summaryOf('solve', e2Rows());
    const e2Charts = chartsFor('solve', e2);
    expect(e2Charts.map((c) => c.file)).toEqual(['e2-scenario-cost', 'e2-scenario-violation']);
    expect(new Set(dataOf(e2Charts[0]).map((v) => v.panel))).toEqual(new Set(['6×6×10, average, κ = 1.2', '6×6×10, average, κ = 1.5']));
    // cost: a column per scenario with its own y scale (S4/S5 would flatten S1–S3), a row per κ
    const e2Cost = e2Charts[0].spec as unknown as { facet: { column: { field: string }; row: { field: string } }; resolve: unknown };
    expect([e2Cost.facet.column.field, e2Cost.facet.row.field]).toEqual(['scenario', 'panel']);
    expect(e2Cost.resolve).toEqual({ scale: { y: 'independent' } });
    expect(subtitleOf(e2Charts[0])).toContain('Each scenario has its own y scale: compare the solvers within a panel, not bar heights across panels.');
    expect(subtitleOf(e2Charts[1])).toContain('Panels share one y scale.');
    const e3 = summaryOf('solve', e3Rows());
    expect(chartsFor('solve', e3).map((c) => c.file)).toEqual(['e3-ablation-cost', 'e3-ablation-feasibility']);
    const e4 = summaryOf('solve', e4Rows());
    const e4Charts = chartsFor('solve', e4);
    expect(e4Charts.map((c) => c.file)).toEqual(['e4-cost-vs-kappa', 'e4-violation-vs-kappa', 'e4-frontier']);
    expect(new Set(dataOf(e4Charts[0]).map((v) => v.panel))).toEqual(new Set(['6×6×10, S1, average', '8×8×10, S1, average']));
    // the κ charts: plans made without headroom; the frontier: every θ at the largest κ
    expect(new Set(dataOf(e4Charts[1]).map((v) => v.kappa))).toEqual(new Set([1, 1.5]));
    expect(dataOf(e4Charts[1]).length).toBe(8);
    expect(subtitleOf(e4Charts[1]).join(' ')).toMatch(/without headroom \(θ = 0\)/);
    const e5 = summaryOf('rolling', e5Rows());
    expect(chartsFor('rolling', e5).map((c) => c.file)).toEqual(['e5-rolling-cost', 'e5-rolling-violation']);
    for (const [summary, kind] of [[e2, 'solve'], [e3, 'solve'], [e4, 'solve'], [e5, 'rolling']] as const) {
      for (const c of chartsFor(kind, summary)) expectDataFromSummary(c, summary, kind);
    }
  });
});

type Spec = { title: string | { text: string; subtitle: string[] }; layer?: Layer[]; spec?: { layer: Layer[] } };
type Layer = { mark: { type: string }; encoding: Record<string, { field?: string; scale?: { type?: string; domain?: string[]; range?: string[] } }>; transform?: unknown[] };
const layersOf = (c: Chart) => { const s = c.spec as unknown as Spec; return s.layer ?? s.spec!.layer; };
const subtitleOf = (c: Chart) => { const t = (c.spec as unknown as Spec).title; return typeof t === 'string' ? [] : t.subtitle; };

describe('chart style', () => {
  const all = [
    ...chartsFor('solve', summaryOf('solve', [...e1Rows(), ...e2Rows(), ...e3Rows(), ...e4Rows()])),
    ...chartsFor('rolling', summaryOf('rolling', e5Rows())),
  ];

  it('gives a solver one colour in every chart: the fixed colour of chart-style.ts', () => {
    const seen = new Map<string, Set<string>>();
    for (const c of all) {
      for (const l of layersOf(c)) {
        const scale = l.encoding.color?.scale;
        if (!['solver', 'policy'].includes(l.encoding.color?.field ?? '') || !scale?.domain) continue;
        scale.domain.forEach((name, n) => (seen.get(name) ?? seen.set(name, new Set()).get(name)!).add(scale.range![n]));
      }
    }
    expect([...seen.keys()]).toEqual(expect.arrayContaining(['gh', 'agh', 'glpk', 'agh:noM1', 'agh-5min']));
    for (const [name, colors] of seen) expect([...colors], name).toEqual([SERIES_COLORS[name]]);
  });

  it('names a solver without its time limit and shows the limit in the subtitle', () => {
    expect(seriesName('highs:time_limit_s=600')).toBe('highs');
    expect(seriesName('agh:noM2,time_limit_s=5')).toBe('agh:noM2');
    const rows = e1Rows().map((r) => (r.solver === 'glpk' ? { ...r, solver_label: `glpk:time_limit_s=${r.size_i === 6 ? 600 : 120}` } : r));
    const gap = chartsFor('solve', summaryOf('solve', rows)).find((c) => c.file === 'e1-gap')!;
    expect(new Set(dataOf(gap).map((v) => v.solver))).toEqual(new Set(['gh', 'agh', 'glpk']));
    expect(subtitleOf(gap)[0]).toBe('Time limit of glpk: 600 s at 6×6×10; 120 s at 20×20×20.');
  });

  it('rings series that stopped at a time limit and says so', () => {
    const runtime = all.find((c) => c.file === 'e1-runtime')!;
    expect(dataOf(runtime).filter((v) => v.stopped).map((v) => `${v.solver} ${v.size}`)).toEqual(['glpk 20×20×20']);
    expect(layersOf(runtime).some((l) => l.transform)).toBe(true);
    expect(subtitleOf(runtime).join(' ')).toMatch(/Ringed/);
  });

  it("E1's gap and E3's cost use a symlog axis; E3 shows which families the ablations break", () => {
    for (const file of ['e1-gap', 'e3-ablation-cost']) {
      const c = all.find((x) => x.file === file)!;
      expect(layersOf(c).find((l) => l.mark.type !== 'point')!.encoding.y.scale!.type, file).toBe('symlog');
    }
    const grid = dataOf(all.find((c) => c.file === 'e3-ablation-feasibility')!);
    const broken = grid.filter((v) => Number(v.plans_broken) > 0).map((v) => `${v.solver} ${v.family} ${v.text}`);
    expect(broken.sort()).toEqual(['agh:noM1 infeasible plan 2/2', 'agh:noM1 memory 2/2', 'agh:noM3 delay_slo 2/2', 'agh:noM3 infeasible plan 2/2']);
  });
  it('labels log axes at powers of ten only and gives a short symlog axis 2× and 5× ticks (issue 27: crowded and sparse labels)', () => {
    const axisOf = (file: string) => layersOf(all.find((c) => c.file === file)!).find((l) => l.mark.type === 'line' || l.mark.type === 'bar')!.encoding.y as { axis: { values: number[] } };
    // E1's solve times span 0.15 s … 30 s: one label a decade, not 2, 3 and 5 of each
    expect(axisOf('e1-runtime').axis.values).toEqual([0.1, 1, 10, 100]);
    // E3's costs (90 … 150 USD) span two decades of the symlog axis: eight ticks, not three
    expect(axisOf('e3-ablation-cost').axis.values).toEqual([0, 10, 20, 50, 100, 200, 500, 1000]);
  });
  it('draws the bars of ablations with an infeasible plan hollow, and says so (issue 27)', () => {
    const cost = all.find((c) => c.file === 'e3-ablation-cost')!;
    expect(dataOf(cost).map((v) => `${v.solver} ${v.plans}`)).toEqual(['agh all feasible', 'agh:noM1 some infeasible', 'agh:noM2 all feasible', 'agh:noM3 some infeasible']);
    const bar = layersOf(cost).find((l) => l.mark.type === 'bar')!;
    expect(bar.encoding.fillOpacity).toEqual({ condition: { test: "datum.plans === 'some infeasible'", value: 0.12 }, value: 1 });
    expect(bar.encoding.stroke.field).toBe('solver');
    expect(subtitleOf(cost)).toContain('Hollow bars: some plan of the group is infeasible (it breaks a constraint family), so its cost is no saving.');
    const feasibleOnly = chartsFor('solve', summaryOf('solve', e3Rows().filter((r) => r.feasible))).find((c) => c.file === 'e3-ablation-cost')!;
    expect(subtitleOf(feasibleOnly).join(' ')).not.toContain('Hollow');
  });
});

describe('E4 robustness frontier', () => {
  const summary = summaryOf('solve', e4Rows());
  const frontier = chartsFor('solve', summary).find((c) => c.file === 'e4-frontier')!;

  it('plots planned cost against the violation rate at the largest κ, a line per planner through its θ points', () => {
    const values = dataOf(frontier);
    expect(values.map((v) => `${v.size} ${v.solver} θ=${v.headroom} κ=${v.kappa}`)).toEqual(
      ['6×6×10', '8×8×10'].flatMap((size) => ['glpk', 'agh'].flatMap((s) => [0, 0.25].map((t) => `${size} ${s} θ=${t} κ=1.5`))));
    const glpk = values.find((v) => v.size === '6×6×10' && v.solver === 'glpk' && v.headroom === 0.25)!;
    expect(glpk).toMatchObject({ cost_usd: 780, violation_rate_mean: 0.1, solver_kind: 'exact', theta_label: 'θ = 0.25' });
    const layers = layersOf(frontier);
    const line = layers.find((l) => l.mark.type === 'line')!;
    // θ by point shape, not by text labels that collide ("θ=0θ=0.1"); no text in the plot
    expect(layers.some((l) => l.mark.type === 'text')).toBe(false);
    expect(layers.find((l) => l.mark.type === 'point')!.encoding.shape).toMatchObject({ field: 'theta_label', scale: { domain: ['θ = 0', 'θ = 0.25'], range: ['circle', 'square'] } });
    // the exact planner's line and hollow marks are drawn last, over any heuristic that coincides with them
    const lastLine = layers.filter((l) => l.mark.type === 'line').at(-1)!;
    const lastPoints = layers.filter((l) => l.mark.type === 'point' && !l.transform?.some((t) => JSON.stringify(t).includes('stopped'))).at(-1)!;
    expect(lastLine.transform).toEqual([{ filter: "datum.solver_kind === 'exact'" }]);
    expect(lastPoints).toMatchObject({ transform: [{ filter: "datum.solver_kind === 'exact'" }], mark: { filled: false } });
    expect(layers.indexOf(lastLine)).toBeGreaterThan(layers.findIndex((l) => l.mark.type === 'line' && JSON.stringify(l.transform).includes("!== 'exact'")));
    expect(line.encoding.x.field).toBe('cost_usd');
    expect(line.encoding.y.field).toBe('violation_rate_mean');
    expect(line.encoding.order.field).toBe('headroom'); // through the θ points in order
    expect(line.encoding.strokeDash).toMatchObject({ field: 'solver_kind', scale: { domain: ['exact', 'heuristic'] } }); // the exact planner dashed
    expect(new Set(values.map((v) => v.panel))).toEqual(new Set(['6×6×10, S1, average', '8×8×10, S1, average']));
    expect(frontier.reading).toMatch(/below or left of the exact planner/);
  });

  it('is not drawn without several headrooms', () => {
    const bare = summaryOf('solve', e4Rows().filter((r) => r.headroom === 0));
    expect(chartsFor('solve', bare).map((c) => c.file)).toEqual(['e4-cost-vs-kappa', 'e4-violation-vs-kappa']);
  });
});

describe('rendering', () => {
  it('renders every chart to a non-empty SVG and PNG whose text fits', { timeout: 60_000 }, async () => {
    const charts = [
      ...chartsFor('solve', summaryOf('solve', [...e1Rows(), ...e2Rows(), ...e3Rows(), ...e4Rows()])),
      ...chartsFor('rolling', summaryOf('rolling', e5Rows())),
    ];
    expect(charts).toHaveLength(12);
    for (const chart of charts) {
      const r = await renderChart(chart);
      const width = Number(/<svg[^>]* width="(\d+(?:\.\d+)?)"/.exec(r.svg)?.[1]);
      // The title, bold 14 px, is the widest single text: the SVG must hold it.
      expect(width, chart.file).toBeGreaterThanOrEqual(textWidth(chart.title, 14, true));
      expect(r.svg).toContain('<path');
      expect(r.svg).toContain(chart.title.replace(/&/g, '&amp;'));
      // ids are namespaced per chart, so several SVGs can share one HTML page
      expect(r.svg).not.toMatch(/id="clip/);
      const meta = await sharp(r.png).metadata();
      expect(meta.format).toBe('png');
      expect(meta.width).toBe(2 * width);
      // not a blank image: the channels vary
      const stats = await sharp(r.png).stats();
      expect(stats.channels[0].max - stats.channels[0].min).toBeGreaterThan(100);
    }
  });

  it('measures DejaVu Sans advance widths', () => {
    expect(textWidth('Hi', 10, false)).toBeCloseTo(((752 + 278) / 1000) * 10, 9);
    expect(textWidth('Hi', 10, true)).toBeGreaterThan(textWidth('Hi', 10, false));
  });
});

describe('E4: the exact plan is never hidden, κ ticks sit on the data (issue 27)', () => {
  const summary = () => summarise('solve', e4Rows().map((r) => decodeRow(encodeRow(r, RAW_COLUMNS.solve), RAW_COLUMNS.solve)));

  it('says in the subtitle when a heuristic coincides with the exact planner, and ticks κ at its values', () => {
    // agh finds glpk's plan: the same planned and realised figures at every κ and θ
    const same = e4Rows().map((r) => (r.solver === 'agh' ? { ...r, ...Object.fromEntries(Object.entries(e4Rows().find((x) => x.solver === 'glpk' && x.size_i === r.size_i && x.kappa === r.kappa && x.headroom === r.headroom)!).filter(([k]) => /cost|violation|rate|_usd/.test(k))) } : r));
    const charts = chartsFor('solve', summarise('solve', same.map((r) => decodeRow(encodeRow(r, RAW_COLUMNS.solve), RAW_COLUMNS.solve))));
    for (const name of ['e4-cost-vs-kappa', 'e4-violation-vs-kappa']) {
      const title = (charts.find((c) => c.file === name)!.spec as { title: { subtitle: string[] } }).title;
      expect(title.subtitle, name).toContain('agh is identical to glpk (drawn on top of it).');
    }
    // the frontier draws the exact line on top, so it says where the heuristic's points sit
    expect(subtitleOf(charts.find((c) => c.file === 'e4-frontier')!)).toContain('agh finds the same plan as glpk at θ = 0, 0.25: its point sits inside the ring of glpk.');
    const distinct = chartsFor('solve', summary());
    const kappa = distinct.find((c) => c.file === 'e4-violation-vs-kappa')!;
    expect(JSON.stringify(kappa.spec)).not.toContain('identical to');
    expect(JSON.stringify(kappa.spec)).toContain('"axis":{"values":[1,1.5]}');
  });
});
