import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { summarizeInstance } from '../../../generators/summary.ts';
import { syntheticProfile } from '../../../testing/generator-helpers.ts';
import { parseInstance } from '../../../solvers/problem/schema.ts';
import { DEFAULT_PROFILE_PATH } from '../../../traces/profile.ts';
import { runCli } from '../../../testing/child-process.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'alloc-bench-generate-'));
const profilePath = join(dir, 'profile.json');
writeFileSync(profilePath, JSON.stringify(syntheticProfile()));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) => runCli(args, { cwd: ROOT });

describe('alloc-bench generate / inspect', () => {
  it('prints the same instance twice, byte for byte', async () => {
    const a = await cli('generate', '--size', '6,6,10', '--seed', '7', '--profile', profilePath);
    const b = await cli('generate', '--size', '6,6,10', '--seed', '7', '--profile', profilePath);
    expect(a.status, a.stderr).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout.endsWith('}\n')).toBe(true);
    const inst = parseInstance(JSON.parse(a.stdout));
    expect(inst.meta.id).toBe('I6-J6-K10-seed7-S1-average');
    expect(inst.meta.profile).toBe('profile.json (code: code.csv, conv: conv.csv)');
  });

  it('writes a schema-valid file with --out and inspects it', async () => {
    const out = join(dir, 'sub', 'inst.json');
    const r = await cli('generate', '--size', '8,7,12', '--seed', '3', '--scenario', 'S4', '--slo-mode', 'per-route', '--demand-scale', '2', '--profile', profilePath, '--out', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`wrote ${out} (I8-J7-K12-seed3-S4-per-route-scale2)\n`);
    const text = readFileSync(out, 'utf8');
    const inst = parseInstance(JSON.parse(text));
    expect(text).toBe(`${JSON.stringify(inst, null, 2)}\n`);
    expect(inst.meta).toMatchObject({ id: 'I8-J7-K12-seed3-S4-per-route-scale2', scenario: 'S4', demand_scale: 2 });

    const human = await cli('inspect', out);
    expect(human.status, human.stderr).toBe(0);
    expect(human.stdout).toContain('I8-J7-K12-seed3-S4-per-route-scale2');
    for (const t of inst.types) expect(human.stdout).toContain(t.name);
    const json = await cli('inspect', out, '--json');
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(JSON.stringify(summarizeInstance(inst))));
  });

  it('rejects a bad --size with exit code 2 and writes nothing', async () => {
    const out = join(dir, 'bad.json');
    const r = await cli('generate', '--size', '6,6', '--profile', profilePath, '--out', out);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--size expects three positive integers I,J,K such as 6,6,10; got "6,6"');
    expect(existsSync(out)).toBe(false);
  });

  it('reports a missing instance file on one line with exit code 2', async () => {
    const r = await cli('inspect', join(dir, 'missing.json'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/missing\.json: cannot read file/);
  });

  it.skipIf(!existsSync(DEFAULT_PROFILE_PATH))('generates from the committed default profile', async () => {
    const r = await cli('generate', '--size', '6,6,10', '--seed', '7');
    expect(r.status, r.stderr).toBe(0);
    expect(parseInstance(JSON.parse(r.stdout)).meta.profile).toMatch(/^traces\/profiles\/azure-2023\.json \(/);
  });
});
