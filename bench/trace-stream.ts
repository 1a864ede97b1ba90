// Streaming benchmark of trace calibration at the scale of the 2024 one-week traces:
//   npx tsx bench/trace-stream.ts [rows]     (default 20,000,000)
// Writes a synthetic 2024-style CSV to a temp dir (streamed), calibrates it, prints rows/s and
// peak RSS, and deletes the file.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HEADER_2023 } from '../traces/csv-reader.ts';
import { calibrate } from '../traces/profile.ts';

const WEEK_US = 7 * 24 * 3600 * 1e6;
const START_MS = Date.UTC(2024, 4, 10);
const ROWS_PER_WRITE = 10_000;

async function writeSyntheticTrace(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write(`${HEADER_2023}\n`);
  let seed = 0x9e3779b9;
  const rand = (): number => {
    // xorshift32: deterministic and allocation-free
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
  const stepUs = WEEK_US / rows;
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  let lastSecond = -1;
  let secondText = '';
  let lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const us = Math.floor(i * stepUs);
    const second = Math.floor(us / 1e6);
    if (second !== lastSecond) {
      // "2024-05-10 00:00:00" — formatting once per second keeps the writer ahead of the reader
      secondText = new Date(START_MS + second * 1000).toISOString().slice(0, 19).replace('T', ' ');
      lastSecond = second;
    }
    const context = Math.floor(2 ** (rand() * 13));
    const generated = Math.floor(2 ** (rand() * 10));
    lines.push(`${secondText}.${pad(us % 1e6, 6)}+00:00,${context},${generated}`);
    if (lines.length === ROWS_PER_WRITE || i === rows - 1) {
      if (!out.write(`${lines.join('\n')}\n`)) await once(out, 'drain');
      lines = [];
    }
  }
  out.end();
  await once(out, 'finish');
}

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 20_000_000);
  if (!Number.isSafeInteger(rows) || rows < 2) throw new Error('rows: expected an integer ≥ 2');
  const dir = await mkdtemp(join(tmpdir(), 'trace-bench-'));
  try {
    const path = join(dir, 'synthetic_2024.csv');
    const w0 = performance.now();
    await writeSyntheticTrace(path, rows);
    const { size } = await stat(path);
    console.log(`wrote ${rows} rows (${(size / 1e6).toFixed(0)} MB) in ` +
      `${((performance.now() - w0) / 1000).toFixed(1)} s`);
    const t0 = performance.now();
    const bundle = await calibrate([path]);
    const seconds = (performance.now() - t0) / 1000;
    const profile = Object.values(bundle.traces)[0];
    if (profile.requests !== rows) throw new Error(`read ${profile.requests} rows, wrote ${rows}`);
    console.log(`calibrated ${rows} rows in ${seconds.toFixed(1)} s: ` +
      `${Math.round(rows / seconds).toLocaleString('en-US')} rows/s`);
    // maxRSS is in kilobytes; it covers the writer too, which holds only one batch at a time.
    console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
