// Safe writes: whole files or nothing, never through a planted symlink, never a spinning mkdir.
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from './errors.ts';
import { makeDirs, makeSubdir, writeAll, writeFileAtomic } from './files.ts';

const root = mkdtempSync(join(tmpdir(), 'files-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => {
  const dir = join(root, `d${n++}`);
  makeDirs(dir);
  return dir;
};

describe('writeFileAtomic', () => {
  it('does not write through a symlink planted at the temporary name it used to predict', () => {
    const dir = fresh();
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious');
    const out = join(dir, 'out.json');
    symlinkSync(victim, `${out}.${process.pid}.tmp`);
    writeFileAtomic(out, 'data');
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(readFileSync(out, 'utf8')).toBe('data');
  });

  it('replaces a symlink at the output path itself instead of writing into its target', () => {
    const dir = fresh();
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious');
    const out = join(dir, 'out.json');
    symlinkSync(victim, out);
    writeFileAtomic(out, 'data');
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(lstatSync(out).isSymbolicLink()).toBe(false);
    expect(readFileSync(out, 'utf8')).toBe('data');
  });

  it('names the output path when it cannot write, and leaves no temporary file', () => {
    const dir = fresh();
    const err = (() => {
      try {
        writeFileAtomic(dir, 'data'); // a directory: the rename over it fails
      } catch (e) {
        return e as NodeJS.ErrnoException;
      }
    })();
    expect(err?.code).toMatch(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(readdirSync(dir)).toEqual([]);
    expect(readdirSync(root).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('writeAll', () => {
  it('keeps writing after short writes until every byte is out', () => {
    const written: number[] = [];
    const data = Buffer.from('0123456789');
    // At most 3 bytes per call, as a nearly full or slow file system may do.
    writeAll(7, data, (_fd, buf, off, len) => {
      const k = Math.min(3, len as number);
      written.push(...(buf as Buffer).subarray(off as number, (off as number) + k));
      return k;
    });
    expect(Buffer.from(written).toString()).toBe('0123456789');
  });

  it('fails with ENOSPC when the device takes no more bytes', () => {
    expect(() => writeAll(7, Buffer.from('abc'), () => 0)).toThrow(expect.objectContaining({ code: 'ENOSPC' }));
  });
});

describe('makeDirs', () => {
  it('creates every missing component', () => {
    const dir = join(fresh(), 'a', 'b', 'c');
    makeDirs(dir);
    expect(lstatSync(dir).isDirectory()).toBe(true);
  });

  it('refuses a path through a file, naming it', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'file'), '');
    expect(() => makeDirs(join(dir, 'file'))).toThrow(new InputError(`${join(dir, 'file')} is not a directory; expected a directory to write into`));
  });

  it.skipIf(!existsSync('/proc/self'))('fails at once under /proc, where recursive mkdir spins forever', () => {
    expect(() => makeDirs('/proc/no-such/run')).toThrow(/^cannot create directory \/proc\/no-such: \/proc does not take new directories/);
  });
});

describe('makeSubdir', () => {
  it('refuses a symlinked subdirectory of a run directory', () => {
    const dir = fresh();
    const outside = fresh();
    symlinkSync(outside, join(dir, 'charts'));
    expect(() => makeSubdir(dir, 'charts')).toThrow(/charts is a symbolic link; expected a plain directory inside the run directory/);
  });
});
