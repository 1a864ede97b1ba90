/**
 * One colour per solver and per rolling policy, the same in every chart of every run: the one
 * place that fixes the colour domain and palette. A series is a solver label without its time
 * limit (`highs:time_limit_s=600` and `highs:time_limit_s=120` are one solver, `highs`; the
 * limit is shown in the chart's subtitle instead).
 */

/** Fixed colours, grouped by family: an ablation is a shade of its solver's hue. */
export const SERIES_COLORS: Readonly<Record<string, string>> = {
  gh: '#4c78a8',
  'gh:noM1': '#9ecae9',
  'gh:noM2': '#1f3f66',
  'gh:noM3': '#7b8ea8',
  agh: '#f58518',
  'agh:noM1': '#ffbf79',
  'agh:noM2': '#9c4f0a',
  'agh:noM3': '#c9a27a',
  'agh-lns': '#e45756',
  'agh-lns:noM1': '#ff9d98',
  'agh-lns:noM2': '#9b2a29',
  'agh-lns:noM3': '#c69392',
  cheapest: '#79706e',
  glpk: '#54a24b',
  highs: '#72b7b2',
  cbc: '#b279a2',
  glpsol: '#9d755d',
  // E5 policies: a re-solving AGH policy in AGH's colour, static plans in other hues.
  'agh-5min': '#f58518',
  'agh-lns-5min': '#e45756',
  'agh-24h': '#9c4f0a',
  'dm-24h': '#54a24b',
  'peak-static': '#79706e',
  'gh-5min': '#4c78a8',
};

/** Colours for series the table above does not know (a user's own heuristic, a tuned option). */
const SPARE_COLORS = ['#eeca3b', '#d67195', '#439894', '#8f6d31', '#bab0ac', '#6a3d9a', '#b15928', '#1b9e77'];

const TIME_LIMIT_OPTION = /^time_limit_s=(.*)$/;

/** `highs:time_limit_s=600` → `highs`; `agh:noM2,time_limit_s=5` → `agh:noM2`. */
export function seriesName(label: string): string {
  const [name, options] = splitLabel(label);
  const kept = options.filter((o) => !TIME_LIMIT_OPTION.test(o));
  return kept.length ? `${name}:${kept.join(',')}` : name;
}

/** The time limit a label sets (seconds), or null. */
export function labelTimeLimit(label: string): number | null {
  const [, options] = splitLabel(label);
  for (const o of options) {
    const m = TIME_LIMIT_OPTION.exec(o);
    if (m) return Number(m[1]);
  }
  return null;
}

function splitLabel(label: string): [string, string[]] {
  const at = label.indexOf(':');
  return at < 0 ? [label, []] : [label.slice(0, at), label.slice(at + 1).split(',')];
}

/**
 * The colours of a run's series: fixed ones from SERIES_COLORS, unknown ones from the spare
 * palette in order of first appearance (so they too agree across the run's charts).
 */
export function seriesColors(names: Iterable<string>): Map<string, string> {
  const colors = new Map<string, string>();
  let spare = 0;
  for (const n of names) {
    if (colors.has(n)) continue;
    colors.set(n, SERIES_COLORS[n] ?? SPARE_COLORS[spare++ % SPARE_COLORS.length]);
  }
  return colors;
}

/**
 * The text sizes (pixels) of every chart of every experiment: the one place that sets them, so a
 * label reads the same size in E1 as in E5 (the report shows charts at their own size, unscaled).
 */
export const CHART_FONT_SIZES = {
  title: 14,
  subtitle: 11,
  axisTitle: 12,
  axisLabel: 11,
  legendTitle: 12,
  legendLabel: 11,
  header: 12,
  /** Text drawn in the plot (E3's grid counts). */
  mark: 10,
} as const;
