import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gitDirty } from './manifest.ts';
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
