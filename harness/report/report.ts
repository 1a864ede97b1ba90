/**
 * Renders a run directory's outputs from its manifest.json and raw.csv: summary.csv, charts/
 * (Vega-Lite specs, SVG, PNG) and report.html. Everything is recomputed from raw.csv, so
 * re-rendering after a resume or a merge is always safe; every file is written atomically.
 */
import { lstatSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeSubdir, writeFileAtomic } from '../../lib/files.ts';
import { chartFiles, chartsFor, writeCharts, type RenderedChart } from './charts.ts';
import { RAW_COLUMNS, SUMMARY_COLUMNS } from '../sweep/columns.ts';
import { readManifest } from '../sweep/manifest.ts';
import { encodeRow, readRawCsv, refuseDuplicateRows, writeRawCsv } from '../sweep/raw-csv.ts';
import { reportHtml } from './report-html.ts';
import { decodeRow, summarise, type Row } from './summary.ts';
import { knownLookup } from './best-known.ts';
import { profileCharts } from './profile-charts.ts';
import { comparisonCharts } from '../compare/charts.ts';
import { isComparison, scoreComparison, writeComparison } from '../compare/report.ts';

export interface ReportFiles {
  summary: string;
  charts: string[];
  html: string;
  /** The summary rows and the charts, for pages that show the run (the index of `start`). */
  rows: Row[];
  rendered: RenderedChart[];
}

/** `warn`: where a note about a dropped torn last line of raw.csv goes (default: stderr). */
export async function renderReport(runDir: string, warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Promise<ReportFiles> {
  const manifest = readManifest(runDir);
  const kind = manifest.config.kind;
  const rawPath = join(runDir, 'raw.csv');
  const rawFile = readRawCsv(rawPath, RAW_COLUMNS[kind]);
  warnTornLine(rawPath, rawFile.droppedPartialBytes, runDir, warn);
  refuseDuplicateRows(rawPath, rawFile.rows);
  const raw = rawFile.rows.map((r) => decodeRow(r, RAW_COLUMNS[kind]));
  // Gaps are measured against the best-known table too (proven optima, better bounds).
  const known = knownLookup(manifest.config.profile_sha256);
  const summary = summarise(kind, raw, known);
  const summaryPath = join(runDir, 'summary.csv');
  writeRawCsv(summaryPath, SUMMARY_COLUMNS[kind], summary.map((r) => encodeRow(r, SUMMARY_COLUMNS[kind])));

  // Never through a `charts` symlink: everything a report writes stays inside the run directory.
  const chartsDir = makeSubdir(runDir, 'charts');
  const profiles = kind === 'solve' ? profileCharts(raw, summary, known) : [];
  // A comparison (`alloc-bench compare`) also gets its anytime and primal-integral charts and compare.html.
  const comparison = isComparison(manifest) ? scoreComparison(runDir, manifest, raw, known) : null;
  const compared = comparison ? comparisonCharts(comparison.comparison, summary) : [];
  const charts = await writeCharts(chartsDir, [...chartsFor(kind, summary), ...profiles, ...compared]);
  const experiments = [manifest.config.experiment, ...summary.map((r) => String(r.experiment))];
  removeStaleCharts(chartsDir, chartFiles(kind, experiments), new Set(charts.map((c) => c.file)));

  const htmlPath = join(runDir, 'report.html');
  writeFileAtomic(htmlPath, reportHtml({ manifest, kind, raw, summary, charts }));
  if (comparison) writeComparison(runDir, manifest, comparison, charts);
  return { summary: summaryPath, charts: charts.map((c) => join(chartsDir, `${c.file}.svg`)), html: htmlPath, rows: summary, rendered: charts };
}

/**
 * A chart an earlier render made but whose data this run no longer has must not linger. Only files
 * a render of this run could have written (`possible`: its experiments' chart names) are removed,
 * and only plain files: a user's own charts, and directories, are left alone.
 */
function removeStaleCharts(chartsDir: string, possible: Set<string>, current: Set<string>): void {
  for (const name of readdirSync(chartsDir)) {
    const stem = /^(.*)\.(vl\.json|svg|png)$/.exec(name)?.[1];
    if (stem === undefined || current.has(stem) || !possible.has(stem)) continue;
    const path = join(chartsDir, name);
    if (lstatSync(path).isFile()) rmSync(path);
  }
}

/** A torn last line (an interrupted write) is not read; say so rather than drop it silently. */
export function warnTornLine(rawPath: string, droppedBytes: number, runDir: string, warn: (line: string) => void): void {
  if (droppedBytes > 0) warn(`warning: ${rawPath}: ignored a torn last line (${droppedBytes} bytes, an interrupted write); --resume ${runDir} reruns its cell`);
}
