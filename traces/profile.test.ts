import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../lib/errors.ts';
import {
  CITATIONS,
  DEFAULT_PROFILE_PATH,
  TRACE_CITATION,
  assignRoles,
  calibrate,
  loadProfileBundle,
} from './profile.ts';
import type { ProfileBundle } from './profile.ts';
import { CODE, CONV, HAVE_TRACES, REAL, REPO, scratchCsvDir } from '../testing/trace-files.ts';
import { runCli } from '../testing/child-process.ts';

const { dir, csvFile, cleanup } = scratchCsvDir('profile-test-');
afterAll(cleanup);

const H23 = 'TIMESTAMP,ContextTokens,GeneratedTokens';

// Six requests chosen to hit every slice boundary: f/h = 0.05, 0.25, h = 0, exactly 0.5, 0.24,
// exactly 0.1. Offsets in seconds from 2023-11-16 18:00:00.5.
const SIX: [number, number, number][] = [
  [0, 100, 5],
  [30, 200, 50],
  [70, 0, 10],
  [130, 1000, 500],
  [200, 250, 60],
  [400, 300, 30],
];

function sixRowCsv(name: string): string {
  const ts = (s: number) => {
    const iso = new Date(Date.UTC(2023, 10, 16, 18, 0, s)).toISOString();
    return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.5000000`;
  };
  return csvFile(name, `${H23}\n${SIX.map(([s, h, f]) => `${ts(s)},${h},${f}`).join('\n')}\n`);
}

describe('calibrate on a hand-checked synthetic trace', () => {
  it('computes every statistic exactly', async () => {
    const bundle = await calibrate([sixRowCsv('six_code.csv')]);
    expect(Object.keys(bundle.traces)).toEqual(['code']);
    expect(bundle.traces.code).toEqual({
      source: 'six_code.csv',
      schema_year: 2023,
      requests: 6,
      bad_rows_skipped: 0,
      first_timestamp: '2023-11-16T18:00:00.500Z',
      last_timestamp: '2023-11-16T18:06:40.500Z',
      duration_s: 400,
      rate_per_hour: 54, // 6 / 400 s · 3600
      // sorted h: 0 100 200 250 300 1000 — nearest rank ⌈p·6⌉: p10 → 1st, p50 → 3rd, p90/p99 → 6th
      context_tokens: { mean: 308.333, p10: 0, p50: 200, p90: 1000, p99: 1000 },
      // sorted f: 5 10 30 50 60 500
      generated_tokens: { mean: 109.167, p10: 5, p50: 30, p90: 500, p99: 500 },
      slices: {
        lt_0_1: { share: 0.166667, count: 1, mean_h: 100, mean_f: 5 },
        '0_1_to_0_5': { share: 0.5, count: 3, mean_h: 250, mean_f: 46.6667 },
        ge_0_5: { share: 0.333333, count: 2, mean_h: 500, mean_f: 255 },
      },
      arrivals: {
        bin_origin: '2023-11-16T18:00:00.500Z',
        per_minute: [2, 1, 1, 1, 0, 0, 1],
        per_5_minutes: [5, 1],
      },
      shape_grid: [
        { log2_h: 7, log2_f: 5, count: 2, share: 0.333333, mean_h: 225, mean_f: 55 },
        { log2_h: 0, log2_f: 3, count: 1, share: 0.166667, mean_h: 0, mean_f: 10 },
        { log2_h: 6, log2_f: 2, count: 1, share: 0.166667, mean_h: 100, mean_f: 5 },
        { log2_h: 8, log2_f: 4, count: 1, share: 0.166667, mean_h: 300, mean_f: 30 },
        { log2_h: 9, log2_f: 8, count: 1, share: 0.166667, mean_h: 1000, mean_f: 500 },
      ],
    });
    expect(bundle.schema).toBe('llm-alloc-bench/profile@1');
    expect(bundle.citation).toBe(TRACE_CITATION);
  });

  it('with allowUnordered, bins rows earlier than the first one before it, with min/max as first/last', async () => {
    const path = csvFile(
      'unsorted.csv',
      `${H23}\n2023-11-16 18:02:00.0,1,1\n2023-11-16 18:00:00.0,1,1\n2023-11-16 18:03:20.0,1,1\n`,
    );
    const p = (await calibrate([path], { allowUnordered: true })).traces.unsorted;
    expect(p.first_timestamp).toBe('2023-11-16T18:00:00.000Z');
    expect(p.last_timestamp).toBe('2023-11-16T18:03:20.000Z');
    expect(p.duration_s).toBe(200);
    // minutes relative to the first row (18:02): -2, 0, +1; both series start 5 minutes earlier
    expect(p.arrivals).toEqual({
      bin_origin: '2023-11-16T17:57:00.000Z',
      per_minute: [0, 0, 0, 1, 0, 1, 1],
      per_5_minutes: [1, 2],
    });
  });

  it('records skipped bad rows, the schema year and its citation', async () => {
    const path = csvFile(
      'week_conv.csv',
      `${H23}\n2024-05-10 00:00:00.000000+00:00,10,1\noops\n2024-05-10 00:00:10.000000+00:00,30,3\n`,
    );
    await expect(calibrate([path])).rejects.toThrow(/week_conv\.csv, line 3: expected 3 columns/);
    const bundle = await calibrate([path], { skipBadRows: true, createdBy: 'test' });
    expect(bundle.traces.conv).toMatchObject({
      schema_year: 2024, requests: 2, bad_rows_skipped: 1, rate_per_hour: 720,
    });
    expect(bundle.created_by).toBe('test');
    expect(bundle.citation).toBe(CITATIONS[2024]);
  });

  it('is deterministic and independent of argument order', async () => {
    const a = sixRowCsv('a_code.csv');
    const b = sixRowCsv('b_conv.csv');
    const one = JSON.stringify(await calibrate([a, b]));
    expect(JSON.stringify(await calibrate([b, a]))).toBe(one);
    expect(Object.keys(JSON.parse(one).traces)).toEqual(['code', 'conv']);
  });

  it('needs two distinct timestamps to measure a rate', async () => {
    const path = csvFile('one.csv', `${H23}\n2023-11-16 18:00:00.0,1,1\n`);
    await expect(calibrate([path])).rejects.toThrow(/one\.csv: expected at least two requests/);
    await expect(calibrate([])).rejects.toThrow(InputError);
  });
});

describe('assignRoles', () => {
  it('maps code/conv by name and otherwise uses the base name', async () => {
    expect(assignRoles(['x/AzureLLMInferenceTrace_CODE_1week.csv', 'y/conv.csv', 'z/mm.csv']))
      .toEqual(['code', 'conv', 'mm']);
  });

  it('rejects two traces with the same role, naming both', async () => {
    expect(() => assignRoles(['a/code1.csv', 'b/code2.csv'])).toThrow(
      /a\/code1\.csv and b\/code2\.csv would both be profiled as "code"/,
    );
  });
});

describe('loadProfileBundle', () => {
  async function writtenBundle(): Promise<[string, ProfileBundle]> {
    const bundle = await calibrate([sixRowCsv('six_conv.csv')]);
    const path = join(dir, 'bundle.json');
    writeFileSync(path, JSON.stringify(bundle));
    return [path, bundle];
  }

  it('round-trips a calibrated bundle', async () => {
    const [path, bundle] = await writtenBundle();
    expect(loadProfileBundle(path)).toEqual(bundle);
  });

  it('refuses a bundle nested 100,000 deep or with a key given twice (issue 28)', () => {
    const path = join(dir, 'hostile.json');
    writeFileSync(path, `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(() => loadProfileBundle(path)).toThrow(/^cannot load profile .*hostile\.json: nested deeper than 64 levels/);
    writeFileSync(path, '{"schema": 1, "schema": 2}');
    expect(() => loadProfileBundle(path)).toThrow(/^cannot load profile .*hostile\.json: schema: key given twice/);
  });

  it('names the offending field', async () => {
    const [path, bundle] = await writtenBundle();
    const broken = (mutate: (b: any) => void) => {
      const copy = structuredClone(bundle) as any;
      mutate(copy);
      writeFileSync(path, JSON.stringify(copy));
      return () => loadProfileBundle(path);
    };
    expect(broken((b) => (b.schema = 'other'))).toThrow(/field schema: expected "llm-alloc-bench\/profile@1"/);
    expect(broken((b) => delete b.citation)).toThrow(/field citation: expected a non-empty string/);
    expect(broken((b) => (b.traces.conv.context_tokens.p50 = -1)))
      .toThrow(/field traces\.conv\.context_tokens\.p50: expected a non-negative integer, got -1/);
    expect(broken((b) => (b.traces.conv.shape_grid[2].mean_f = 'x')))
      .toThrow(/field traces\.conv\.shape_grid\[2\]\.mean_f: expected a non-negative number/);
    expect(broken((b) => delete b.traces.conv.slices.ge_0_5))
      .toThrow(/field traces\.conv\.slices\.ge_0_5: expected an object, got nothing/);
    writeFileSync(path, '{not json');
    expect(() => loadProfileBundle(path)).toThrow(new RegExp(`cannot load profile ${path}`));
  });
});

describe('the committed default profile', () => {
  it('loads, cites the traces and has the 2023 magnitudes of §7', async () => {
    const bundle = loadProfileBundle(DEFAULT_PROFILE_PATH);
    expect(bundle.citation).toContain('Splitwise');
    expect(Object.keys(bundle.traces)).toEqual(['code', 'conv']);
    expect(bundle.traces.code.requests).toBe(8_819);
    expect(bundle.traces.conv.requests).toBe(19_366);
    expect(readFileSync(DEFAULT_PROFILE_PATH).length).toBeLessThan(100_000);
  });

  it.skipIf(!HAVE_TRACES)(`is reproduced byte for byte from ${REAL}`, async () => {
    const bundle = await calibrate([CODE, CONV]);
    expect(`${JSON.stringify(bundle, null, 2)}\n`).toBe(readFileSync(DEFAULT_PROFILE_PATH, 'utf8'));
  });
});

describe.skipIf(!HAVE_TRACES)(`calibrate on ${REAL}`, () => {
  it('matches the sanity figures of docs/model.md §6', async () => {
    const { code, conv } = (await calibrate([CONV, CODE])).traces;
    expect(code.requests).toBe(8_819);
    expect(conv.requests).toBe(19_366);
    expect(code.duration_s).toBeGreaterThan(3_430);
    expect(code.duration_s).toBeLessThan(3_440);
    expect(conv.duration_s).toBeGreaterThan(3_495);
    expect(conv.duration_s).toBeLessThan(3_510);
    expect(code.rate_per_hour).toBeGreaterThan(9_200);
    expect(code.rate_per_hour).toBeLessThan(9_280);
    expect(conv.rate_per_hour).toBeGreaterThan(19_850);
    expect(conv.rate_per_hour).toBeLessThan(19_950);
    expect(Math.round(code.context_tokens.mean)).toBe(2_048);
    expect(code.context_tokens.p50).toBe(1_469);
    expect(Math.round(code.generated_tokens.mean)).toBe(28);
    expect(code.generated_tokens.p50).toBe(13);
    expect(Math.round(conv.context_tokens.mean)).toBe(1_155);
    expect(conv.context_tokens.p50).toBe(1_020);
    expect(Math.round(conv.generated_tokens.mean)).toBe(211);
    expect(conv.generated_tokens.p50).toBe(129);
    for (const p of [code, conv]) {
      const slices = Object.values(p.slices);
      expect(slices.reduce((s, x) => s + x.count, 0)).toBe(p.requests);
      expect(p.shape_grid.reduce((s, x) => s + x.count, 0)).toBe(p.requests);
      expect(p.arrivals.per_minute.reduce((s, x) => s + x, 0)).toBe(p.requests);
      expect(p.arrivals.per_5_minutes.reduce((s, x) => s + x, 0)).toBe(p.requests);
    }
  });
});

describe('alloc-bench traces calibrate (CLI)', () => {
  const cli = (...args: string[]) => runCli(['traces', 'calibrate', ...args], { cwd: REPO });

  it('prints a summary and writes the bundle', async () => {
    const out = join(dir, 'cli', 'profile.json');
    const r = await cli(sixRowCsv('cli_code.csv'), '--out', out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('code (cli_code.csv, 2023 schema): 6 requests in 400 s = 54/h');
    expect(r.stdout).toContain('context tokens mean 308.333 p50 200; generated mean 109.167 p50 30');
    expect(r.stdout).toContain('f/h slices: <0.1 16.7%, 0.1–0.5 50.0%, ≥0.5 33.3%');
    expect(loadProfileBundle(out).traces.code.requests).toBe(6);
  });

  it('prints the JSON without --out', async () => {
    const r = await cli(sixRowCsv('cli2_code.csv'));
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).traces.code.requests).toBe(6);
  });

  it('exits 2 on a bad row, naming the line, and writes nothing', async () => {
    const out = join(dir, 'cli', 'bad.json');
    const bad = csvFile('cli_bad.csv', `${H23}\n2023-11-16 18:00:00.0,1,1\n2023-11-16 18:00:01.0,x,1\n`);
    const r = await cli(bad, '--out', out);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      `alloc-bench: ${bad}, line 3: ContextTokens: expected a non-negative integer, got "x"\n`,
    );
    expect(existsSync(out)).toBe(false);
  });
});
