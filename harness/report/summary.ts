/**
 * raw.csv → summary.csv (docs/experiments.md): one row per group of raw rows, with the
 * columns of `SUMMARY_COLUMNS` in harness/sweep/columns.ts. Pure functions of the raw rows, so a report
 * re-rendered from the same raw.csv gives the same summary.
 */
import { CONSTRAINT_FAMILIES } from '../../solvers/problem/evaluator.ts';
import {
  RAW_COLUMNS,
  SOLVE_STATUSES,
  SUMMARY_COLUMNS,
  statName,
  type CellKind,
  type ColumnDef,
  type Statistic,
} from '../sweep/columns.ts';
import type { StoredRow } from '../sweep/raw-csv.ts';
import { chargedTimes, SGM_SHIFTS_S, shiftedGeometricMean, type TimedRun } from './sgm.ts';

export type Value = string | number | boolean | null;
/** A CSV row decoded by its column types; an empty field is null. */
export type Row = Record<string, Value>;

export function decodeRow(row: StoredRow, columns: readonly ColumnDef[]): Row {
  const out: Row = {};
  for (const c of columns) {
    const text = row[c.name] ?? '';
    if (c.type === 'string') out[c.name] = text;
    else if (text === '') out[c.name] = null;
    else if (c.type === 'boolean') out[c.name] = text === 'true';
    else out[c.name] = Number(text);
  }
  return out;
}

// ─── statistics ──────────────────────────────────────────────────────────────────────────────

const num = (v: Value): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The non-empty numeric values of a column. */
export function values(rows: readonly Row[], name: string): number[] {
  return rows.map((r) => num(r[name])).filter((x): x is number => x !== null);
}

const mean = (xs: number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** Sample standard deviation (n − 1): the spread across demand paths of E5. */
function std(xs: number[]): number | null {
  if (xs.length < 2) return null;
  const m = mean(xs)!;
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

const max = (xs: number[]): number | null => (xs.length ? Math.max(...xs) : null);
const geomean = (xs: number[]): number | null => (xs.length ? Math.exp(mean(xs.map(Math.log))!) : null);

const STATS: Record<Statistic, (xs: number[]) => number | null> = { mean, median, std, max };

/**
 * The summary columns that follow the naming rule of columns.ts — a raw column's name is its
 * mean, `statName(raw, stat)` another statistic of it — mapped to their raw column and statistic.
 */
function ruleColumns(kind: CellKind): [summary: string, raw: string, stat: Statistic][] {
  const keys = new Set(keyColumns(kind));
  const stats = Object.keys(STATS) as Statistic[];
  return SUMMARY_COLUMNS[kind].filter((c) => !keys.has(c.name)).flatMap(({ name }) => {
    const matches = RAW_COLUMNS[kind].flatMap((r) =>
      stats.filter((st) => name === (st === 'mean' ? r.name : statName(r.name, st))).map((st): [string, string, Statistic] => [name, r.name, st]));
    if (matches.length > 1) throw new Error(`summary column ${name} names a statistic of several raw columns`);
    return matches;
  });
}

const RULE_COLUMNS = { solve: ruleColumns('solve'), rolling: ruleColumns('rolling') };

/** Every rule column of the summary, over the rows given. */
function statistics(kind: CellKind, rows: readonly Row[]): Row {
  return Object.fromEntries(RULE_COLUMNS[kind].map(([name, raw, stat]) => [name, STATS[stat](values(rows, raw))]));
}

// ─── grouping ────────────────────────────────────────────────────────────────────────────────

/** Groups in order of first appearance (raw rows come in the grid's canonical order). */
function groupBy(rows: readonly Row[], keys: readonly string[]): Row[][] {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const k = JSON.stringify(keys.map((n) => r[n]));
    groups.get(k)?.push(r) ?? groups.set(k, [r]);
  }
  return [...groups.values()];
}

/** Experiments in grid order, then sizes and κ or σ ascending; otherwise grid order (the sort is stable). */
function sortGroups(rows: Row[], axis: string): Row[] {
  const experiments = [...new Set(rows.map((r) => r.experiment))];
  const n = (r: Row, k: string) => num(r[k]) ?? -Infinity;
  return rows.sort((a, b) =>
    experiments.indexOf(a.experiment) - experiments.indexOf(b.experiment) ||
    n(a, 'size_i') - n(b, 'size_i') || n(a, 'size_j') - n(b, 'size_j') || n(a, 'size_k') - n(b, 'size_k') || n(a, axis) - n(b, axis));
}

/** The group key: the summary columns before the first count (`rows`, `paths`). */
export function keyColumns(kind: CellKind): string[] {
  const names = SUMMARY_COLUMNS[kind].map((c) => c.name);
  return names.slice(0, names.indexOf(kind === 'solve' ? 'rows' : 'paths'));
}

const keyOf = (kind: CellKind, rows: readonly Row[]): Row => Object.fromEntries(keyColumns(kind).map((k) => [k, rows[0][k]]));

// ─── solve runs (E1–E4) ──────────────────────────────────────────────────────────────────────

/** What the exact solvers established on one instance planned with one headroom θ (at one κ: the
 * rows of a cell repeat it). */
interface ExactReference {
  /** Fastest timed exact solve; censored when that solve stopped at its time limit. */
  time_s: number | null;
  time_censored: boolean;
  /** Lowest evaluator cost among proven-optimal exact plans. */
  optimum_usd: number | null;
  /** Highest lower bound of any row: exact solvers' bounds, heuristic rows' relaxation bound. */
  bound_usd: number | null;
  /** That bound is only the per-type relaxation (of a heuristic row): no exact solver's bound is as high. */
  bound_relaxation: boolean;
}

const isCensored = (r: Row) => String(r.status).startsWith('time_limit');
const isTimed = (r: Row) => r.status !== 'error' && num(r.solve_time_s) !== null;
const INSTANCE_KEY = ['experiment', 'instance_id', 'headroom', 'kappa'];
const instanceKey = (r: Row) => JSON.stringify(INSTANCE_KEY.map((k) => r[k]));

/** What the best-known table says of an instance (the report looks it up by id). */
export interface KnownReference {
  best_cost_usd: number;
  proven: boolean;
  best_bound_usd: number;
  /** The bound is only the per-type relaxation (a heuristic row's). */
  bound_relaxation: boolean;
}

export type KnownLookup = (instanceId: string) => KnownReference | undefined;

function exactReferences(rows: readonly Row[], known: KnownLookup): Map<string, ExactReference> {
  const refs = new Map<string, ExactReference>();
  for (const group of groupBy(rows, INSTANCE_KEY)) {
    const exact = group.filter((r) => r.solver_kind === 'exact');
    // An uncensored time beats a censored one of equal length: it is a measurement, not a bound.
    const fastest = exact.filter(isTimed).sort((a, b) => num(a.solve_time_s)! - num(b.solve_time_s)! || +isCensored(a) - +isCensored(b))[0];
    const optima = values(exact.filter((r) => r.status === 'optimal'), 'cost_usd');
    const bounds = values(group, 'bound_usd');
    const exactBounds = values(exact, 'bound_usd');
    const runBound = bounds.length ? Math.max(...bounds) : null;
    let ref: ExactReference = {
      time_s: fastest ? num(fastest.solve_time_s) : null,
      time_censored: fastest ? isCensored(fastest) : false,
      optimum_usd: optima.length ? Math.min(...optima) : null,
      bound_usd: runBound,
      bound_relaxation: runBound !== null && !(exactBounds.length && Math.max(...exactBounds) >= runBound),
    };
    // Nominal instances only: a plan made with headroom solved another instance.
    const entry = (num(group[0].headroom) ?? 0) > 0 ? undefined : known(String(group[0].instance_id));
    if (entry) ref = withKnown(ref, entry);
    refs.set(instanceKey(group[0]), ref);
  }
  return refs;
}

/** A run's own references, improved by the best-known table's: a proven optimum, a higher bound. */
function withKnown(ref: ExactReference, e: KnownReference): ExactReference {
  const out = { ...ref };
  if (e.proven) out.optimum_usd = Math.min(ref.optimum_usd ?? Infinity, e.best_cost_usd);
  if (ref.bound_usd === null || e.best_bound_usd > ref.bound_usd) {
    out.bound_usd = e.best_bound_usd;
    out.bound_relaxation = e.bound_relaxation;
  }
  return out;
}

/**
 * What a gap is measured against: a proven optimum (a gap), or only a lower bound — an exact
 * solver's or the per-type relaxation's — which makes it an upper bound on the gap ("≤").
 */
export type GapReference = 'optimum' | 'solver_bound' | 'relaxation';

interface Gap {
  gap: number;
  against: GapReference;
}

/**
 * Gap of a feasible plan against the proven optimum, else against the best bound (an upper bound
 * on the gap). Only for plans made without headroom: a plan made with θ > 0 solved another
 * instance, and its nominal cost above the nominal optimum is the price of its headroom, not a gap.
 *
 * The reference of each gap is kept, so that summaries average only gaps against optima and show
 * "≤" gaps apart (summariseGaps). The best-known table enters through the references
 * (withKnown): its proven optima certify gaps, its bounds tighten "≤" ones.
 */
function gapOf(r: Row, ref: ExactReference | undefined): Gap | null {
  const cost = num(r.cost_usd);
  if (r.feasible !== true || cost === null || !ref || (num(r.headroom) ?? 0) > 0) return null;
  if (ref.optimum_usd !== null && ref.optimum_usd > 0) return { gap: (cost - ref.optimum_usd) / ref.optimum_usd, against: 'optimum' };
  if (ref.bound_usd !== null && ref.bound_usd > 0) return { gap: (cost - ref.bound_usd) / ref.bound_usd, against: ref.bound_relaxation ? 'relaxation' : 'solver_bound' };
  return null;
}

/**
 * The gap columns of a group: mean and max over gaps against proven optima only; gaps against a
 * bound only are upper bounds, never averaged with those, and reported apart (count, largest,
 * and whether some bound is only the weak per-type relaxation).
 */
function summariseGaps(gaps: readonly Gap[]): Row {
  const certified = gaps.filter((g) => g.against === 'optimum').map((g) => g.gap);
  const bounded = gaps.filter((g) => g.against !== 'optimum');
  return {
    gap_instances: certified.length,
    gap_mean: mean(certified),
    gap_max: max(certified),
    gap_bound_instances: bounded.length,
    gap_bound_max: max(bounded.map((g) => g.gap)),
    gap_bound_relaxation: bounded.some((g) => g.against === 'relaxation'),
  };
}

interface Speedup {
  speedup: number;
  censored: boolean;
}

function speedupOf(r: Row, ref: ExactReference | undefined): Speedup | null {
  const t = num(r.solve_time_s);
  if (r.solver_kind !== 'heuristic' || !isTimed(r) || !t || !ref || ref.time_s === null) return null;
  return { speedup: ref.time_s / t, censored: ref.time_censored };
}

/** "family=count" for every family some row breaks, in the evaluator's order. */
function familyCounts(rows: readonly Row[]): string {
  const lists = rows.map((r) => String(r.violated_families ?? '').split(';'));
  return CONSTRAINT_FAMILIES.map((f) => [f, lists.filter((l) => l.includes(f)).length] as const)
    .filter(([, n]) => n > 0)
    .map(([f, n]) => `${f}=${n}`)
    .join(';');
}

/** A raw row as a run to charge for its time (sgm.ts): failed when it errored or has no plan. */
export function timedRun(r: Row): TimedRun {
  return { time_s: num(r.solve_time_s), failed: r.status === 'error' || r.has_plan !== true, time_limit_s: num(r.time_limit_s) };
}

/** The SGM columns of a group (every row, failures charged at their time limit). */
function sgmColumns(rows: readonly Row[]): Row {
  const times = chargedTimes(rows.map(timedRun));
  return {
    solve_time_sgm10_s: times && shiftedGeometricMean(times, SGM_SHIFTS_S.exact),
    solve_time_sgm1_s: times && shiftedGeometricMean(times, SGM_SHIFTS_S.heuristic),
  };
}

function summariseSolveGroup(rows: Row[], refs: Map<string, ExactReference>): Row {
  const speedups = rows.map((r) => speedupOf(r, refs.get(instanceKey(r)))).filter((s): s is Speedup => s !== null);
  const gaps = rows.map((r) => gapOf(r, refs.get(instanceKey(r)))).filter((g): g is Gap => g !== null);
  const ratios = speedups.map((s) => s.speedup);
  return {
    ...keyOf('solve', rows),
    // An errored cell's time and partial figures say nothing about the solver: statistics skip it.
    ...statistics('solve', rows.filter((r) => r.status !== 'error')),
    rows: rows.length,
    ...Object.fromEntries(SOLVE_STATUSES.map((s) => [`${s}_count`, rows.filter((r) => r.status === s).length])),
    time_cap_hit_count: rows.filter((r) => r.time_cap_hit === true).length,
    ...sgmColumns(rows),
    solve_time_censored: rows.filter(isTimed).some(isCensored),
    speedup_pairs: speedups.length,
    speedup_geomean: geomean(ratios),
    speedup_median: median(ratios),
    speedup_censored: speedups.some((s) => s.censored),
    ...summariseGaps(gaps),
    feasible_share: rows.filter((r) => r.feasible === true).length / rows.length,
    violated_families: familyCounts(rows),
  };
}

// ─── rolling runs (E5) ───────────────────────────────────────────────────────────────────────

/**
 * A day that ran although some solve stopped at its time limit or cap: its plans (the solver's
 * incumbents) ran and were scored, so it counts in the statistics, marked like E1–E4's
 * time-limited solves.
 */
const isTimeLimitedDay = (r: Row) => r.status === 'time_limit_feasible' && num(r.day_cost_usd) !== null;

function summariseRollingGroup(rows: Row[]): Row {
  const completed = rows.filter((r) => r.status === 'completed');
  const limited = rows.filter(isTimeLimitedDay);
  return {
    ...keyOf('rolling', rows),
    ...statistics('rolling', [...completed, ...limited]),
    paths: rows.length,
    completed_count: completed.length,
    time_limit_count: limited.length,
    failed_count: rows.length - completed.length - limited.length,
  };
}

/** The summary rows of a run's raw rows (decoded with the raw columns of `kind`). */
export function summarise(kind: CellKind, raw: readonly Row[], known: KnownLookup = () => undefined): Row[] {
  if (kind === 'solve') {
    const refs = exactReferences(raw, known);
    const groups = groupBy(raw, keyColumns('solve'));
    return sortGroups(groups.map((g) => summariseSolveGroup(g, refs)), 'kappa');
  }
  return sortGroups(groupBy(raw, keyColumns('rolling')).map(summariseRollingGroup), 'sigma');
}
