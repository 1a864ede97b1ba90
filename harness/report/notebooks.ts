/**
 * Jupyter notebooks of run directories: one nbformat 4.5 notebook per run with its provenance,
 * charts and summary table. Every code cell is stored with the output it produces, rendered here
 * from the run's files, so the notebook reads on a code host without a kernel; re-executed in
 * Jupyter (pandas, IPython) it loads the same files. Same run directory → byte-identical notebook.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, posix, relative, sep } from 'node:path';
import { InputError } from '../../lib/errors.ts';
import { writeFileAtomic } from '../../lib/files.ts';
import { chartFiles, chartsFor, type Chart } from './charts.ts';
import { SUMMARY_COLUMNS, type CellKind } from '../sweep/columns.ts';
import { readManifest, type Manifest } from '../sweep/manifest.ts';
import { readRawCsv, type StoredRow } from '../sweep/raw-csv.ts';
import { BOUND_MARKS, GAP_NOTE, esc, experimentText, provenanceItems, summaryView } from './report-html.ts';
import { decodeRow } from './summary.ts';

// ─── nbformat 4.5 ───────────────────────────────────────────────────────────────────────────

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** A multiline string as nbformat stores it: lines, each but the last ending in "\n". */
type Lines = string[];

interface Output {
  output_type: 'execute_result' | 'display_data';
  /** execute_result only; null until the cells are numbered. */
  execution_count?: number | null;
  data: Record<string, Json>;
  metadata: Record<string, Json>;
}

interface CellBase {
  id: string;
  metadata: Record<string, Json>;
  source: Lines;
}
type Cell = (CellBase & { cell_type: 'markdown' }) | (CellBase & { cell_type: 'code'; execution_count: number | null; outputs: Output[] });

export interface Notebook {
  nbformat: 4;
  nbformat_minor: 5;
  metadata: Record<string, Json>;
  cells: Cell[];
}

const lines = (text: string): Lines => text.split(/(?<=\n)/);

/** Cell ids must match ^[a-zA-Z0-9-_]+$ (at most 64 characters); ours name the cell's content. */
const cellId = (name: string) => name.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 64);

const markdown = (id: string, text: string): Cell => ({ id: cellId(id), cell_type: 'markdown', metadata: {}, source: lines(text) });

const code = (id: string, source: string, outputs: Output[] = []): Cell =>
  ({ id: cellId(id), cell_type: 'code', metadata: {}, source: lines(source), execution_count: null, outputs });

/** Code cells are numbered in order, as if the notebook had been run top to bottom once. */
function numberCodeCells(cells: Cell[]): Cell[] {
  let n = 0;
  return cells.map((c) => {
    if (c.cell_type !== 'code') return c;
    n += 1;
    return { ...c, execution_count: n, outputs: c.outputs.map((o) => (o.output_type === 'execute_result' ? { ...o, execution_count: n } : o)) };
  });
}

/** Serialised as Jupyter writes notebooks (sorted keys, one-space indent), so re-saving one in Jupyter gives no diff. */
export function serialiseNotebook(nb: Notebook): string {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sorted)
    : v !== null && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])]))
    : v;
  return `${JSON.stringify(sorted(nb), null, 1)}\n`;
}

// ─── tables ─────────────────────────────────────────────────────────────────────────────────

interface Table {
  /** Row labels: positions in summary.csv, as pandas numbers the rows of the loaded frame. */
  index: number[];
  columns: string[];
  /** The CSV text of every cell, full precision. */
  cells: string[][];
}

/** The HTML pandas gives a DataFrame (Jupyter and code hosts style `table.dataframe`). */
function htmlTable(t: Table): string {
  const th = (s: string) => `      <th>${esc(s)}</th>\n`;
  const body = t.cells.map((row, i) => `    <tr>\n${th(String(t.index[i]))}${row.map((c) => `      <td>${esc(c)}</td>\n`).join('')}    </tr>\n`);
  return `<div>\n<table border="1" class="dataframe">\n  <thead>\n    <tr style="text-align: right;">\n${th('')}${t.columns.map(th).join('')}    </tr>\n  </thead>\n` +
    `  <tbody>\n${body.join('')}  </tbody>\n</table>\n</div>`;
}

/** The text form: right-aligned columns under their names, the index on the left. */
function plainTable(t: Table): string {
  const grid = [['', ...t.columns], ...t.cells.map((row, i) => [String(t.index[i]), ...row])];
  const widths = grid[0].map((_, j) => Math.max(...grid.map((r) => r[j].length)));
  return grid.map((r) => r.map((c, j) => (j === 0 ? c.padEnd(widths[0]) : c.padStart(widths[j]))).join('  ')).join('\n');
}

/** A Python string literal: JSON's escapes are valid Python. */
const py = (s: string) => JSON.stringify(s);

/** A Python list literal of names, wrapped at about 100 characters. */
function pyList(names: string[]): string {
  const indent = '    ';
  const out: string[] = [];
  let line = '';
  for (const item of names.map((n) => `${py(n)},`)) {
    if (line && line.length + item.length + 1 > 100 - indent.length) {
      out.push(line);
      line = '';
    }
    line += (line ? ' ' : '') + item;
  }
  if (line) out.push(line);
  return `[\n${out.map((l) => indent + l).join('\n')}\n]`;
}

// ─── the notebook of a run ──────────────────────────────────────────────────────────────────

/** The Jupyter MIME type of the Vega-Lite version a spec declares in its $schema. */
export function vegaLiteMime(spec: object): string {
  const schema = String((spec as { $schema?: unknown }).$schema);
  const major = /\/vega-lite\/v(\d+)(\.\d+)*\.json$/.exec(schema)?.[1];
  if (major === undefined) throw new Error(`not a Vega-Lite schema URL: ${schema}`);
  return `application/vnd.vegalite.v${major}+json`;
}

function setupSource(runPath: string, mime: string | null): string {
  const chartHelper = mime === null ? '' : `

def show_chart(name):
    """The chart's Vega-Lite spec for Jupyter's built-in renderer; its PNG for viewers without one."""
    spec = json.loads((RUN / "charts" / f"{name}.vl.json").read_text())
    png = base64.b64encode((RUN / "charts" / f"{name}.png").read_bytes()).decode()
    title = spec["title"]["text"] if isinstance(spec["title"], dict) else spec["title"]
    display({${py(mime)}: spec, "image/png": png, "text/plain": title}, raw=True)`;
  const imports = mime === null ? '' : 'import base64\nimport json\n';
  return `${imports}from pathlib import Path

import pandas as pd${mime === null ? '' : '\nfrom IPython.display import display'}

# The run directory, relative to this notebook.
RUN = Path(${py(runPath)})
# As text, so tables show summary.csv exactly (full precision; empty: not applicable).
# For numbers: pd.read_csv(RUN / "summary.csv").
summary = pd.read_csv(RUN / "summary.csv", dtype=str, keep_default_na=False)
pd.set_option("display.max_columns", None)${chartHelper}`;
}

function header(m: Manifest, mime: string | null): string {
  const items = provenanceItems(m).map(([k, v]) => `- **${k}:** ${k === 'Command' || k === 'Commit' ? `\`${v}\`` : v}`);
  const charts = mime === null ? '' :
    `\n\nCharts are shown with \`IPython.display\` alone (no Altair): the Vega-Lite spec as raw \`${mime}\` output, which\n` +
    'Jupyter front ends render when they support that Vega-Lite version, and the chart\'s PNG for those that do not (such as\n' +
    'GitHub\'s viewer).';
  return `# llm-alloc-bench run: ${m.config.experiment}

${items.join('\n')}

Generated by \`alloc-bench notebooks\` from the run directory's \`summary.csv\` and \`charts/\`, outputs included, so it
reads without a kernel. To re-execute it: \`pip install pandas jupyter\`, then open it in Jupyter.${charts}`;
}

/**
 * The charts a report draws from raw.csv rather than the summary (performance profiles, a
 * comparison's anytime charts), as the run's `report` rendered them: a run rendered before they
 * existed has none, and its notebook none either.
 */
function renderedRawCharts(runDir: string, kind: CellKind, experiments: string[], fromSummary: readonly Chart[]): Chart[] {
  const known = new Set(fromSummary.map((c) => c.file));
  return [...new Set(experiments)].flatMap((experiment) => [...chartFiles(kind, [experiment])]
    .filter((stem) => !known.has(stem) && existsSync(join(runDir, 'charts', `${stem}.vl.json`)))
    .map((file) => {
      const spec = JSON.parse(readFileSync(join(runDir, 'charts', `${file}.vl.json`), 'utf8')) as Chart['spec'] & { title?: string | { text: string } };
      const title = typeof spec.title === 'string' ? spec.title : spec.title?.text ?? file;
      return { file, experiment, title, spec };
    }));
}

function chartCell(runDir: string, chart: Chart): Cell {
  const file = (ext: string) => join(runDir, 'charts', `${chart.file}.${ext}`);
  if (!existsSync(file('vl.json')) || !existsSync(file('png'))) {
    throw new InputError(`${runDir}: charts/${chart.file}.vl.json or .png is missing; run 'alloc-bench report ${runDir}' first`);
  }
  const spec = JSON.parse(readFileSync(file('vl.json'), 'utf8')) as { [k: string]: Json };
  const data = { [vegaLiteMime(spec)]: spec, 'image/png': readFileSync(file('png')).toString('base64'), 'text/plain': lines(chart.title) };
  return code(`chart-${chart.file}`, `show_chart(${py(chart.file)})`, [{ output_type: 'display_data', data, metadata: {} }]);
}

function summarySection(experiment: string, stored: StoredRow[], kind: CellKind): Cell[] {
  const index = stored.flatMap((r, i) => (r.experiment === experiment ? [i] : []));
  const rows = index.map((i) => decodeRow(stored[i], SUMMARY_COLUMNS[kind]));
  const { shown, constant } = summaryView(kind, rows, experimentText(experiment, kind).columns);
  // The flags that say which of the shown values are bounds rather than measurements.
  const flags = [...new Set(shown.flatMap((n) => (BOUND_MARKS[n] ? [BOUND_MARKS[n][0]] : [])))];
  const columns = [...shown, ...flags];
  const table: Table = { index, columns, cells: index.map((i) => columns.map((c) => stored[i][c])) };
  const notes = [
    constant.length ? `All rows: ${constant.map((n) => `${n} = ${stored[index[0]][n]}`).join(', ')}.` : '',
    flags.length ? `Where ${flags.map((f) => `\`${f}\``).join(', ')} is true, the values it flags are bounds, not measurements (docs/COLUMNS.md).` : '',
    shown.includes('gap_mean') || shown.includes('gap_bound_max') ? GAP_NOTE.trim() : '',
  ].filter(Boolean);
  const source = `summary.loc[summary["experiment"] == ${py(experiment)}, ${pyList(columns)}]`;
  const output: Output = { output_type: 'execute_result', data: { 'text/html': lines(htmlTable(table)), 'text/plain': lines(plainTable(table)) }, metadata: {} };
  return [markdown(`${experiment}-summary-notes`, `### Summary\n\n${notes.join(' ')}`.trim()), code(`${experiment}-summary`, source, [output])];
}

/** The notebook of a run directory whose files the notebook's code reaches at `runPath`. */
export function buildNotebook(runDir: string, runPath: string): Notebook {
  const manifest = readManifest(runDir);
  const kind = manifest.config.kind;
  const summaryPath = join(runDir, 'summary.csv');
  if (!existsSync(summaryPath)) throw new InputError(`${runDir} has no summary.csv; run 'alloc-bench report ${runDir}' first`);
  const stored = readRawCsv(summaryPath, SUMMARY_COLUMNS[kind]).rows;
  const fromSummary = chartsFor(kind, stored.map((r) => decodeRow(r, SUMMARY_COLUMNS[kind])));
  const charts = [...fromSummary, ...renderedRawCharts(runDir, kind, stored.map((r) => r.experiment), fromSummary)];
  const mimes = [...new Set(charts.map((c) => vegaLiteMime(c.spec)))];
  if (mimes.length > 1) throw new Error(`charts declare several Vega-Lite versions: ${mimes.join(', ')}`);
  const mime = mimes[0] ?? null;

  const sections = [...new Set(stored.map((r) => r.experiment))].flatMap((experiment) => {
    const text = experimentText(experiment, kind);
    return [
      markdown(`${experiment}-title`, `## ${text.title}${text.claim ? `\n\n> **Paper:** ${text.claim}` : ''}`),
      ...charts.filter((c) => c.experiment === experiment).flatMap((c) => [
        chartCell(runDir, c),
        ...(c.reading ? [markdown(`reading-${c.file}`, c.reading)] : []),
      ]),
      ...summarySection(experiment, stored, kind),
    ];
  });
  const cells = numberCodeCells([markdown('header', header(manifest, mime)), code('setup', setupSource(runPath, mime)), ...sections]);
  const ids = cells.map((c) => c.id);
  if (new Set(ids).size !== ids.length) throw new Error(`duplicate cell ids in the notebook of ${runDir}: ${ids.join(', ')}`);
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'python3', display_name: 'Python 3 (ipykernel)', language: 'python' },
      language_info: { name: 'python' },
    },
    cells,
  };
}

export interface WrittenNotebook {
  path: string;
  bytes: number;
}

/**
 * notebooks/<experiment>.ipynb for every run directory. The notebook reads its run at `runsDir/<run
 * dir name>` when `runsDir` is given (relative to `outDir`), else at the run's actual path from `outDir`.
 */
export function writeNotebooks(runDirs: readonly string[], outDir: string, runsDir?: string): WrittenNotebook[] {
  const planned = runDirs.map((dir) => ({ dir, path: join(outDir, `${readManifest(dir).config.experiment}.ipynb`) }));
  const paths = planned.map((p) => p.path);
  const clash = paths.find((p, i) => paths.indexOf(p) !== i);
  if (clash) throw new InputError(`two run directories are of the same experiment and would both write ${clash}`);
  return planned.map(({ dir, path }) => {
    const runPath = runsDir === undefined ? relative(outDir, dir).split(sep).join('/') : posix.join(runsDir, basename(dir));
    const text = serialiseNotebook(buildNotebook(dir, runPath));
    writeFileAtomic(path, text);
    return { path, bytes: Buffer.byteLength(text) };
  });
}
