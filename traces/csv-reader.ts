// Streaming reader for the Azure LLM/LMM inference trace CSVs. Memory stays bounded by one
// stream chunk: the 2024 one-week traces have 17–27 million rows each.
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { InputError } from '../lib/errors.ts';

/** One request of a trace. `t_ms` is epoch milliseconds (UTC), sub-millisecond digits kept. */
export interface TraceRow {
  t_ms: number;
  context: number;
  generated: number;
  /** Only in the 2025 multimodal schema. */
  images?: number;
}

/**
 * The trace release a file follows. 2023 and 2024 share their columns and differ only in the
 * timestamp style (7 fractional digits vs. a `+00:00` offset), so the first valid row decides.
 */
export type SchemaYear = 2023 | 2024 | 2025;

/** A trace given as a stream; `name` is what error messages call it. */
export interface TraceStream {
  name: string;
  stream: Readable;
}

/** A file path or an already-open stream. */
export type TraceInput = string | TraceStream;

export interface ReadOptions {
  /** Count malformed rows (keeping the first few messages) instead of throwing on the first. */
  skipBadRows?: boolean;
  /** Keep rows dated before an earlier row (counted in `unordered_rows`) instead of refusing them. */
  allowUnordered?: boolean;
}

export interface ReadSummary {
  file: string;
  schema_year: SchemaYear;
  rows: number;
  bad_rows: number;
  /** The messages of the first MAX_BAD_EXAMPLES bad rows. */
  bad_examples: string[];
  /** Rows kept though dated before an earlier row (with `allowUnordered`). */
  unordered_rows: number;
}

export const HEADER_2023 = 'TIMESTAMP,ContextTokens,GeneratedTokens';
export const HEADER_2025 = 'TIMESTAMP,NumImages,ContextTokens,GeneratedTokens';
const MAX_BAD_EXAMPLES = 5;
const TIMESTAMP_FORMAT = 'YYYY-MM-DD HH:MM:SS[.fraction][Z|+HH:MM]';
/**
 * The longest span one trace may cover. The official traces cover an hour to a week; the
 * calibration bins arrivals per minute over the whole span, so one stray date (0001-01-01) would
 * otherwise allocate gigabytes.
 */
export const MAX_TRACE_SPAN_DAYS = 366;
const MAX_SPAN_MS = MAX_TRACE_SPAN_DAYS * 86_400_000;
/**
 * The longest line read (a trace row is under 100 characters): input without line breaks, such
 * as /dev/zero or a binary file, would otherwise be buffered whole.
 */
export const MAX_LINE_CHARS = 65_536;
/** How much of a bad field a message quotes. */
const MAX_QUOTED_CHARS = 200;

/**
 * Streams a trace and calls `onRow` for every valid row, in file order. Throws InputError on an
 * unknown header, an unreadable file or (without `skipBadRows`) the first malformed row.
 */
export async function readTrace(
  input: TraceInput,
  onRow: (row: TraceRow) => void,
  opts: ReadOptions = {},
): Promise<ReadSummary> {
  const { name, stream } = typeof input === 'string'
    ? { name: input, stream: createReadStream(input, { highWaterMark: 1 << 20 }) }
    : input;
  const parser = new LineParser(name, opts, onRow);
  stream.setEncoding('utf8');
  let rest = '';
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const text = rest + chunk;
      let start = 0;
      let nl: number;
      while ((nl = text.indexOf('\n', start)) !== -1) {
        parser.line(text, start, nl);
        start = nl + 1;
      }
      rest = text.slice(start);
      if (rest.length > MAX_LINE_CHARS) {
        throw new InputError(`${name}, line ${parser.lineNumber + 1}: longer than ${MAX_LINE_CHARS} characters without a line break; expected a CSV trace (rows of a few dozen characters)`);
      }
    }
  } catch (err) {
    stream.destroy();
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') {
      throw new InputError(`cannot read trace file ${name}: ${code}`);
    }
    throw err;
  }
  if (rest.length > 0) parser.line(rest, 0, rest.length);
  return parser.finish();
}

/**
 * Turns lines into rows. A hand-rolled splitter rather than csv-parse: the traces are plain
 * unquoted CSV, and on a 2 M-row synthetic trace csv-parse alone managed 183k rows/s (105k with
 * the `info` needed for line numbers) against ~1M rows/s for this reader, timestamps included.
 */
class LineParser {
  private lineNo = 0;
  get lineNumber(): number {
    return this.lineNo;
  }
  private columnNames: string[] = [];
  private schema: SchemaYear | undefined;
  private rows = 0;
  private badRows = 0;
  private readonly badExamples: string[] = [];
  private unorderedRows = 0;
  /** Timestamp of the first valid row, the earliest and the latest one so far (with its line). */
  private firstT = NaN;
  private earliestT = Infinity;
  private latestT = -Infinity;
  private latestLine = 0;
  /** Start of each field of the current line, and one past the end of the last (end + 1). */
  private readonly bounds = [0, 0, 0, 0, 0];

  constructor(
    private readonly name: string,
    private readonly opts: ReadOptions,
    private readonly onRow: (row: TraceRow) => void,
  ) {}

  line(text: string, start: number, end: number): void {
    this.lineNo++;
    if (end > start && text.charCodeAt(end - 1) === 13) end--; // CRLF files
    if (this.lineNo === 1) return this.header(text.slice(start, end));
    if (end === start) return; // blank lines, e.g. a trailing one, carry no request
    // Field bounds by index: no substrings or arrays per row unless the row is bad.
    const columns = this.columnNames.length;
    const bounds = this.bounds;
    bounds[0] = start;
    let fields = 1;
    for (let p = text.indexOf(',', start); p !== -1 && p < end; p = text.indexOf(',', p + 1)) {
      if (fields < columns) bounds[fields] = p + 1;
      fields++;
    }
    if (fields !== columns) {
      return this.bad(`expected ${columns} columns (${this.columnNames}), got ${fields}`);
    }
    bounds[columns] = end + 1;
    const t_ms = parseTimestamp(text, start, bounds[1] - 1);
    if (Number.isNaN(t_ms)) return this.bad(`TIMESTAMP: expected ${TIMESTAMP_FORMAT}`, text, 0);
    const shift = columns - 3; // NumImages, when present, comes before the token columns
    const images = shift === 1 ? parseCount(text, bounds[1], bounds[2] - 1) : 0;
    const context = parseCount(text, bounds[1 + shift], bounds[2 + shift] - 1);
    const generated = parseCount(text, bounds[2 + shift], bounds[3 + shift] - 1);
    const badColumn = images < 0 ? 1 : context < 0 ? 1 + shift : generated < 0 ? 2 + shift : 0;
    if (badColumn !== 0) {
      const column = this.columnNames[badColumn];
      return this.bad(`${column}: expected a non-negative integer`, text, badColumn);
    }
    // Against the earliest and the latest row: with --allow-unordered, rows before the first one
    // could otherwise stretch the span to twice the limit.
    if (t_ms - this.earliestT > MAX_SPAN_MS || this.latestT - t_ms > MAX_SPAN_MS) {
      const other = t_ms < this.latestT ? `the latest row's ${iso(this.latestT)}` : `the earliest row's ${iso(this.earliestT)}`;
      return this.bad(`TIMESTAMP: more than ${MAX_TRACE_SPAN_DAYS} days from ${other}; expected one trace spanning at most ${MAX_TRACE_SPAN_DAYS} days`, text, 0);
    }
    if (t_ms < this.earliestT) this.earliestT = t_ms;
    if (t_ms < this.latestT) {
      if (!this.opts.allowUnordered) {
        return this.bad(`TIMESTAMP: earlier than line ${this.latestLine} (${iso(this.latestT)}); expected rows in time order (--allow-unordered keeps such rows)`, text, 0);
      }
      this.unorderedRows++;
    } else {
      this.latestT = t_ms;
      this.latestLine = this.lineNo;
    }
    if (Number.isNaN(this.firstT)) this.firstT = t_ms;
    this.schema ??= shift === 1 ? 2025 : hasOffset(text, bounds[1] - 1) ? 2024 : 2023;
    this.rows++;
    this.onRow(shift === 1 ? { t_ms, context, generated, images } : { t_ms, context, generated });
  }

  finish(): ReadSummary {
    if (this.lineNo === 0) this.header('');
    return {
      file: this.name,
      schema_year: this.schema ?? (this.columnNames.length === 4 ? 2025 : 2023),
      rows: this.rows,
      bad_rows: this.badRows,
      bad_examples: this.badExamples,
      unordered_rows: this.unorderedRows,
    };
  }

  private header(line: string): void {
    const header = line.replace(/^\uFEFF/, '');
    if (header !== HEADER_2023 && header !== HEADER_2025) {
      throw new InputError(
        `${this.name}, line 1: expected the header "${HEADER_2023}" or "${HEADER_2025}", ` +
          `got "${header.slice(0, 80)}"`,
      );
    }
    this.columnNames = header.split(',');
  }

  /** Reports a bad row; with `text`, the message quotes field `column` of the current line. */
  private bad(message: string, text?: string, column = 0): void {
    const field = text === undefined ? '' : text.slice(this.bounds[column], this.bounds[column + 1] - 1);
    const quoted = field.length > MAX_QUOTED_CHARS ? `${field.slice(0, MAX_QUOTED_CHARS)}… (${field.length} characters)` : field;
    const got = text === undefined ? '' : `, got "${quoted}"`;
    const full = `${this.name}, line ${this.lineNo}: ${message}${got}`;
    if (!this.opts.skipBadRows) throw new InputError(full);
    this.badRows++;
    if (this.badExamples.length < MAX_BAD_EXAMPLES) this.badExamples.push(full);
  }
}

function iso(t_ms: number): string {
  return new Date(t_ms).toISOString();
}

/**
 * The non-negative decimal integer in s[start, end), or -1. Hand-rolled: it runs on every field
 * of every row.
 */
function parseCount(s: string, start = 0, end = s.length): number {
  if (end <= start || end - start > 15) return -1; // 15 digits stay exact in a double
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = s.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** The `width`-digit number at s[i], or -1. */
function digits(s: string, i: number, width: number): number {
  let n = 0;
  for (let k = i; k < i + width; k++) {
    const d = s.charCodeAt(k) - 48; // NaN past the end of the string fails the test too
    if (!(d >= 0 && d <= 9)) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Milliseconds per unit of a `width`-digit fraction: multiply (exact) up to 3, divide after. */
const FRACTION_SCALE = [0, 100, 10, 1, 10, 100, 1e3, 1e4, 1e5, 1e6];
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const [DASH, COLON, DOT, SPACE, PLUS, MINUS, T, Z] = [...'-:. +-TZ'].map((c) => c.charCodeAt(0));

/**
 * Epoch milliseconds of the timestamp in s[start, end): `2023-11-16 18:17:03.9799600` (UTC) or
 * `2024-05-10 00:00:00.009930+00:00` (also `T` for the space, 1–9 fractional digits, `Z`), with
 * digits beyond milliseconds kept in the float; NaN if unparsable. Parsed by position rather than
 * with a regex and Date.UTC per call: this is most of the reader's time on large traces.
 */
function parseTimestamp(s: string, start = 0, end = s.length): number {
  // No helper closure here: tsx wraps every closure creation in a naming call, per row.
  const sep = s.charCodeAt(start + 10);
  if (end - start < 19 || s.charCodeAt(start + 4) !== DASH || s.charCodeAt(start + 7) !== DASH ||
      (sep !== SPACE && sep !== T) || s.charCodeAt(start + 13) !== COLON ||
      s.charCodeAt(start + 16) !== COLON) {
    return NaN;
  }
  const year = digits(s, start, 4), month = digits(s, start + 5, 2), day = digits(s, start + 8, 2);
  const hour = digits(s, start + 11, 2);
  const minute = digits(s, start + 14, 2);
  const second = digits(s, start + 17, 2);
  if ((year | hour | minute | second) < 0 || hour > 23 || minute > 59 || second > 59) return NaN;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (month < 1 || month > 12 || day < 1) return NaN;
  if (day > (month === 2 && !leap ? 28 : DAYS_IN_MONTH[month - 1])) return NaN;
  let t = dayStartMs(year, month, day) + ((hour * 60 + minute) * 60 + second) * 1000;
  let i = start + 19;
  if (i < end && s.charCodeAt(i) === DOT) {
    let frac = 0;
    let j = i + 1;
    for (let d: number; j < end && (d = s.charCodeAt(j) - 48) >= 0 && d <= 9; j++) frac = frac * 10 + d;
    const width = j - i - 1;
    if (width === 0 || width > 9) return NaN;
    t += width <= 3 ? frac * FRACTION_SCALE[width] : frac / FRACTION_SCALE[width];
    i = j;
  }
  if (i === end) return t;
  if (s.charCodeAt(i) === Z) return i + 1 === end ? t : NaN;
  const sign = s.charCodeAt(i);
  const oh = digits(s, i + 1, 2), om = digits(s, i + 4, 2);
  if ((sign !== PLUS && sign !== MINUS) || end - i !== 6 || s.charCodeAt(i + 3) !== COLON ||
      oh < 0 || oh > 23 || om < 0 || om > 59) {
    return NaN;
  }
  return t - (sign === MINUS ? -1 : 1) * (oh * 60 + om) * 60_000;
}

/** Date.UTC of a day, remembering the last one: consecutive rows nearly always share it. */
let lastDayKey = -1;
let lastDayMs = 0;
function dayStartMs(year: number, month: number, day: number): number {
  const key = (year * 100 + month) * 100 + day;
  if (key !== lastDayKey) {
    lastDayKey = key;
    // Date.UTC reads years 0–99 as 1900–1999; setUTCFullYear takes them as given.
    lastDayMs = year >= 100 ? Date.UTC(year, month - 1, day) : new Date(0).setUTCFullYear(year, month - 1, day);
  }
  return lastDayMs;
}

/** Whether the (valid) timestamp ending at `end` carries a zone: `Z` or `±HH:MM`. */
function hasOffset(s: string, end: number): boolean {
  const sign = s.charCodeAt(end - 6);
  return s.charCodeAt(end - 1) === Z || (s.charCodeAt(end - 3) === COLON && (sign === PLUS || sign === MINUS));
}
