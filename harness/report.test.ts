import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { RAW_COLUMNS, SUMMARY_COLUMNS } from './columns.ts';
import { encodeRow, writeRawCsv } from './raw-csv.ts';
import { e1Rows, e5Rows, writeRun } from './report-fixture.ts';
import { renderReport } from './report.ts';
import { decodeRow } from './summary.ts';

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
    expect(chartStems(dir)).toEqual(['e1-gap', 'e1-runtime', 'e1-speedup']);

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
    // censored times and bound-only gaps are shown as bounds
    expect(html).toContain('<td>≥ 30</td>');
    expect(html).toContain('<td>≤ 0.25</td>');
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
    expect(chartStems(dir)).toEqual(['e1-runtime']);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).not.toContain('e1-speedup');
  });

  it('renders a rolling-horizon run', { timeout: 60_000 }, async () => {
    const dir = run('e5', 'rolling', e5Rows());
    await renderReport(dir);
    expect(chartStems(dir)).toEqual(['e5-rolling-cost', 'e5-rolling-violation']);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<code>day_cost_std_usd</code>');
    expect(html).toContain('cuts cost by up to 48%');
  });
});

const chromium = (process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'chromium')).find(existsSync);
if (!chromium) console.warn('report.test.ts: chromium is not on PATH; skipping the headless-browser check of report.html');

describe.skipIf(!chromium)('report.html in headless Chromium', () => {
  it('loads and shows every chart', { timeout: 90_000 }, async () => {
    const dir = run('e1', 'solve', e1Rows());
    await renderReport(dir);
    const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
    runs.push(profile);
    const browse = (...extra: string[]) =>
      execFileSync(chromium!, [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run', `--user-data-dir=${profile}`, ...extra, pathToFileURL(join(dir, 'report.html')).href,
      ], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
    // The DOM the browser built: each chart's figure holds a parsed <svg> with its marks.
    const dom = browse('--dump-dom');
    for (const stem of chartStems(dir)) {
      const figure = new RegExp(`<figure class="chart" id="chart-${stem}"><svg[^>]*>([\\s\\S]*?)</svg>`).exec(dom);
      expect(figure, stem).not.toBeNull();
      expect(figure![1]).toMatch(/<path/);
    }
    const shot = join(dir, 'screenshot.png');
    browse('--window-size=1280,2400', `--screenshot=${shot}`);
    const stats = await sharp(shot).stats();
    expect(stats.channels[0].max - stats.channels[0].min).toBeGreaterThan(100);
  });
});
