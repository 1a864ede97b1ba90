import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gitDirty, gridOfRun, MANIFEST_SCHEMA, readManifest } from './manifest.ts';
import { runChild } from '../../testing/child-process.ts';

const repo = mkdtempSync(join(tmpdir(), 'alloc-manifest-'));
afterAll(() => rmSync(repo, { recursive: true, force: true }));

async function git(...args: string[]) {
  const r = await runChild('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: repo });
  expect(r.status, r.stderr).toBe(0);
}

describe('gitDirty', () => {
  it('ignores changes under results/ and reports changes to code', async () => {
    mkdirSync(join(repo, 'results', 'reference', 'e1'), { recursive: true });
    writeFileSync(join(repo, 'results', 'reference', 'e1', 'raw.csv'), 'a\n');
    writeFileSync(join(repo, 'code.ts'), 'x\n');
    await git('init', '-q');
    await git('add', '.');
    await git('commit', '-q', '-m', 'init');
    expect(gitDirty(repo)).toBe(false);
    // A reference re-run moves the previous run aside: tracked files under results/ disappear.
    rmSync(join(repo, 'results', 'reference', 'e1'), { recursive: true });
    expect(gitDirty(repo)).toBe(false);
    writeFileSync(join(repo, 'code.ts'), 'y\n');
    expect(gitDirty(repo)).toBe(true);
  });
});

describe('readManifest of a malformed manifest (issue 28: was a TypeError, exit 1)', () => {
  const reference = JSON.parse(readFileSync(new URL('../../results/reference/e5/manifest.json', import.meta.url), 'utf8'));
  const dir = mkdtempSync(join(tmpdir(), 'alloc-manifest-bad-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const read = (m: unknown) => {
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
    return () => readManifest(dir);
  };

  it('reads every committed reference manifest', () => {
    for (const e of ['e1', 'e2', 'e3', 'e4', 'e5']) expect(readManifest(fileURLToPath(new URL(`../../results/reference/${e}`, import.meta.url))).schema).toBe(MANIFEST_SCHEMA);
  });

  it('names the field that is missing or of the wrong kind', () => {
    const edit = (f: (m: any) => void) => {
      const m = structuredClone(reference);
      f(m);
      return m;
    };
    expect(read(null)).toThrow(/manifest\.json: expected schema llm-alloc-bench\/run@1, got undefined/);
    expect(read(edit((m) => delete m.config))).toThrow(/manifest\.json: config: required field is missing \(a manifest alloc-bench writes; was it edited\?\)/);
    expect(read(edit((m) => (m.config.kind = 'other')))).toThrow(/config\.kind: expected one of "solve", "rolling", got "other"/);
    expect(read(edit((m) => (m.config.blocks = 'x')))).toThrow(/config\.blocks: expected an array, got "x"/);
    expect(read(edit((m) => (m.resumed_at = null)))).toThrow(/resumed_at: expected an array/);
    expect(read(edit((m) => (m.config.blocks[0].paths = 'x')))).toThrow(/config\.blocks\[0\]\.paths: expected an integer/);
    expect(read(edit((m) => (m.shard = 3)))).toThrow(/shard: expected null or/);
    expect(read(edit((m) => (m.config.experiment = '../../../x')))).toThrow(/config\.experiment: expected a name of 1–64 letters/);
  });
});

describe('gridOfRun (issue 26.7: `sweep --resume DIR` alone said "grid: sizes: expected a non-empty list")', () => {
  it('gives the grid the run recorded, and refuses a profile that has changed since', () => {
    const dir = mkdtempSync(join(tmpdir(), 'alloc-manifest-grid-'));
    try {
      const m = JSON.parse(readFileSync(new URL('../../results/reference/e5/manifest.json', import.meta.url), 'utf8'));
      m.profile_path = fileURLToPath(new URL('../../traces/profiles/azure-2023.json', import.meta.url));
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
      expect(gridOfRun(dir)).toEqual({ config: readManifest(dir).config, profilePath: m.profile_path });
      m.config.profile_sha256 = '0'.repeat(64);
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
      expect(() => gridOfRun(dir)).toThrow(/--resume .*: the run's profile .*azure-2023\.json has changed since the run started/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
