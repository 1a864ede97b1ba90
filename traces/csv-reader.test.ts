import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../lib/errors.ts';
import { readTrace } from './csv-reader.ts';
import type { ReadOptions, TraceInput, TraceRow } from './csv-reader.ts';
import { CODE, CONV, HAVE_TRACES, REAL, scratchCsvDir } from '../testing/trace-files.ts';

const { dir, csvFile, cleanup } = scratchCsvDir('csv-reader-test-');
afterAll(cleanup);

async function readAll(input: TraceInput, opts?: ReadOptions) {
  const rows: TraceRow[] = [];
  const summary = await readTrace(input, (r) => rows.push(r), opts);
  return { rows, summary };
}

const H23 = 'TIMESTAMP,ContextTokens,GeneratedTokens';
const H25 = 'TIMESTAMP,NumImages,ContextTokens,GeneratedTokens';

describe('readTrace timestamps and schemas', () => {
  it('reads the 2023 style (7 fractional digits, UTC) keeping sub-millisecond digits', async () => {
    const path = csvFile(
      'code23.csv',
      `${H23}\n2023-11-16 18:17:03.9799600,4808,10\n2023-11-16 18:17:04.0319600,3180,8\n`,
    );
    const { rows, summary } = await readAll(path);
    expect(rows).toEqual([
      { t_ms: Date.UTC(2023, 10, 16, 18, 17, 3) + 979.96, context: 4808, generated: 10 },
      { t_ms: Date.UTC(2023, 10, 16, 18, 17, 4) + 31.96, context: 3180, generated: 8 },
    ]);
    expect(summary).toEqual({
      file: path, schema_year: 2023, rows: 2, bad_rows: 0, bad_examples: [], unordered_rows: 0,
    });
  });

  it('reads the 2024 style (+HH:MM offset) and applies non-zero offsets and Z', async () => {
    const path = csvFile(
      'code24.csv',
      `${H23}\n2024-05-10 00:00:00.009930+00:00,10,1\n2024-05-10 02:30:00.5+02:30,20,2\n` +
        `2024-05-09 19:00:00-05:00,30,3\n2024-05-10T00:00:01Z,40,4\n`,
    );
    // Line 4 is 00:00 UTC, before line 3's 00:00:00.5: kept by allowUnordered, and counted.
    const { rows, summary } = await readAll(path, { allowUnordered: true });
    expect(summary.unordered_rows).toBe(1);
    const day = Date.UTC(2024, 4, 10);
    expect(rows.map((r) => r.t_ms)).toEqual([day + 9.93, day + 500, day, day + 1000]);
    expect(summary.schema_year).toBe(2024);
  });

  it('reads the 2025 multimodal schema with NumImages', async () => {
    const path = csvFile('mm.csv', `${H25}\n2024-10-15 00:00:00.123+00:00,2,900,30\n`);
    const { rows, summary } = await readAll(path);
    expect(rows).toEqual([
      { t_ms: Date.UTC(2024, 9, 15) + 123, context: 900, generated: 30, images: 2 },
    ]);
    expect(summary.schema_year).toBe(2025);
  });

  it('accepts CRLF, a BOM, blank lines and no final newline', async () => {
    const path = csvFile(
      'crlf.csv',
      `\uFEFF${H23}\r\n2023-11-16 18:00:00.0000000,1,2\r\n\r\n2023-11-16 18:00:01.0000000,3,4`,
    );
    const { rows } = await readAll(path);
    expect(rows.map((r) => [r.context, r.generated])).toEqual([[1, 2], [3, 4]]);
  });

  it('reads a stream whose chunks split lines and fields anywhere', async () => {
    const text = `${H23}\n2023-11-16 18:00:00.2500000,11,22\n2023-11-16 18:00:01.0000000,33,44\n`;
    const chunks = text.match(/.{1,7}/gs)!;
    const { rows, summary } = await readAll({ name: 'chunked', stream: Readable.from(chunks) });
    expect(rows).toEqual([
      { t_ms: Date.UTC(2023, 10, 16, 18) + 250, context: 11, generated: 22 },
      { t_ms: Date.UTC(2023, 10, 16, 18, 0, 1), context: 33, generated: 44 },
    ]);
    expect(summary.file).toBe('chunked');
  });
});

describe('readTrace errors', () => {
  it('rejects an unknown header naming the file and both expected headers', async () => {
    const path = csvFile('bad-header.csv', 'time,in,out\n2023-11-16 18:00:00,1,2\n');
    const err = await readAll(path).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toContain(`${path}, line 1`);
    expect(err.message).toContain(H23);
    expect(err.message).toContain(H25);
  });

  it('rejects an empty file and a missing file', async () => {
    await expect(readAll(csvFile('empty.csv', ''))).rejects.toThrow(/line 1: expected the header/);
    await expect(readAll(join(dir, 'nope.csv'))).rejects.toThrow(
      new InputError(`cannot read trace file ${join(dir, 'nope.csv')}: ENOENT`),
    );
  });

  const good = '2023-11-16 18:00:00.0000000,1,2';
  const cases: [string, string, RegExp][] = [
    ['too few columns', '2023-11-16 18:00:01.0000000,5', /line 3: expected 3 columns .*got 2$/],
    ['too many columns', '2023-11-16 18:00:01.0,5,6,7', /line 3: expected 3 columns .*got 4$/],
    ['fractional tokens', '2023-11-16 18:00:01.0,5.5,6', /line 3: ContextTokens: expected a non-negative integer, got "5.5"$/],
    ['negative tokens', '2023-11-16 18:00:01.0,5,-6', /line 3: GeneratedTokens: expected a non-negative integer, got "-6"$/],
    ['empty tokens', '2023-11-16 18:00:01.0,,6', /line 3: ContextTokens: expected a non-negative integer, got ""$/],
    ['unparsable timestamp', 'yesterday,5,6', /line 3: TIMESTAMP: expected YYYY-MM-DD HH:MM:SS.*, got "yesterday"$/],
    ['impossible date', '2023-02-29 00:00:00,5,6', /line 3: TIMESTAMP: .*got "2023-02-29 00:00:00"$/],
    ['bad offset', '2024-05-10 00:00:00+0000,5,6', /line 3: TIMESTAMP: .*got "2024-05-10 00:00:00\+0000"$/],
    // One stray date would stretch the per-minute arrival bins over two thousand years.
    ['date far from the rest', '0001-01-01 00:00:00,5,6', /line 3: TIMESTAMP: more than 366 days from the latest row's 2023-11-16T18:00:00.000Z; .*got "0001-01-01 00:00:00"$/],
    // One early row would stretch the measured duration, and so divide the rate.
    ['row out of time order', '2023-11-09 18:00:00,5,6', /line 3: TIMESTAMP: earlier than line 2 \(2023-11-16T18:00:00.000Z\); expected rows in time order \(--allow-unordered keeps such rows\), got "2023-11-09 18:00:00"$/],
  ];
  for (const [kind, line, message] of cases) {
    it(`reports ${kind} with file and line, or counts it with skipBadRows`, async () => {
      const path = csvFile(`bad-${kind.replace(/ /g, '-')}.csv`, `${H23}\n${good}\n${line}\n${good}\n`);
      const err = await readAll(path).catch((e) => e);
      expect(err).toBeInstanceOf(InputError);
      expect(err.message.startsWith(`${path}, line 3: `)).toBe(true);
      expect(err.message).toMatch(message);
      const { rows, summary } = await readAll(path, { skipBadRows: true });
      expect(rows).toHaveLength(2);
      expect(summary.bad_rows).toBe(1);
      expect(summary.bad_examples).toEqual([err.message]);
    });
  }

  it('keeps and counts rows out of time order with allowUnordered', async () => {
    const path = csvFile('unordered.csv', `${H23}\n${good}\n2023-11-16 17:00:00,5,6\n${good}\n`);
    const { rows, summary } = await readAll(path, { allowUnordered: true });
    expect(rows.map((r) => r.context)).toEqual([1, 5, 1]);
    expect(summary).toMatchObject({ rows: 3, bad_rows: 0, unordered_rows: 1 });
  });

  it('keeps the 366-day span with allowUnordered: rows before the first one count (issue 28: 729 days got through)', async () => {
    const path = csvFile('unordered-span.csv', `${H23}\n2023-06-01 00:00:00,1,1\n2022-07-01 00:00:00,2,2\n2024-05-01 00:00:00,3,3\n`);
    await expect(readAll(path, { allowUnordered: true })).rejects.toThrow(
      /line 4: TIMESTAMP: more than 366 days from the earliest row's 2022-07-01T00:00:00\.000Z; expected one trace spanning at most 366 days, got "2024-05-01 00:00:00"$/,
    );
  });

  it('reads years 0000–0099 as written, not as 1900–1999 (issue 28)', async () => {
    const path = csvFile('year50.csv', `${H23}\n0050-03-01 12:00:00,1,1\n`);
    const { rows } = await readAll(path);
    expect(new Date(rows[0].t_ms).toISOString()).toBe('0050-03-01T12:00:00.000Z');
  });

  it('stops at a line longer than the cap instead of buffering input without line breaks (issue 28: /dev/zero)', async () => {
    const endless = Readable.from((function* () {
      yield `${H23}\n`;
      for (;;) yield '\0'.repeat(16_384);
    })());
    await expect(readAll({ name: 'zeros', stream: endless })).rejects.toThrow('zeros, line 2: longer than 65536 characters without a line break; expected a CSV trace');
  });

  it('quotes at most 200 characters of a bad field (issue 28: a 10 MB field was quoted whole)', async () => {
    const path = csvFile('long-field.csv', `${H23}\n2023-11-16 18:00:00,${'9x'.repeat(5000)},1\n`);
    const err = await readAll(path).catch((e) => e);
    expect(err.message).toMatch(/ContextTokens: expected a non-negative integer, got "(9x){100}… \(10000 characters\)"$/);
  });

  it('reports a bad NumImages in the 2025 schema', async () => {
    const path = csvFile('bad-mm.csv', `${H25}\n2024-10-15 00:00:00,x,900,30\n`);
    await expect(readAll(path)).rejects.toThrow(/line 2: NumImages: expected a non-negative integer, got "x"/);
  });

  it('counts every bad row but keeps only the first five examples', async () => {
    const bad = Array.from({ length: 7 }, (_, k) => `2023-11-16 18:00:0${k},-1,2`).join('\n');
    const path = csvFile('many-bad.csv', `${H23}\n${bad}\n2023-11-16 18:00:09,1,2\n`);
    const { rows, summary } = await readAll(path, { skipBadRows: true });
    expect(rows).toHaveLength(1);
    expect(summary.bad_rows).toBe(7);
    expect(summary.bad_examples.map((m) => m.match(/line (\d+)/)![1])).toEqual(['2', '3', '4', '5', '6']);
  });
});

describe.skipIf(!HAVE_TRACES)(`readTrace on ${REAL}`, () => {
  it('reads every request of the code and conversation traces', async () => {
    for (const [path, count] of [[CODE, 8_819], [CONV, 19_366]] as const) {
      let n = 0;
      let sorted = true;
      let last = -Infinity;
      const summary = await readTrace(path, (r) => {
        n++;
        sorted &&= r.t_ms >= last;
        last = r.t_ms;
      });
      expect(summary).toMatchObject({ rows: count, bad_rows: 0, schema_year: 2023 });
      expect(n).toBe(count);
      expect(sorted).toBe(true);
    }
  });
});
