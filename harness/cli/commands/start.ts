// `alloc-bench start` (npm start): the quick variants of E1–E5 on the embedded default profile,
// into results/latest/ — built in a temporary directory and swapped in only once complete, so
// results/latest/ is always a whole set from one run. Reports are announced with their final
// paths, after the swap.
import { existsSync, renameSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import type { CommandModule } from 'yargs';
import { writeFileAtomic } from '../../../lib/files.ts';
import { resolveGrid } from '../../sweep/grid.ts';
import { PRESETS } from '../../experiments/presets.ts';
import { indexHtml, type IndexEntry } from '../../report/report-html.ts';
import { renderReport } from '../../report/report.ts';
import { RESULTS_DIR } from '../run-flags.ts';
import { runSweep } from '../../sweep/sweep.ts';

export const startCommand: CommandModule = {
  command: 'start',
  describe: 'Run the quick versions of E1–E5 into results/latest/ with their reports and an index page (6–12 min on 2 cores; README, Runtimes)',
  handler: async () => {
    const started = Date.now();
    const latest = join(RESULTS_DIR, 'latest');
    const tmp = join(RESULTS_DIR, `.latest-${process.pid}.tmp`);
    rmSync(tmp, { recursive: true, force: true });
    const entries: IndexEntry[] = [];
    for (const [n, preset] of PRESETS.entries()) {
      process.stderr.write(`== ${preset.title} (quick; experiment ${n + 1} of ${PRESETS.length})\n`);
      const outDir = join(tmp, preset.name);
      const { manifest } = await runSweep({
        grid: resolveGrid(preset.quick), outDir, jobs: availableParallelism(),
        commandLine: process.argv.slice(2), preset: preset.name, quick: true,
      });
      const report = await renderReport(outDir);
      entries.push({ dir: preset.name, title: preset.title, experiment: preset.name, cells: manifest.cells_done, summary: report.rows, charts: report.rendered });
    }
    const note = `Quick versions of E1–E5, finished ${new Date().toISOString()}. Each section: the paper's claim, what this run found, and the chart that answers it; the full report of each experiment is one click away.`;
    writeFileAtomic(join(tmp, 'report.html'), indexHtml('alloc-bench: quick E1–E5', note, entries));
    const old = join(RESULTS_DIR, `.latest-${process.pid}.old`);
    if (existsSync(latest)) renameSync(latest, old);
    renameSync(tmp, latest);
    rmSync(old, { recursive: true, force: true });
    const shown = (p: string) => relative(process.cwd(), p) || p;
    for (const e of entries) process.stderr.write(`report: ${shown(join(latest, e.dir, 'report.html'))}\n`);
    process.stderr.write(`index:  ${shown(join(latest, 'report.html'))}\n`);
    process.stderr.write(`results/latest/ complete in ${((Date.now() - started) / 60000).toFixed(1)} min\n`);
  },
};
