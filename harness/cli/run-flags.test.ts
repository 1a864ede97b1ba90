// The run-directory flags through the CLI: a resumed shard keeps the shard its manifest recorded
// (a rerun Slurm task is a smaller array, so its environment names another shard).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { readManifest } from '../sweep/manifest.ts';
import { readRawCsv } from '../sweep/raw-csv.ts';
import { RAW_COLUMNS } from '../sweep/columns.ts';

const BIN = fileURLToPath(new URL('../bin.mjs', import.meta.url));
const cli = (...args: string[]) => promisify(execFile)(process.execPath, [BIN, ...args]);
const tmp = mkdtempSync(join(tmpdir(), 'sweep-cli-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('--headrooms', () => {
  it('plans every solver at each θ and records θ in the rows and the manifest', async () => {
    const out = join(tmp, 'headrooms');
    await cli('sweep', '--sizes', '3,3,4', '--seeds', '1', '--solvers', 'gh', '--headrooms', '0,0.25', '--no-report', '--out', out);
    expect(readManifest(out).config.blocks[0]).toMatchObject({ headrooms: [0, 0.25] });
    expect(readRawCsv(join(out, 'raw.csv'), RAW_COLUMNS.solve).rows.map((r) => r.headroom)).toEqual(['0', '0.25']);
  });
});

describe('--resume', () => {
  it('continues the shard the run recorded when --shard is not given', async () => {
    const out = join(tmp, 'shard');
    const grid = ['sweep', '--sizes', '3,3,4', '--seeds', '1,2,3', '--solvers', 'gh', '--no-report'];
    await cli(...grid, '--shard', '2/2', '--out', out);
    await cli(...grid, '--resume', out);
    const m = readManifest(out);
    expect(m.shard).toEqual({ index: 2, count: 2 });
    expect(m.resumed_at).toHaveLength(1);
    expect(readRawCsv(join(out, 'raw.csv'), RAW_COLUMNS.solve).rows.map((r) => r.cell_index)).toEqual(['1']);
  });

  it('alone, without grid flags, resumes the grid the manifest recorded (issue 26.7)', async () => {
    const out = join(tmp, 'alone');
    await cli('sweep', '--sizes', '3,3,4', '--seeds', '1', '--solvers', 'gh', '--shard', '1/2', '--no-report', '--out', out);
    await cli('sweep', '--resume', out, '--no-report');
    const m = readManifest(out);
    expect(m.resumed_at).toHaveLength(1);
    expect(m.config.blocks[0]).toMatchObject({ seeds: [1], solvers: ['gh'] });
    expect(m.shard).toEqual({ index: 1, count: 2 });
  });
});
