/**
 * The performance-profile charts of a run (profiles.ts): one on solve time, one on cost relative
 * to the best-known cost, a step line per solver in its fixed colour (chart-style.ts). Drawn from
 * the raw rows, since a profile needs every instance, not the group means of summary.csv.
 */
import { assemble, decadeTicks, n, PROFILE_CHARTS, PROFILE_EXPERIMENTS, q, type Chart, type Layer } from './charts.ts';
import { seriesColors, seriesName } from './chart-style.ts';
import { instanceResults, performanceRatios, profilePoints, type InstanceResult, type ProfileMeasure } from './profiles.ts';
import type { KnownLookup, Row } from './summary.ts';

const TEXT: Record<ProfileMeasure, { title: string; x: string; note: string }> = {
  time: {
    title: 'Performance profile: solve time',
    x: 'τ: solve time / fastest solve time with a feasible plan (log)',
    note: 'Share of instances on which the solver has a feasible plan within τ times the fastest such solve.',
  },
  cost: {
    title: 'Performance profile: cost relative to the best known',
    x: 'τ: cost / best-known cost (log)',
    note: 'Share of instances on which the solver\'s feasible plan costs at most τ times the best-known cost (results/reference/best-known.csv, else the run\'s best plan).',
  },
};

const READING = 'Higher is better: the value at τ = 1 is how often the solver is the best, the right end how often it has a feasible plan at all; a curve above another everywhere dominates it.';

/**
 * Ticks of a τ axis spanning a decade or more: 1, 2 and 5 of each decade, or only the powers of ten
 * beyond two decades (vega's own labels run together there: "1,0002,000"); vega's default below.
 */
function tauTicks(tauMax: number): { values?: number[] } {
  if (tauMax < 10) return {};
  const decades = Math.ceil(Math.log10(tauMax));
  return { values: decadeTicks(1, 10 ** decades, decades > 2).filter((t) => t <= tauMax) };
}

/**
 * Solvers run on only some instances (E1 runs the exact solvers at the sizes they can solve): they
 * count as not reaching the others, which the reader should know.
 */
export function coverageNote(results: readonly InstanceResult[], instances: number): string[] {
  const counts = new Map<string, number>();
  for (const r of results) counts.set(r.solver, (counts.get(r.solver) ?? 0) + 1);
  const partial = [...counts].filter(([, c]) => c < instances).map(([s, c]) => `${s} ${c}`);
  return partial.length ? [`Run on fewer of the ${instances} instances (the rest count as not reached): ${partial.join(', ')}.`] : [];
}

/** The two profiles of each experiment of the run that compares solvers across instances (two solvers or more). */
export function profileCharts(raw: readonly Row[], summary: readonly Row[], known: KnownLookup): Chart[] {
  const palette = seriesColors(summary.map((r) => seriesName(String(r.solver_label))));
  const experiments = [...new Set(raw.map((r) => String(r.experiment)))].filter((e) => PROFILE_EXPERIMENTS.includes(e));
  const charts: Chart[] = [];
  for (const experiment of experiments) {
    const results = instanceResults(raw.filter((r) => r.experiment === experiment));
    const solvers = [...new Set(results.map((r) => r.solver))];
    if (solvers.length < 2) continue;
    const instances = new Set(results.map((r) => r.instance_id)).size;
    for (const [measure, name] of [['time', PROFILE_CHARTS[0]], ['cost', PROFILE_CHARTS[1]]] as const) {
      const ratios = performanceRatios(results, measure, known);
      const finite = [...ratios.values()].flat().filter(Number.isFinite);
      if (finite.length === 0) continue;
      const tauMax = Math.max(1.1, ...finite) * 1.1;
      const values = profilePoints(ratios, tauMax) as unknown as Row[];
      const colors = { domain: solvers, range: solvers.map((s) => palette.get(s) ?? '#888') };
      const x = q('tau', TEXT[measure].x, { scale: { type: 'log', domain: [1, tauMax], nice: false }, axis: { format: ',~g', ...tauTicks(tauMax) } });
      const y = q('share', `Share of the ${instances} instances`, { scale: { domain: [0, 1] }, axis: { format: '.0%' } });
      const color = n('solver', 'Solver', { sort: null, scale: colors });
      const layers: Layer[] = [{ mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2, clip: true }, encoding: { x, y, color } }];
      const spec = assemble(TEXT[measure].title, [TEXT[measure].note, ...coverageNote(results, instances)], values, false, layers, { width: 420, height: 240 });
      charts.push({ file: `${experiment}-${name}`, experiment, title: TEXT[measure].title, reading: READING, spec });
    }
  }
  return charts;
}
