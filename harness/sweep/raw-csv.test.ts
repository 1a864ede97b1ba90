// raw.csv under a full disk: a row is written whole or not at all, a broken last line is repaired
// on resume, and a broken middle line is reported with its line number.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../lib/errors.ts';
import { RAW_COLUMNS } from './columns.ts';
import { RawCsvAppender, readRawCsv, writeRawCsv, type StoredRow } from './raw-csv.ts';

const COLUMNS = RAW_COLUMNS.solve;
const dir = mkdtempSync(join(tmpdir(), 'raw-csv-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const row = (key: string): StoredRow => Object.fromEntries(COLUMNS.map((c) => [c.name, c.name === 'cell_key' ? key : c.name === 'message' ? 'a, "b"' : '1']));

/** fs.writeSync on a device with `free` bytes left: writes what fits, then fails with ENOSPC. */
function fullDisk(free: number): typeof writeSync {
  return ((fd: number, buf: Uint8Array, off?: number, len?: number) => {
    if (free === 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
    const n = Math.min(free, len ?? buf.length);
    free -= n;
    return writeSync(fd, buf, off, n);
  }) as typeof writeSync;
}

describe('RawCsvAppender on a full disk', () => {
  it('fails the append loudly and leaves no partial row for the next one to be glued to', () => {
    const path = join(dir, 'full.csv');
    writeRawCsv(path, COLUMNS, [row('a')]);
    const before = readFileSync(path, 'utf8');
    // Room for half a row: the write comes back short, and then nothing more fits.
    const appender = new RawCsvAppender(path, COLUMNS, fullDisk(50));
    expect(() => appender.append([row('b')])).toThrow(expect.objectContaining({ code: 'ENOSPC', path }));
    appender.close();
    expect(readFileSync(path, 'utf8')).toBe(before);
    // Space is back: the next row lands whole, and the file reads cleanly.
    const again = new RawCsvAppender(path, COLUMNS);
    again.append([row('c')]);
    again.close();
    expect(readRawCsv(path, COLUMNS).rows.map((r) => r.cell_key)).toEqual(['a', 'c']);
  });
});

describe('readRawCsv', () => {
  const header = `${COLUMNS.map((c) => c.name).join(',')}\n`;
  const line = (key: string) => readFileSync(writeAndGet(key), 'utf8').split('\n')[1];
  const writeAndGet = (key: string) => {
    const p = join(dir, `one-${key}.csv`);
    writeRawCsv(p, COLUMNS, [row(key)]);
    return p;
  };

  it('on resume, repairs a last line glued to a row cut short', () => {
    const path = join(dir, 'glued.csv');
    const glued = `${line('b').slice(0, 30)}${line('c')}\n`;
    writeFileSync(path, `${header}${line('a')}\n${glued}`);
    const read = readRawCsv(path, COLUMNS, { repairLastLine: true });
    expect(read.rows.map((r) => r.cell_key)).toEqual(['a']);
    expect(read.droppedPartialBytes).toBe(Buffer.byteLength(glued));
    // Without repair (report, merge) it is an error that says resume fixes it.
    expect(() => readRawCsv(path, COLUMNS)).toThrow(new RegExp(`^${path}:3: expected one record of ${COLUMNS.length} comma-separated fields .*a broken last line: --resume drops it`));
  });

  it('reports a malformed middle line with its line number, even on resume', () => {
    const path = join(dir, 'middle.csv');
    writeFileSync(path, `${header}${line('a')}\n"unclosed,quote\n${line('c')}\n`);
    for (const opts of [{}, { repairLastLine: true }]) {
      const err = (() => {
        try {
          readRawCsv(path, COLUMNS, opts);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message).toBe(`${path}:3: expected one record of ${COLUMNS.length} comma-separated fields (harness/sweep/columns.ts); the line is malformed`);
    }
  });
});
