import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../lib/errors.ts';
import { nbformatProblems } from '../../testing/nbformat-check.ts';
import { buildNotebook, serialiseNotebook, writeNotebooks } from './notebooks.ts';
import { e1Rows, e3Rows, e5Rows, writeRun } from '../../testing/report-fixture.ts';
import { renderReport } from './report.ts';
import { runChild } from '../../testing/child-process.ts';

const temps: string[] = [];
const temp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
};
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

type Obj = Record<string, unknown>;
const text = (v: unknown) => (Array.isArray(v) ? v.join('') : String(v));

interface Nb {
  cells: { id: string; cell_type: string; source: string[]; outputs?: { output_type: string; data: Obj }[] }[];
}
const readNb = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Nb;
const cell = (nb: Nb, id: string) => nb.cells.find((c) => c.id === id)!;

/** The rows of a pandas-style HTML table: header names, then body cells (index dropped). */
function htmlRows(html: string): { columns: string[]; index: string[]; rows: string[][] } {
  const unesc = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  const [head, body] = html.split('<tbody>');
  const columns = [...head.matchAll(/<th>(.*?)<\/th>/g)].map((m) => unesc(m[1])).slice(1);
  const trs = [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => m[1]);
  return {
    columns,
    index: trs.map((tr) => /<th>(.*?)<\/th>/.exec(tr)![1]),
    rows: trs.map((tr) => [...tr.matchAll(/<td>(.*?)<\/td>/g)].map((m) => unesc(m[1]))),
  };
}

const hasNbformat = await runChild('python3', ['-c', 'import nbformat']).then((r) => r.status === 0, () => false);

describe('notebooks', () => {
  let e1: string;
  let e3: string;
  let e5: string;
  let out: string;
  beforeAll(async () => {
    e1 = writeRun('e1', 'solve', e1Rows());
    e3 = writeRun('e3', 'solve', e3Rows());
    e5 = writeRun('e5', 'rolling', e5Rows());
    temps.push(e1, e3, e5);
    for (const dir of [e1, e3, e5]) await renderReport(dir);
    out = temp('alloc-notebooks-');
    writeNotebooks([e1, e3, e5], out, '../results/reference');
  }, 120_000);

  it('writes one valid nbformat 4.5 notebook per run, with a Python 3 kernel', () => {
    expect(readdirSync(out).sort()).toEqual(['e1.ipynb', 'e3.ipynb', 'e5.ipynb']);
    for (const name of readdirSync(out)) {
      const nb = JSON.parse(readFileSync(join(out, name), 'utf8')) as Obj;
      expect(nbformatProblems(nb), name).toEqual([]);
      expect((nb.metadata as Obj).kernelspec).toMatchObject({ name: 'python3', language: 'python' });
    }
  });

  it('the validator catches what nbformat would reject', () => {
    const nb = JSON.parse(readFileSync(join(out, 'e1.ipynb'), 'utf8'));
    const broken = (edit: (nb: any) => void) => {
      const copy = structuredClone(nb);
      edit(copy);
      return nbformatProblems(copy);
    };
    expect(broken((x) => delete x.cells[0].id)).not.toEqual([]);
    expect(broken((x) => (x.cells[1].id = x.cells[0].id))).not.toEqual([]);
    expect(broken((x) => (x.cells[0].id = 'a b'))).not.toEqual([]);
    expect(broken((x) => delete x.cells[1].execution_count)).not.toEqual([]);
    expect(broken((x) => (x.nbformat_minor = 4))).not.toEqual([]);
    expect(broken((x) => (x.cells.find((c: any) => c.outputs?.length).outputs[0].data['text/plain'] = { a: 1 }))).not.toEqual([]);
    expect(broken((x) => (x.cells[0].source = [1]))).not.toEqual([]);
  });

  it('has a header with the paper claim, the run command, commit and machine', () => {
    const nb = readNb(join(out, 'e1.ipynb'));
    const header = cell(nb, 'header').source.join('');
    expect(header).toContain('alloc-bench run e1 --quick');
    expect(header).toContain('0123456789abcdef0123456789abcdef01234567');
    expect(header).toContain('Test CPU @ 2.0GHz × 2');
    expect(cell(nb, 'e1-title').source.join('')).toContain('260× faster');
    expect(cell(nb, 'setup').source.join('')).toContain(`RUN = Path("../results/reference/${basename(e1)}")`);
  });

  it('shows every chart of the run as its Vega-Lite spec with the PNG as fallback', () => {
    for (const [dir, id] of [[e1, 'e1'], [e3, 'e3'], [e5, 'e5']]) {
      const nb = readNb(join(out, `${id}.ipynb`));
      const stems = readdirSync(join(dir, 'charts')).filter((f) => f.endsWith('.vl.json')).map((f) => f.replace('.vl.json', ''));
      expect(stems.length).toBeGreaterThan(0);
      const chartCells = nb.cells.filter((c) => c.id.startsWith('chart-'));
      expect(chartCells.map((c) => c.id).sort()).toEqual(stems.map((s) => `chart-${s}`).sort());
      for (const stem of stems) {
        const spec = JSON.parse(readFileSync(join(dir, 'charts', `${stem}.vl.json`), 'utf8'));
        expect(spec.$schema).toBe('https://vega.github.io/schema/vega-lite/v6.json');
        const c = cell(nb, `chart-${stem}`);
        expect(c.source.join('')).toBe(`show_chart("${stem}")`);
        const [o] = c.outputs!;
        expect(o.output_type).toBe('display_data');
        expect(o.data['application/vnd.vegalite.v6+json']).toEqual(spec);
        expect(o.data['image/png']).toBe(readFileSync(join(dir, 'charts', `${stem}.png`)).toString('base64'));
      }
    }
  });

  it('shows the summary table with summary.csv values, and code that selects the same columns', () => {
    for (const [dir, id] of [[e1, 'e1'], [e5, 'e5']] as const) {
      const records: Record<string, string>[] = parse(readFileSync(join(dir, 'summary.csv'), 'utf8'), { columns: true });
      const c = cell(readNb(join(out, `${id}.ipynb`)), `${id}-summary`);
      const { columns, index, rows } = htmlRows(text(c.outputs![0].data['text/html']));
      expect(c.outputs![0].output_type).toBe('execute_result');
      expect(columns.length).toBeGreaterThan(3);
      expect(c.source.join('')).toMatch(new RegExp(`^summary\\.loc\\[summary\\["experiment"\\] == "${id}", \\[`));
      const list = c.source.join('').split(', [\n')[1];
      expect([...list.matchAll(/"([a-z0-9_]+)",/g)].map((m) => m[1])).toEqual(columns);
      expect(index).toEqual(records.map((_, i) => String(i)));
      expect(rows).toEqual(records.map((r) => columns.map((n) => r[n])));
      const plain = text(c.outputs![0].data['text/plain']).split('\n');
      expect(plain).toHaveLength(records.length + 1);
      expect(plain[0].trim().split(/\s+/)).toEqual(columns);
    }
    // E1 has censored times and bound-only gaps: their flags are shown with them
    const e1Columns = htmlRows(text(cell(readNb(join(out, 'e1.ipynb')), 'e1-summary').outputs![0].data['text/html'])).columns;
    expect(e1Columns).toEqual(expect.arrayContaining(['size_i', 'solver_label', 'solve_time_s', 'solve_time_censored', 'gap_mean', 'gap_bound_max', 'gap_bound_relaxation']));
  });

  it('is deterministic: the same run gives the same bytes, wherever the run directory is', () => {
    const first = readFileSync(join(out, 'e3.ipynb'));
    const again = temp('alloc-notebooks-');
    writeNotebooks([e3], again, '../results/reference');
    expect(readFileSync(join(again, 'e3.ipynb')).equals(first)).toBe(true);
    const moved = join(temp('alloc-moved-'), basename(e3));
    cpSync(e3, moved, { recursive: true });
    expect(serialiseNotebook(buildNotebook(moved, `../results/reference/${basename(e3)}`))).toBe(first.toString('utf8'));
    expect(first.length).toBeLessThan(1024 * 1024);
  });

  it('by default loads the run from its own path, relative to the notebook', () => {
    const dir = temp('alloc-notebooks-');
    writeNotebooks([e5], dir);
    const setup = cell(readNb(join(dir, 'e5.ipynb')), 'setup').source.join('');
    const runPath = /RUN = Path\("(.*)"\)/.exec(setup)![1];
    expect(resolve(dir, runPath)).toBe(resolve(e5));
  });

  it('refuses a run without summary.csv, and two runs of one experiment', () => {
    const bare = writeRun('e3', 'solve', e3Rows());
    temps.push(bare);
    expect(() => writeNotebooks([bare], temp('alloc-notebooks-'))).toThrow(/no summary\.csv; run 'alloc-bench report/);
    expect(() => writeNotebooks([e3, e3], temp('alloc-notebooks-'))).toThrow(InputError);
  });

  it.skipIf(!hasNbformat)(`passes nbformat.validate${hasNbformat ? '' : ' (skipped: python3 nbformat not installed)'}`, async () => {
    for (const name of readdirSync(out)) {
      const r = await runChild('python3', ['-c', 'import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], as_version=nbformat.NO_CONVERT))', join(out, name)]);
      expect(r.status, r.stderr).toBe(0);
    }
  });
});
