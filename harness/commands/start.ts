// `alloc-bench start` (npm start): the quick variants of E1–E5 on the embedded default profile,
// into results/latest/ — built in a temporary directory and swapped in only once complete, so
// results/latest/ is always a whole set from one run.
import { existsSync, renameSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { writeFileAtomic } from '../../solvers/problem/files.ts';
import { resolveGrid } from '../grid.ts';
import { PRESETS } from '../presets.ts';
import { RESULTS_DIR } from '../sweep-cli.ts';
import { runSweep } from '../sweep.ts';

export const startCommand: CommandModule = {
  command: 'start',
  describe: 'Run the quick versions of E1–E5 into results/latest/ with their reports (about 15 minutes on 2 cores)',
  handler: async () => {
    const started = Date.now();
    const latest = join(RESULTS_DIR, 'latest');
    const tmp = join(RESULTS_DIR, `.latest-${process.pid}.tmp`);
    rmSync(tmp, { recursive: true, force: true });
    const links: string[] = [];
    for (const preset of PRESETS) {
      process.stderr.write(`== ${preset.title} (quick)\n`);
      const { manifest } = await runSweep({
        grid: resolveGrid(preset.quick), outDir: join(tmp, preset.name), jobs: availableParallelism(),
        commandLine: process.argv.slice(2), preset: preset.name, quick: true,
      });
      links.push(`<li><a href="${preset.name}/report.html">${preset.title}</a> — ${manifest.cells_done} cells</li>`);
    }
    // The entry page: each experiment's own report holds its tables and charts.
    writeFileAtomic(join(tmp, 'report.html'), `<!doctype html><meta charset="utf-8"><title>alloc-bench quick results</title>\n<h1>alloc-bench: quick E1–E5</h1>\n<p>Finished ${new Date().toISOString()}.</p>\n<ul>\n${links.join('\n')}\n</ul>\n`);
    const old = join(RESULTS_DIR, `.latest-${process.pid}.old`);
    if (existsSync(latest)) renameSync(latest, old);
    renameSync(tmp, latest);
    rmSync(old, { recursive: true, force: true });
    process.stderr.write(`results/latest/ complete in ${((Date.now() - started) / 60000).toFixed(1)} min\n`);
  },
};
