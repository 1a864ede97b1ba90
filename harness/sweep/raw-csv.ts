/**
 * raw.csv: append-only while a sweep runs (each cell's rows in one write, then fsync, so a
 * SIGKILL loses at most the cells in flight), rewritten atomically in canonical order at the end.
 * Every record is one line — line breaks inside values are flattened — so a line without its
 * final newline is exactly the partial record of an interrupted write.
 */
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { InputError } from '../../lib/errors.ts';
import { writeAll, writeFileAtomic } from '../../lib/files.ts';
import type { ColumnDef, StoredRow } from './columns.ts';
import { legacyFormat } from './legacy-raw.ts';

export type RawValue = string | number | boolean | null | undefined;
/** A row as computed: typed values, missing or null meaning "not applicable". */
export type RawRow = Record<string, RawValue>;
export type { StoredRow } from './columns.ts';

export function encodeRow(row: RawRow, columns: readonly ColumnDef[]): StoredRow {
  const out: StoredRow = {};
  for (const c of columns) out[c.name] = encodeValue(row[c.name]);
  return out;
}

function encodeValue(v: RawValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return v.replace(/\s*[\r\n]+\s*/g, ' ');
}

function toCsv(rows: readonly StoredRow[], columns: readonly ColumnDef[], header: boolean): string {
  const names = columns.map((c) => c.name);
  return stringify(rows.map((r) => names.map((n) => r[n])), { header, columns: names });
}

export interface RawFile {
  rows: StoredRow[];
  /** Bytes of a broken last line that were dropped (an interrupted or short write). */
  droppedPartialBytes: number;
}

/**
 * Reads a raw.csv, checking its header against `columns` (a file of the raw columns before
 * docs/model.md Revision 2 is read and its rows upgraded: harness/sweep/legacy-raw.ts); a missing file reads as empty. An
 * unterminated last line (an interrupted write) is always dropped; with `repairLastLine` (resume)
 * so is a malformed last line, e.g. a row cut short with the next one glued to it. Any other
 * malformed line is an InputError naming its line number.
 */
export function readRawCsv(path: string, columns: readonly ColumnDef[], opts: { repairLastLine?: boolean } = {}): RawFile {
  if (!existsSync(path)) return { rows: [], droppedPartialBytes: 0 };
  let text = readFileSync(path, 'utf8');
  const end = text.lastIndexOf('\n') + 1;
  let droppedPartialBytes = Buffer.byteLength(text.slice(end));
  text = text.slice(0, end);
  if (text === '') return { rows: [], droppedPartialBytes };
  const current = columns.map((c) => c.name);
  const lines = text.slice(0, -1).split('\n');
  const legacy = legacyFormat(columns);
  const header = (names: readonly string[]) => parseLine(lines[0], names.length)?.join(',') === names.join(',');
  const old = !header(current) && legacy && header(legacy.header) ? legacy : undefined;
  if (!header(current) && !old) {
    throw new InputError(`${path}: its header does not match the raw columns of this kind of run (harness/sweep/columns.ts); was it written by another version?`);
  }
  const expected = old ? old.header : current;
  const records = parseAll(text, lines.length, expected.length) ?? lines.slice(1).map((line) => parseLine(line, expected.length));
  const bad = records.findIndex((r) => r === null);
  if (bad >= 0 && opts.repairLastLine && bad === records.length - 1) {
    droppedPartialBytes += Buffer.byteLength(`${lines[lines.length - 1]}\n`);
    records.pop();
  } else if (bad >= 0) {
    const line = bad + 2;
    const tail = bad === records.length - 1 ? ' (a broken last line: --resume drops it)' : '';
    throw new InputError(`${path}:${line}: expected one record of ${expected.length} comma-separated fields (harness/sweep/columns.ts); the line is malformed${tail}`);
  }
  const rows = (records as string[][]).map((rec) => Object.fromEntries(expected.map((n, i) => [n, rec[i]])));
  return { rows: old ? rows.map(old.upgrade) : rows, droppedPartialBytes };
}

/**
 * Refuses a row that repeats another row's place in the grid (its cell and, within the cell, its κ
 * or its day): a line copied twice would be counted twice in every mean. `rows` are those of
 * `readRawCsv`, in file order, so row n is on line n + 2.
 */
export function refuseDuplicateRows(path: string, rows: readonly StoredRow[]): void {
  const first = new Map<string, number>();
  rows.forEach((r, n) => {
    const place = [r.cell_key, r.kappa ?? '', r.sigma ?? '', r.path ?? ''].join('/');
    const earlier = first.get(place);
    if (earlier !== undefined) {
      throw new InputError(`${path}:${n + 2}: repeats the row of line ${earlier + 2} (cell ${r.cell_key}); expected each cell's rows once — remove the repeated line`);
    }
    first.set(place, n);
  });
}

/** The records after the header when every one is well-formed (the usual case, in one pass), else null. */
function parseAll(text: string, lineCount: number, width: number): string[][] | null {
  try {
    const recs: string[][] = parse(text, { relax_column_count: true });
    return recs.length === lineCount && recs.every((r) => r.length === width) ? recs.slice(1) : null;
  } catch {
    return null;
  }
}

/** The fields of one CSV line, or null when it is not exactly one record of `width` fields. */
function parseLine(line: string, width: number): string[] | null {
  try {
    const recs: string[][] = parse(line, { relax_column_count: true });
    return recs.length === 1 && recs[0].length === width ? recs[0] : null;
  } catch {
    return null;
  }
}

/** Replaces the file with exactly these rows (atomic). */
export function writeRawCsv(path: string, columns: readonly ColumnDef[], rows: readonly StoredRow[]): void {
  writeFileAtomic(path, toCsv(rows, columns, true));
}

/** Appends rows to a raw.csv whose header is already in place (see `writeRawCsv`). */
export class RawCsvAppender {
  private readonly fd: number;

  /** `write` is `fs.writeSync` except in tests that inject a full disk. */
  constructor(private readonly path: string, private readonly columns: readonly ColumnDef[], private readonly write = writeSync) {
    this.fd = openSync(path, 'a');
  }

  /**
   * One write and one fsync per call: the rows of a cell land together or not at all. A failed
   * or short write (a full disk) is cut back off the file, so no partial row is left for the next
   * one to be glued to, and thrown: the cell is not counted as done.
   */
  append(rows: readonly StoredRow[]): void {
    if (rows.length === 0) return;
    const size = fstatSync(this.fd).size;
    try {
      writeAll(this.fd, Buffer.from(toCsv(rows, this.columns, false)), this.write);
      fsyncSync(this.fd);
    } catch (err) {
      try {
        ftruncateSync(this.fd, size);
      } catch {
        // the error below is the one to report; resume drops a broken last line anyway
      }
      const e = err as NodeJS.ErrnoException;
      throw Object.assign(new Error(`cannot append to ${this.path}: ${e.message}`), { code: e.code, syscall: 'write', path: this.path });
    }
  }

  close(): void {
    closeSync(this.fd);
  }
}
