import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { expectedFailureLine } from '../cli/errors.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { RAW_COLUMNS, SUMMARY_COLUMNS } from '../sweep/columns.ts';
import { encodeRow, writeRawCsv } from '../sweep/raw-csv.ts';
import { e1Rows, e2Rows, e3Rows, e4Rows, e5Rows, writeRun } from '../../testing/report-fixture.ts';
import { CHART_FONT_SIZES } from './chart-style.ts';
import { chromiumPath } from '../../testing/prerequisites.ts';
import { indexHtml } from './report-html.ts';
import { renderReport } from './report.ts';
import { decodeRow } from './summary.ts';
import { runChild } from '../../testing/child-process.ts';

const runs: string[] = [];
const run = (...args: Parameters<typeof writeRun>) => {
  const dir = writeRun(...args);
  runs.push(dir);
  return dir;
};
afterAll(() => runs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const chartStems = (dir: string) => [...new Set(readdirSync(join(dir, 'charts')).map((f) => f.replace(/\.(vl\.json|svg|png)$/, '')))].sort();

describe('renderReport', () => {
  it('never writes through a charts symlink that points outside the run directory', async () => {
    const dir = run('e5', 'rolling', e5Rows());
    const outside = mkdtempSync(join(tmpdir(), 'outside-'));
    runs.push(outside);
    symlinkSync(outside, join(dir, 'charts'));
    await expect(renderReport(dir)).rejects.toThrow(`${join(dir, 'charts')} is a symbolic link; expected a plain directory inside the run directory (remove the link)`);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('writes summary.csv, every chart and a self-contained report.html', { timeout: 60_000 }, async () => {
    const dir = run('e1', 'solve', e1Rows());
    const out = await renderReport(dir);
    expect(chartStems(dir)).toEqual(['e1-gap', 'e1-profile-cost', 'e1-profile-time', 'e1-runtime', 'e1-speedup']);

    const records: Record<string, string>[] = parse(readFileSync(out.summary, 'utf8'), { columns: true });
    expect(Object.keys(records[0])).toEqual(SUMMARY_COLUMNS.solve.map((c) => c.name));
    expect(records).toHaveLength(6);

    // the PNGs' numbers are the summary's: the chart spec inlines summary.csv values verbatim
    const summary = records.map((r) => decodeRow(r, SUMMARY_COLUMNS.solve));
    const spec = JSON.parse(readFileSync(join(dir, 'charts/e1-speedup.vl.json'), 'utf8')) as { data: { values: Record<string, unknown>[] } };
    expect(spec.data.values.map((v) => v.speedup_geomean)).toEqual(summary.filter((r) => r.speedup_geomean !== null).map((r) => r.speedup_geomean));
    expect((await sharp(join(dir, 'charts/e1-speedup.png')).metadata()).width).toBeGreaterThan(300);

    const html = readFileSync(out.html, 'utf8');
    for (const stem of chartStems(dir)) expect(html).toMatch(new RegExp(`<figure class="chart" id="chart-${stem}"><svg`));
    expect(html).not.toMatch(/http|src="\/\/|<script|<link|@import/i);
    expect(html).toContain('alloc-bench run e1 --quick');
    expect(html).toContain('0123456789abcdef0123456789abcdef01234567');
    expect(html).toContain('Test CPU @ 2.0GHz × 2');
    expect(html).toContain('Heuristic solve cells first');
    expect(html).toContain('260× faster');
    // what this run found, under the claim
    expect(html).toContain('<strong>This run:</strong> agh: mean gap at most 1% against proven optima, ≤ 10% against only an exact solver&#39;s bound'.replace('&#39;', "'"));
    // censored times are lower bounds; gaps against a bound only are upper bounds kept apart from the mean, saying which bound
    expect(html).toContain('<td>≥ 30</td>');
    expect(html).toContain('<td>≤ 0.25 vs solver bound</td>');
    expect(html).toContain('gap_mean and gap_max: against proven optima only');
    // status counts are per cell, from raw.csv: 4 GLPK cells, one of them at its limit without a plan
    expect(html).toMatch(/<td>time_limit_no_solution<\/td><td>1<\/td>/);
    // the column documentation of this kind of run
    expect(html).toContain('<code>speedup_censored</code>');
    expect(html).toContain('<code>realised_cost_p95_usd</code>');
  });

  it('re-renders identically and drops charts whose data are gone', { timeout: 60_000 }, async () => {
    const dir = run('e1', 'solve', e1Rows());
    await renderReport(dir);
    const first = readFileSync(join(dir, 'summary.csv'), 'utf8');
    await renderReport(dir);
    expect(readFileSync(join(dir, 'summary.csv'), 'utf8')).toBe(first);
    const heuristicsOnly = e1Rows().filter((r) => r.solver_kind === 'heuristic');
    writeRawCsv(join(dir, 'raw.csv'), RAW_COLUMNS.solve, heuristicsOnly.map((r) => encodeRow(r, RAW_COLUMNS.solve)));
    await renderReport(dir);
    expect(chartStems(dir)).toEqual(['e1-profile-cost', 'e1-profile-time', 'e1-runtime']);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).not.toContain('e1-speedup');
  });

  it("makes an index page of several runs: each one's finding and headline chart, linking to its report", { timeout: 60_000 }, async () => {
    const e1 = run('e1', 'solve', e1Rows());
    const e5 = run('e5', 'rolling', e5Rows());
    const [r1, r5] = [await renderReport(e1), await renderReport(e5)];
    const html = indexHtml('quick', 'note', [
      { dir: 'e1', title: 'E1', experiment: 'e1', cells: 12, summary: r1.rows, charts: r1.rendered },
      { dir: 'e5', title: 'E5', experiment: 'e5', cells: 4, summary: r5.rows, charts: r5.rendered },
    ]);
    expect(html).toContain('<img src="e1/charts/e1-gap.svg" alt="Optimality gap vs instance size">');
    expect(html).toContain('<img src="e5/charts/e5-rolling-cost.svg"');
    expect(html).toContain('<a href="e1/report.html">');
    expect(html).toContain("<strong>This run:</strong> At σ = 0.05: agh-5min&#39;s day cost".replace('&#39;', "'"));
    expect(html).not.toMatch(/tmp|<script/);
  });

  it('removes only chart files it could have made: user files and directories stay (issue 28.5)', { timeout: 60_000 }, async () => {
    const dir = run('e5', 'rolling', e5Rows());
    mkdirSync(join(dir, 'charts'));
    for (const mine of ['mine.png', 'mine.svg', 'notes.vl.json', 'e5-my-own.svg']) writeFileSync(join(dir, 'charts', mine), 'user data');
    mkdirSync(join(dir, 'charts', 'x.svg'));
    await renderReport(dir);
    for (const mine of ['mine.png', 'mine.svg', 'notes.vl.json', 'e5-my-own.svg']) expect(readFileSync(join(dir, 'charts', mine), 'utf8')).toBe('user data');
    expect(statSync(join(dir, 'charts', 'x.svg')).isDirectory()).toBe(true);
    // A directory where a chart goes is an environment error (exit 2), not ERR_FS_EISDIR (exit 1).
    rmSync(join(dir, 'charts', 'e5-rolling-cost.svg'));
    mkdirSync(join(dir, 'charts', 'e5-rolling-cost.svg'));
    const err = await renderReport(dir).catch((e: unknown) => e);
    expect(expectedFailureLine(err)).toMatch(/e5-rolling-cost\.svg: is a directory; expected a file/);
  });

  it('refuses a repeated raw.csv row with both line numbers, and warns about a torn last line (issues 26.6, 28.6)', async () => {
    const dir = run('e5', 'rolling', e5Rows());
    const raw = readFileSync(join(dir, 'raw.csv'), 'utf8');
    const lines = raw.trimEnd().split('\n');
    writeFileSync(join(dir, 'raw.csv'), `${raw}${lines[1]}\n`);
    await expect(renderReport(dir)).rejects.toThrow(new RegExp(`raw\\.csv:${lines.length + 1}: repeats the row of line 2 \\(cell [^)]+\\); expected each cell's rows once`));
    writeFileSync(join(dir, 'raw.csv'), `${raw}${lines[1].slice(0, 20)}`);
    const warnings: string[] = [];
    await renderReport(dir, (w) => warnings.push(w));
    expect(warnings).toEqual([`warning: ${join(dir, 'raw.csv')}: ignored a torn last line (20 bytes, an interrupted write); --resume ${dir} reruns its cell`]);
  }, 60_000);

  it('renders a rolling-horizon run', { timeout: 60_000 }, async () => {
    const dir = run('e5', 'rolling', e5Rows());
    await renderReport(dir);
    expect(chartStems(dir)).toEqual(['e5-rolling-cost', 'e5-rolling-violation']);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<code>day_cost_std_usd</code>');
    expect(html).toContain('cuts cost by up to 48%');
  });
});

// When it is missing, the test run's global setup prints why these tests skip (testing/prerequisites.ts).
const chromium = chromiumPath();

/** Appended to a copy of report.html: measures each chart as laid out and reads its legend, into the DOM. */
const MEASURE = `<script>
const page = document.documentElement.clientWidth;
const charts = [...document.querySelectorAll('figure.chart')].map((f) => {
  const svg = f.querySelector('svg');
  const box = svg.getBoundingClientRect();
  const legend = {};
  const series = [...svg.querySelectorAll('.role-legend')].filter((l) => /titled '(Solver|Policy)'/.test(l.getAttribute('aria-label')));
  for (const sym of series.flatMap((l) => [...l.querySelectorAll('.role-legend-symbol')])) {
    const label = sym.parentElement.querySelector('.role-legend-label text');
    // A point symbol is filled; a line's (the performance profiles) is only stroked.
    const path = sym.querySelector('path');
    const fill = path.getAttribute('fill');
    if (label) legend[label.textContent] = fill && fill !== 'transparent' && fill !== 'none' ? fill : path.getAttribute('stroke');
  }
  const paths = [...svg.querySelectorAll('.role-mark path')];
  const strokes = [...new Set(paths.map((p) => p.getAttribute('stroke') || p.getAttribute('fill')))];
  const dashed = [...new Set(paths.filter((p) => p.getAttribute('stroke-dasharray')).map((p) => p.getAttribute('stroke')))];
  const reading = f.querySelector('p.reading')?.textContent ?? null;
  // Text as shown: the font size times the scale the page draws the SVG at (1 unless it was shrunk to fit).
  const scale = box.width / svg.width.baseVal.value;
  const fontSizes = [...new Set([...svg.querySelectorAll('text')].filter((t) => t.textContent.trim()).map((t) => Math.round(parseFloat(getComputedStyle(t).fontSize) * scale * 100) / 100))].sort((a, b) => a - b);
  const yAxes = [...svg.querySelectorAll('.role-axis')].map((a) => a.getAttribute('aria-label') ?? '').filter((l) => /^Y-axis/.test(l));
  const hollowBars = [...svg.querySelectorAll('.mark-rect path')].filter((p) => Number(p.getAttribute('fill-opacity')) < 0.5).length;
  // Line marks in drawing order: whether dashed, their colour, and how many vertices each path has.
  const lines = [...svg.querySelectorAll('.mark-line path')].map((p) => ({ dashed: Boolean(p.getAttribute('stroke-dasharray')), stroke: p.getAttribute('stroke'), vertices: (p.getAttribute('d').match(/[ML]/g) ?? []).length }));
  return { id: f.id, left: box.left, right: box.right, width: box.width, height: box.height, legend, strokes, dashed, reading, scale, fontSizes, yAxes, hollowBars, lines };
});
// The summary table scrolled sideways: its first column (the row's name) stays in view.
const scroller = [...document.querySelectorAll('.scroll')].find((d) => d.querySelector('table.keyed'));
let sticky = null;
if (scroller) {
  scroller.scrollLeft = 10000;
  const cell = scroller.querySelector('tbody td');
  sticky = { scrolled: scroller.scrollLeft, offset: cell.getBoundingClientRect().left - scroller.getBoundingClientRect().left };
}
const out = document.createElement('pre');
out.id = 'layout';
out.textContent = JSON.stringify({ page, scrollWidth: document.documentElement.scrollWidth, charts, sticky });
document.body.append(out);
</script>`;

interface Layout {
  page: number;
  scrollWidth: number;
  charts: {
    id: string; left: number; right: number; width: number; height: number; legend: Record<string, string>; strokes: string[]; dashed: string[]; reading: string | null;
    scale: number; fontSizes: number[]; yAxes: string[]; hollowBars: number; lines: { dashed: boolean; stroke: string; vertices: number }[];
  }[];
  sticky: { scrolled: number; offset: number } | null;
}

/** Every chart is shown at its own size (not shrunk to fit) and writes its text in the shared sizes of chart-style.ts. */
function expectSharedTextSizes(layout: Layout): void {
  const sizes = new Set<number>(Object.values(CHART_FONT_SIZES));
  for (const c of layout.charts) {
    expect(c.scale, `${c.id} is drawn at its own size`).toBeCloseTo(1, 2);
    expect(c.fontSizes.length, c.id).toBeGreaterThan(2);
    for (const px of c.fontSizes) expect(sizes.has(px), `${c.id}: text of ${px}px is not one of chart-style.ts CHART_FONT_SIZES`).toBe(true);
  }
}

describe.skipIf(!chromium)('report.html in headless Chromium', () => {
  const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
  runs.push(profile);
  const browse = async (page: string, ...extra: string[]) => {
    const r = await runChild(chromium!, [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', `--user-data-dir=${profile}`, '--window-size=1280,2400', ...extra, pathToFileURL(page).href,
    ], { timeoutMs: 60_000 });
    expect(r.status, `chromium ${extra.join(' ')}: ${r.stderr}`).toBe(0);
    return r.stdout;
  };

  /** The report's layout as the browser computes it, at a 1280-pixel-wide window. */
  async function layoutOf(dir: string): Promise<Layout> {
    const measured = join(dir, 'measured.html');
    writeFileSync(measured, readFileSync(join(dir, 'report.html'), 'utf8').replace('</body>', `${MEASURE}</body>`));
    const dom = await browse(measured, '--dump-dom');
    const json = /<pre id="layout">([\s\S]*?)<\/pre>/.exec(dom)?.[1];
    expect(json, 'the measuring script ran').toBeDefined();
    return JSON.parse(json!.replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>')) as Layout;
  }

  it('shows every chart within the page, a solver in one colour across charts, and renders a screenshot', { timeout: 150_000 }, async () => {
    const dir = run('e1', 'solve', e1Rows());
    await renderReport(dir);
    // The DOM the browser built: each chart's figure holds a parsed <svg> with its marks.
    const dom = await browse(join(dir, 'report.html'), '--dump-dom');
    for (const stem of chartStems(dir)) {
      const figure = new RegExp(`<figure class="chart" id="chart-${stem}"><svg[^>]*>([\\s\\S]*?)</svg>`).exec(dom);
      expect(figure, stem).not.toBeNull();
      expect(figure![1]).toMatch(/<path/);
    }
    await new Promise((r) => setImmediate(r));

    const layout = await layoutOf(dir);
    expect(layout.charts.map((c) => c.id).sort()).toEqual(chartStems(dir).map((s) => `chart-${s}`).sort());
    expect(layout.scrollWidth, 'no horizontal scrolling').toBeLessThanOrEqual(layout.page);
    for (const c of layout.charts) {
      expect(c.width, c.id).toBeGreaterThan(200);
      expect(c.height, c.id).toBeGreaterThan(150);
      expect(c.left, c.id).toBeGreaterThanOrEqual(0);
      expect(c.right, `${c.id} is wider than the page`).toBeLessThanOrEqual(layout.page);
    }
    expectSharedTextSizes(layout);
    // E1's log axes: one label a decade (0.1 s … 100 s), not 2, 3 and 5 of each
    expect(layout.charts.find((c) => c.id === 'chart-e1-runtime')!.yAxes).toEqual(['Y-axis titled \'Mean solve time (s, log)\' for a log scale with values from 0.1 to 100']);
    // the summary table scrolls sideways, and its row names stay at its left edge
    expect(layout.sticky!.scrolled).toBeGreaterThan(100);
    expect(Math.abs(layout.sticky!.offset)).toBeLessThan(2);
    // agh has one colour in every chart's legend, and that colour is drawn in each chart
    const runtime = layout.charts.find((c) => c.id === 'chart-e1-runtime')!;
    const gap = layout.charts.find((c) => c.id === 'chart-e1-gap')!;
    for (const solver of ['agh', 'gh', 'glpk']) {
      expect(runtime.legend[solver], solver).toMatch(/^#[0-9a-f]{6}$/);
      expect(gap.legend[solver], solver).toBe(runtime.legend[solver]);
      expect(new Set(Object.values(runtime.legend)).size).toBe(Object.keys(runtime.legend).length);
      for (const c of [runtime, gap]) expect(c.strokes, `${c.id} draws ${solver}`).toContain(runtime.legend[solver]);
      // the performance profiles (issue 25) keep each solver's colour
      for (const id of ['chart-e1-profile-time', 'chart-e1-profile-cost']) {
        const profile = layout.charts.find((c) => c.id === id)!;
        expect(profile.legend[solver], `${id}: ${solver}`).toBe(runtime.legend[solver]);
        expect(profile.strokes, `${id} draws ${solver}`).toContain(runtime.legend[solver]);
      }
    }
    await new Promise((r) => setImmediate(r));

    const shot = join(dir, 'screenshot.png');
    await browse(join(dir, 'report.html'), `--screenshot=${shot}`);
    const meta = await sharp(shot).metadata();
    expect([meta.width, meta.height]).toEqual([1280, 2400]);
    const stats = await sharp(shot).stats();
    expect(stats.channels[0].max - stats.channels[0].min).toBeGreaterThan(100);
    if (process.env.REPORT_SCREENSHOT_DIR) copyFileSync(shot, join(process.env.REPORT_SCREENSHOT_DIR, 'report-e1.png'));
  });

  it('shows E4\'s robustness frontier: within the page, in the solvers\' colours, the exact planner dashed through all its points, with how to read it', { timeout: 90_000 }, async () => {
    // agh finds glpk's plan without headroom: before, its solid line covered the exact planner's dashed one there
    const rows = e4Rows();
    const glpkAt = (r: (typeof rows)[number]) => rows.find((x) => x.solver === 'glpk' && x.size_i === r.size_i && x.kappa === r.kappa && x.headroom === r.headroom)!;
    const dir = run('e4', 'solve', rows.map((r) => (r.solver === 'agh' && r.headroom === 0 ? { ...r, ...Object.fromEntries(Object.entries(glpkAt(r)).filter(([k]) => /_usd$|rate|share/.test(k) && k !== 'bound_usd')) } : r)));
    await renderReport(dir);
    const layout = await layoutOf(dir);
    expect(layout.charts.map((c) => c.id)).toEqual(['chart-e4-cost-vs-kappa', 'chart-e4-violation-vs-kappa', 'chart-e4-frontier']);
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.page);
    const frontier = layout.charts.find((c) => c.id === 'chart-e4-frontier')!;
    const kappa = layout.charts.find((c) => c.id === 'chart-e4-violation-vs-kappa')!;
    expect(frontier.right).toBeLessThanOrEqual(layout.page);
    expect(frontier.width).toBeGreaterThan(300);
    for (const solver of ['glpk', 'agh']) {
      expect(frontier.legend[solver], solver).toBe(kappa.legend[solver]);
      expect(frontier.strokes, `the frontier draws ${solver}`).toContain(kappa.legend[solver]);
    }
    expect(frontier.dashed).toEqual([frontier.legend.glpk]);
    // the exact line, per panel, runs through both its θ points and is drawn after (over) every heuristic line
    const dashed = frontier.lines.filter((l) => l.dashed);
    expect(dashed.map((l) => l.vertices)).toEqual([2, 2]);
    expect(frontier.lines.map((l) => l.dashed), 'in each panel, agh then glpk on top').toEqual([false, true, false, true]);
    expectSharedTextSizes(layout);
    expect(frontier.reading).toMatch(/^Read it like a Pareto plot: .*exact planner/);
    if (process.env.REPORT_SCREENSHOT_DIR) await browse(join(dir, 'report.html'), `--screenshot=${join(process.env.REPORT_SCREENSHOT_DIR, 'report-e4.png')}`);
  });

  it('fits the widest charts (E3: one panel per scenario) into the page', { timeout: 90_000 }, async () => {
    const rows = e3Rows().flatMap((r) => ['S1', 'S2', 'S3', 'S4', 'S5'].map((scenario) => ({ ...r, scenario, instance_id: `${r.instance_id}-${scenario}`, cell_key: `${r.cell_key}-${scenario}` })));
    const dir = run('e3', 'solve', rows);
    await renderReport(dir);
    const layout = await layoutOf(dir);
    expect(layout.charts.map((c) => c.id)).toEqual(['chart-e3-ablation-cost', 'chart-e3-ablation-feasibility']);
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.page);
    for (const c of layout.charts) expect(c.right, c.id).toBeLessThanOrEqual(layout.page);
    expectSharedTextSizes(layout);
    // agh:noM1 and agh:noM3 plan infeasibly: their bars are hollow in each of the five panels; the cost axis has more than 3 ticks
    const cost = layout.charts.find((c) => c.id === 'chart-e3-ablation-cost')!;
    expect(cost.hollowBars).toBe(2 * 5);
    if (process.env.REPORT_SCREENSHOT_DIR) await browse(join(dir, 'report.html'), `--screenshot=${join(process.env.REPORT_SCREENSHOT_DIR, 'report-e3.png')}`);
  });

  it('gives each E2 scenario its own cost scale', { timeout: 90_000 }, async () => {
    const dir = run('e2', 'solve', e2Rows());
    await renderReport(dir);
    const layout = await layoutOf(dir);
    expect(layout.charts.map((c) => c.id)).toEqual(['chart-e2-scenario-cost', 'chart-e2-scenario-violation']);
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.page);
    expectSharedTextSizes(layout);
    // S1 and S3 at κ 1.2 and 1.5: four panels, each with a y axis of its own range
    const cost = layout.charts.find((c) => c.id === 'chart-e2-scenario-cost')!;
    expect(cost.yAxes).toHaveLength(4);
    expect(new Set(cost.yAxes.map((a) => / to (\S+)$/.exec(a)?.[1])).size).toBe(4);
    // the violation rates share one scale: one y axis per row of panels
    expect(new Set(layout.charts.find((c) => c.id === 'chart-e2-scenario-violation')!.yAxes).size).toBe(1);
  });
});
