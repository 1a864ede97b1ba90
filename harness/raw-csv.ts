/**
 * raw.csv: append-only while a sweep runs (each cell's rows in one write, then fsync, so a
 * SIGKILL loses at most the cells in flight), rewritten atomically in canonical order at the end.
 * Every record is one line — line breaks inside values are flattened — so a line without its
 * final newline is exactly the partial record of an interrupted write.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { InputError } from '../solvers/problem/errors.ts';
import { writeFileAtomic } from '../solvers/problem/files.ts';
import type { ColumnDef } from './columns.ts';

export type RawValue = string | number | boolean | null | undefined;
/** A row as computed: typed values, missing or null meaning "not applicable". */
export type RawRow = Record<string, RawValue>;
/** A row as stored: every column present, encoded as in columns.ts. */
export type StoredRow = Record<string, string>;

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
  /** Bytes of an unterminated last line that were dropped (an interrupted write). */
  droppedPartialBytes: number;
}

/** Reads a raw.csv, checking its header against `columns`; a missing file reads as empty. */
export function readRawCsv(path: string, columns: readonly ColumnDef[]): RawFile {
  if (!existsSync(path)) return { rows: [], droppedPartialBytes: 0 };
  let text = readFileSync(path, 'utf8');
  const end = text.lastIndexOf('\n') + 1;
  const droppedPartialBytes = Buffer.byteLength(text.slice(end));
  text = text.slice(0, end);
  if (text === '') return { rows: [], droppedPartialBytes };
  const records: string[][] = parse(text, { relax_column_count: false });
  const expected = columns.map((c) => c.name);
  if (records[0].join(',') !== expected.join(',')) {
    throw new InputError(`${path}: its header does not match the raw columns of this kind of run (harness/columns.ts); was it written by another version?`);
  }
  const rows = records.slice(1).map((rec) => Object.fromEntries(expected.map((n, i) => [n, rec[i]])));
  return { rows, droppedPartialBytes };
}

/** Replaces the file with exactly these rows (atomic). */
export function writeRawCsv(path: string, columns: readonly ColumnDef[], rows: readonly StoredRow[]): void {
  writeFileAtomic(path, toCsv(rows, columns, true));
}

/** Appends rows to a raw.csv whose header is already in place (see `writeRawCsv`). */
export class RawCsvAppender {
  private readonly fd: number;

  constructor(path: string, private readonly columns: readonly ColumnDef[]) {
    this.fd = openSync(path, 'a');
  }

  /** One write and one fsync per call: the rows of a cell land together or not at all. */
  append(rows: readonly StoredRow[]): void {
    if (rows.length === 0) return;
    writeSync(this.fd, toCsv(rows, this.columns, false));
    fsyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}
