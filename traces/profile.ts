// Trace calibration (docs/model.md §6): one streaming pass per trace CSV yields a small JSON profile,
// which is what instance generation reads instead of the raw third-party data.
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../lib/errors.ts';
import { parseJson } from '../lib/json.ts';
import { readTrace } from './csv-reader.ts';
import type { ReadSummary, SchemaYear, TraceInput, TraceRow } from './csv-reader.ts';

export const PROFILE_SCHEMA = 'llm-alloc-bench/profile@1';

/** Attribution the CC-BY 4.0 licence asks for, per trace release. */
export const CITATIONS: Record<SchemaYear, string> = {
  2023:
    'Patel et al., "Splitwise: Efficient generative LLM inference using phase splitting", ' +
    'ISCA 2024; data CC-BY 4.0, Azure Public Dataset',
  2024:
    'Stojkovic et al., "DynamoLLM: Designing LLM Inference Clusters for Performance and Energy ' +
    'Efficiency", HPCA 2025; data CC-BY 4.0, Azure Public Dataset',
  2025:
    'Qiu et al., "ModServe: Modality- and Stage-Aware Resource Disaggregation for Scalable ' +
    'Multimodal Model Serving", SoCC 2025; data CC-BY 4.0, Azure Public Dataset',
};
/** The citation of the 2023 traces behind the default profile. */
export const TRACE_CITATION = CITATIONS[2023];

export const DEFAULT_PROFILE_PATH = fileURLToPath(
  new URL('./profiles/azure-2023.json', import.meta.url),
);

export interface TokenStats {
  mean: number;
  p10: number;
  p50: number;
  p90: number;
  p99: number;
}

export interface SliceStats {
  share: number;
  count: number;
  mean_h: number;
  mean_f: number;
}

/** The f/h slices of §6 (h = context tokens, f = generated tokens; h = 0 counts as ≥ 0.5). */
export const SLICE_NAMES = ['lt_0_1', '0_1_to_0_5', 'ge_0_5'] as const;
export type SliceName = (typeof SLICE_NAMES)[number];

export interface ShapeCell extends SliceStats {
  /** floor(log2(max(h, 1))) */
  log2_h: number;
  /** floor(log2(max(f, 1))) */
  log2_f: number;
}

export interface Arrivals {
  /** Start of the first bin of both series; the last bins may be partial. */
  bin_origin: string;
  per_minute: number[];
  per_5_minutes: number[];
}

export interface TraceProfile {
  source: string;
  schema_year: SchemaYear;
  requests: number;
  bad_rows_skipped: number;
  first_timestamp: string;
  last_timestamp: string;
  duration_s: number;
  rate_per_hour: number;
  context_tokens: TokenStats;
  generated_tokens: TokenStats;
  slices: Record<SliceName, SliceStats>;
  arrivals: Arrivals;
  shape_grid: ShapeCell[];
}

export interface ProfileBundle {
  schema: typeof PROFILE_SCHEMA;
  created_by: string;
  citation: string;
  traces: Record<string, TraceProfile>;
}

export interface CalibrateOptions {
  skipBadRows?: boolean;
  allowUnordered?: boolean;
  createdBy?: string;
  /** Called after each trace is read, e.g. to show the bad rows that were skipped. */
  onTraceRead?: (role: string, summary: ReadSummary) => void;
}

const DEFAULT_CREATED_BY = 'llm-alloc-bench traces calibrate';

/** Calibrates every trace (one streaming pass each) into a bundle keyed by role. */
export async function calibrate(
  inputs: TraceInput[],
  opts: CalibrateOptions = {},
): Promise<ProfileBundle> {
  if (inputs.length === 0) throw new InputError('calibrate needs at least one trace CSV');
  const roles = assignRoles(inputs.map((i) => (typeof i === 'string' ? i : i.name)));
  const profiles: [string, TraceProfile][] = [];
  for (const [k, input] of inputs.entries()) {
    const acc = new TraceAccumulator();
    const summary = await readTrace(input, (row) => acc.add(row), {
      skipBadRows: opts.skipBadRows,
      allowUnordered: opts.allowUnordered,
    });
    opts.onTraceRead?.(roles[k], summary);
    profiles.push([roles[k], acc.profile(summary)]);
  }
  profiles.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const years = [...new Set(profiles.map(([, p]) => p.schema_year))].sort();
  return {
    schema: PROFILE_SCHEMA,
    created_by: opts.createdBy ?? DEFAULT_CREATED_BY,
    citation: years.map((y) => CITATIONS[y]).join(' | '),
    traces: Object.fromEntries(profiles),
  };
}

/** `code` / `conv` by file name (as §6 feeds types from them), else the name sans extension. */
export function assignRoles(names: string[]): string[] {
  const roles = names.map((n) => {
    const base = basename(n);
    return /code/i.test(base) ? 'code' : /conv/i.test(base) ? 'conv' : basename(base, extname(base));
  });
  for (const [k, role] of roles.entries()) {
    const first = roles.indexOf(role);
    if (first !== k) {
      throw new InputError(
        `traces ${names[first]} and ${names[k]} would both be profiled as "${role}"; ` +
          'expected at most one trace per role',
      );
    }
  }
  return roles;
}

/** Integer histogram: memory grows with distinct values, not rows, and quantiles are exact. */
class Histogram {
  private readonly counts = new Map<number, number>();
  private sum = 0;
  private n = 0;

  add(v: number): void {
    this.counts.set(v, (this.counts.get(v) ?? 0) + 1);
    this.sum += v;
    this.n++;
  }

  /** Nearest-rank quantiles: the smallest value with at least ⌈p·n⌉ observations ≤ it. */
  stats(): TokenStats {
    const values = [...this.counts.keys()].sort((a, b) => a - b);
    const ps = [0.1, 0.5, 0.9, 0.99];
    const qs: number[] = [];
    let cum = 0;
    for (const v of values) {
      cum += this.counts.get(v)!;
      while (qs.length < ps.length && cum >= Math.max(1, Math.ceil(ps[qs.length] * this.n))) {
        qs.push(v);
      }
    }
    return { mean: sig6(this.sum / this.n), p10: qs[0], p50: qs[1], p90: qs[2], p99: qs[3] };
  }
}

/** Count and token sums of a group of requests. */
class Group {
  count = 0;
  sumH = 0;
  sumF = 0;

  add(h: number, f: number): void {
    this.count++;
    this.sumH += h;
    this.sumF += f;
  }

  stats(total: number): SliceStats {
    if (this.count === 0) return { share: 0, count: 0, mean_h: 0, mean_f: 0 };
    return {
      share: sig6(this.count / total),
      count: this.count,
      mean_h: sig6(this.sumH / this.count),
      mean_f: sig6(this.sumF / this.count),
    };
  }
}

const MINUTE_MS = 60_000;

class TraceAccumulator {
  private readonly context = new Histogram();
  private readonly generated = new Histogram();
  private readonly slices = SLICE_NAMES.map(() => new Group());
  /**
   * The "quantile grid" option of §7 for the types beyond the named six: fixed log2 cells of
   * (h, f) rather than seeded k-means, because it needs a single pass and memory bounded by the
   * number of cells (≤ ~40²), and is deterministic with no seed or iteration count to document.
   * Keyed by log2_h · 64 + log2_f.
   */
  private readonly grid = new Map<number, Group>();
  /** Requests per minute since the first row's timestamp (negative for earlier rows). */
  private readonly perMinute = new Map<number, number>();
  private t0 = NaN;
  private tMin = Infinity;
  private tMax = -Infinity;
  private n = 0;

  add(row: TraceRow): void {
    const h = row.context, f = row.generated;
    this.n++;
    this.context.add(h);
    this.generated.add(f);
    // f/h < 0.1 ⇔ 10f < h for integers, with no division and h = 0 falling into ≥ 0.5.
    this.slices[10 * f < h ? 0 : 2 * f < h ? 1 : 2].add(h, f);
    const key = floorLog2(h) * 64 + floorLog2(f);
    let cell = this.grid.get(key);
    if (cell === undefined) this.grid.set(key, (cell = new Group()));
    cell.add(h, f);
    const t = row.t_ms;
    if (this.n === 1) this.t0 = t;
    if (t < this.tMin) this.tMin = t;
    if (t > this.tMax) this.tMax = t;
    const minute = Math.floor((t - this.t0) / MINUTE_MS);
    this.perMinute.set(minute, (this.perMinute.get(minute) ?? 0) + 1);
  }

  profile(summary: ReadSummary): TraceProfile {
    const duration_s = Math.round(this.tMax - this.tMin) / 1000;
    if (this.n === 0 || duration_s <= 0) {
      throw new InputError(
        `${summary.file}: expected at least two requests with different timestamps to measure ` +
          `a rate, got ${this.n} request(s)`,
      );
    }
    return {
      source: basename(summary.file),
      schema_year: summary.schema_year,
      requests: this.n,
      bad_rows_skipped: summary.bad_rows,
      first_timestamp: new Date(this.tMin).toISOString(),
      last_timestamp: new Date(this.tMax).toISOString(),
      duration_s,
      rate_per_hour: sig6((this.n / duration_s) * 3600),
      context_tokens: this.context.stats(),
      generated_tokens: this.generated.stats(),
      slices: {
        lt_0_1: this.slices[0].stats(this.n),
        '0_1_to_0_5': this.slices[1].stats(this.n),
        ge_0_5: this.slices[2].stats(this.n),
      },
      arrivals: this.arrivals(),
      shape_grid: this.shapeGrid(),
    };
  }

  /** Both series start at the same 5-minute boundary so that one origin serves them. */
  private arrivals(): Arrivals {
    let first = Infinity;
    let last = -Infinity;
    for (const m of this.perMinute.keys()) {
      first = Math.min(first, m);
      last = Math.max(last, m);
    }
    first = Math.floor(first / 5) * 5;
    const perMinute = new Array<number>(last - first + 1).fill(0);
    const per5 = new Array<number>(Math.floor(last / 5) - first / 5 + 1).fill(0);
    for (const [m, c] of this.perMinute) {
      perMinute[m - first] += c;
      per5[Math.floor(m / 5) - first / 5] += c;
    }
    return {
      bin_origin: new Date(this.t0 + first * MINUTE_MS).toISOString(),
      per_minute: perMinute,
      per_5_minutes: per5,
    };
  }

  private shapeGrid(): ShapeCell[] {
    const cells = [...this.grid].map(([key, g]): ShapeCell => ({
      log2_h: Math.floor(key / 64),
      log2_f: key % 64,
      ...g.stats(this.n),
    }));
    return cells.sort(
      (a, b) => b.count - a.count || a.log2_h - b.log2_h || a.log2_f - b.log2_f,
    );
  }
}

function floorLog2(v: number): number {
  return v <= 1 ? 0 : v < 2 ** 32 ? 31 - Math.clz32(v) : Math.floor(Math.log2(v));
}

/** Six significant digits: enough for rates and token means, and stable across platforms. */
function sig6(x: number): number {
  return Number(x.toPrecision(6));
}

/** Reads and validates a bundle; errors name the file and the offending field. */
export function loadProfileBundle(path: string): ProfileBundle {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError(`cannot load profile ${path}: ${(err as Error).message}`);
  }
  const data = parseJson(text, `cannot load profile ${path}`);
  const v = new Validator(path);
  const root = v.object(data, '');
  if (root.schema !== PROFILE_SCHEMA) v.fail('schema', `"${PROFILE_SCHEMA}"`, root.schema);
  v.string(root.created_by, 'created_by');
  v.string(root.citation, 'citation');
  const traces = v.object(root.traces, 'traces');
  if (Object.keys(traces).length === 0) v.fail('traces', 'at least one trace', traces);
  for (const [role, t] of Object.entries(traces)) validateTrace(v, t, `traces.${role}`);
  return data as ProfileBundle;
}

function validateTrace(v: Validator, data: unknown, at: string): void {
  const t = v.object(data, at);
  v.string(t.source, `${at}.source`);
  if (![2023, 2024, 2025].includes(t.schema_year as number)) {
    v.fail(`${at}.schema_year`, '2023, 2024 or 2025', t.schema_year);
  }
  v.count(t.requests, `${at}.requests`);
  v.count(t.bad_rows_skipped, `${at}.bad_rows_skipped`);
  v.timestamp(t.first_timestamp, `${at}.first_timestamp`);
  v.timestamp(t.last_timestamp, `${at}.last_timestamp`);
  v.positive(t.duration_s, `${at}.duration_s`);
  v.positive(t.rate_per_hour, `${at}.rate_per_hour`);
  for (const key of ['context_tokens', 'generated_tokens']) {
    const s = v.object(t[key], `${at}.${key}`);
    v.nonNegative(s.mean, `${at}.${key}.mean`);
    for (const q of ['p10', 'p50', 'p90', 'p99']) v.count(s[q], `${at}.${key}.${q}`);
  }
  const slices = v.object(t.slices, `${at}.slices`);
  for (const name of SLICE_NAMES) validateGroup(v, slices[name], `${at}.slices.${name}`);
  const arrivals = v.object(t.arrivals, `${at}.arrivals`);
  v.timestamp(arrivals.bin_origin, `${at}.arrivals.bin_origin`);
  for (const key of ['per_minute', 'per_5_minutes']) {
    v.array(arrivals[key], `${at}.arrivals.${key}`).forEach((c, i) =>
      v.count(c, `${at}.arrivals.${key}[${i}]`),
    );
  }
  v.array(t.shape_grid, `${at}.shape_grid`).forEach((cell, i) => {
    const c = validateGroup(v, cell, `${at}.shape_grid[${i}]`);
    v.count(c.log2_h, `${at}.shape_grid[${i}].log2_h`);
    v.count(c.log2_f, `${at}.shape_grid[${i}].log2_f`);
  });
}

function validateGroup(v: Validator, data: unknown, at: string): Record<string, unknown> {
  const g = v.object(data, at);
  v.nonNegative(g.share, `${at}.share`);
  v.count(g.count, `${at}.count`);
  v.nonNegative(g.mean_h, `${at}.mean_h`);
  v.nonNegative(g.mean_f, `${at}.mean_f`);
  return g;
}

class Validator {
  constructor(private readonly file: string) {}

  fail(field: string, expected: string, got: unknown): never {
    const shown = JSON.stringify(got)?.slice(0, 60) ?? 'nothing';
    throw new InputError(
      `profile ${this.file}: field ${field || '(root)'}: expected ${expected}, got ${shown}`,
    );
  }

  object(x: unknown, at: string): Record<string, unknown> {
    if (typeof x !== 'object' || x === null || Array.isArray(x)) this.fail(at, 'an object', x);
    return x as Record<string, unknown>;
  }

  array(x: unknown, at: string): unknown[] {
    if (!Array.isArray(x)) this.fail(at, 'an array', x);
    return x;
  }

  string(x: unknown, at: string): void {
    if (typeof x !== 'string' || x === '') this.fail(at, 'a non-empty string', x);
  }

  timestamp(x: unknown, at: string): void {
    if (typeof x !== 'string' || Number.isNaN(Date.parse(x))) this.fail(at, 'an ISO timestamp', x);
  }

  count(x: unknown, at: string): void {
    if (!Number.isSafeInteger(x) || (x as number) < 0) this.fail(at, 'a non-negative integer', x);
  }

  nonNegative(x: unknown, at: string): void {
    if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) {
      this.fail(at, 'a non-negative number', x);
    }
  }

  positive(x: unknown, at: string): void {
    if (typeof x !== 'number' || !Number.isFinite(x) || x <= 0) this.fail(at, 'a positive number', x);
  }
}
