/**
 * The charts only a comparison has: anytime curves (mean primal gap over time, a panel per size)
 * and the mean primal integral per solver (Berthold 2013), in the solvers' fixed colours
 * (chart-style.ts) and the shared chart style (harness/report/charts.ts).
 */
import { assemble, COMPARE_CHARTS, n, q, type Chart, type Layer } from '../report/charts.ts';
import { seriesColors, seriesName } from '../report/chart-style.ts';
import type { Row } from '../report/summary.ts';
import { gapAt, type Comparison } from './score.ts';

const EXPERIMENT = 'compare';

/**
 * Per size and solver: the mean over the size's instances of γ(t), at every time some instance's
 * γ changes (and at the size's horizon), from the first positive time on (the axis is logarithmic).
 */
export function anytimeCurves(c: Comparison): { size: string; solver: string; t_s: number; gap: number }[] {
  const out: { size: string; solver: string; t_s: number; gap: number }[] = [];
  const withSteps = c.instances.map((r, k) => ({ r, steps: c.gapSteps[k] })).filter((x) => x.steps.length > 0);
  const sizes = [...new Set(withSteps.map((x) => x.r.size))];
  for (const size of sizes) {
    const here = withSteps.filter((x) => x.r.size === size);
    const positive = here.flatMap((x) => x.steps.map(([t]) => t)).filter((t) => t > 0);
    if (positive.length === 0) continue;
    const start = Math.min(...positive) / 2;
    const horizon = Math.max(...positive);
    for (const solver of [...new Set(here.map((x) => x.r.solver))]) {
      const mine = here.filter((x) => x.r.solver === solver);
      const times = [...new Set([start, ...mine.flatMap((x) => x.steps.map(([t]) => t)).filter((t) => t > start), horizon])].sort((a, b) => a - b);
      for (const t of times) out.push({ size, solver, t_s: t, gap: mine.reduce((a, x) => a + gapAt(x.steps, t), 0) / mine.length });
    }
  }
  return out;
}

export function comparisonCharts(c: Comparison, summary: readonly Row[]): Chart[] {
  const palette = seriesColors(summary.map((r) => seriesName(String(r.solver_label))));
  const solvers = c.solvers.map((s) => s.solver);
  const colors = { domain: solvers, range: solvers.map((s) => palette.get(s) ?? '#888') };
  const color = n('solver', 'Solver', { sort: null, scale: colors });
  const charts: Chart[] = [];

  const curves = anytimeCurves(c) as unknown as Row[];
  if (curves.length) {
    const sizes = new Set(curves.map((v) => v.size));
    const values = curves.map((v) => ({ ...v, panel: v.size }));
    const x = q('t_s', 'Time since the solve started (s, log)', { scale: { type: 'log' }, axis: { format: ',~g' } });
    const y = q('gap', 'Mean primal gap', { scale: { domain: [0, 1] }, axis: { format: '.0%' } });
    const layers: Layer[] = [{ mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 }, encoding: { x, y, color } }];
    charts.push({
      file: `${EXPERIMENT}-${COMPARE_CHARTS[0]}`, experiment: EXPERIMENT, title: 'Anytime curves: primal gap over time, per size',
      reading: 'Lower and further left is better: how soon each solver holds a plan close to the best known. A step down is a better plan; a solver without anytime data has one step, when it returns.',
      spec: assemble('Anytime curves: primal gap over time, per size', [
        'Primal gap |c(t) − c*| / max(|c(t)|, |c*|), 100% before the first plan; c* the best-known cost (else the run\'s best); mean over the size\'s instances.',
        'A solver that has ended keeps its last plan. Incumbents are the solvers\' own objectives until they end, then the evaluator\'s cost.',
      ], values, sizes.size > 1, layers, { width: sizes.size > 1 ? 300 : 420, height: 220 }),
    });
  }

  const integrals = c.solvers.filter((s) => s.primal_integral_mean_s !== null).map((s) => ({ solver: s.solver, primal_integral_s: s.primal_integral_mean_s })) as unknown as Row[];
  if (integrals.length) {
    const x = n('solver', 'Solver', { sort: null, axis: { labelAngle: -30 } });
    const y = q('primal_integral_s', 'Mean primal integral (s)', {});
    charts.push({
      file: `${EXPERIMENT}-${COMPARE_CHARTS[1]}`, experiment: EXPERIMENT, title: 'Primal integral per solver (Berthold 2013)',
      reading: 'Smaller is better: the area under a solver\'s primal-gap curve up to the instance\'s longest solve, in seconds — it rewards good plans found early.',
      spec: assemble('Primal integral per solver (Berthold 2013)', ['∫ γ(t) dt over [0, T], T the longest solve time on the instance; mean over the instances.'],
        integrals, false, [{ mark: { type: 'bar' }, encoding: { x, y, color } }], { width: { step: 36 }, height: 220 }),
    });
  }
  return charts;
}
