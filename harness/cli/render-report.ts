// After `run`, `sweep` and `merge`: the run's report, rendered under the run directory's lock like `alloc-bench report`.
import { renderReport } from '../report/report.ts';
import { withRunLock } from '../sweep/run-lock.ts';

/** summary.csv, charts and report.html, all recomputed from raw.csv. */
export async function renderRunReport(dir: string): Promise<void> {
  const { html } = await withRunLock(dir, process.argv.slice(2), () => renderReport(dir));
  process.stderr.write(`report: ${html}\n`);
}
