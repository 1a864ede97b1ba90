import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync, writeSync, type linkSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../lib/errors.ts';
import { LOCK_FILE, lockRunDir } from './run-lock.ts';

const fresh = () => mkdtempSync(join(tmpdir(), 'run-lock-'));

describe('run locks from hostile or broken lock files (issues 26.2, 26.5, 28.2)', () => {
  it('names the holder of a live lock without a command field (was a TypeError, exit 1)', () => {
    const dir = fresh();
    // This process is alive, and its own pid is never taken over.
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.pid, host: hostname() }));
    const taking = () => lockRunDir(dir, ['sweep']);
    expect(taking).toThrow(InputError);
    expect(taking).toThrow(new RegExp(`^${dir} is in use by process ${process.pid} on ${hostname()}; wait for it to finish, or remove`));
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.pid, host: hostname(), command: 'x', started_at: 5 }));
    expect(taking).toThrow(new RegExp(`in use by process ${process.pid} on ${hostname()}; wait`));
  });

  it('takes over an empty or garbage lock file with a note instead of "in use" forever', () => {
    for (const [content, why] of [['', 'it is empty'], ['garbage{', 'it is not JSON'], ['{"pid": "x"}', 'it names no process id and host']]) {
      const dir = fresh();
      writeFileSync(join(dir, LOCK_FILE), content);
      const notes: string[] = [];
      const lock = lockRunDir(dir, ['sweep'], { note: (l) => notes.push(l) });
      expect(notes).toEqual([`note: removed the unreadable lock file ${join(dir, LOCK_FILE)} (${why}); no process can hold it`]);
      expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
      lock.release();
      expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    }
  });

  it('refuses a lock that is a directory or a symlink as an unreadable lock file, saying how to clear it', () => {
    const dir = fresh();
    mkdirSync(join(dir, LOCK_FILE));
    expect(() => lockRunDir(dir, ['sweep'])).toThrow(`unreadable lock file ${join(dir, LOCK_FILE)}: it is a directory; expected a lock written by alloc-bench — if no alloc-bench process is using ${dir}, remove it (rm -r ${join(dir, LOCK_FILE)})`);
    const other = fresh();
    const target = join(fresh(), 'target');
    symlinkSync(target, join(other, LOCK_FILE));
    expect(() => lockRunDir(other, ['sweep'])).toThrow(/unreadable lock file .*: it is a symbolic link; expected/);
    expect(existsSync(target)).toBe(false); // never written through
  });

  it('leaves no lock file when writing it fails on a full disk, and names the lock in the error', () => {
    const dir = fresh();
    const full = (() => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
    }) as unknown as typeof writeSync;
    expect(() => lockRunDir(dir, ['sweep'], { write: full })).toThrow(expect.objectContaining({ code: 'ENOSPC', path: join(dir, LOCK_FILE) }));
    expect(readdirSync(dir)).toEqual([]);
    lockRunDir(dir, ['sweep']).release(); // and the next run takes it
  });

  it('works on a file system without hard links, and still leaves no lock when the write fails', () => {
    const dir = fresh();
    const noLinks = (() => {
      throw Object.assign(new Error('EPERM: operation not permitted, link'), { code: 'EPERM', syscall: 'link' });
    }) as unknown as typeof linkSync;
    const lock = lockRunDir(dir, ['sweep'], { link: noLinks });
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    expect(() => lockRunDir(dir, ['again'], { link: noLinks })).toThrow(/is in use by process/);
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
    // The temporary file is written; the disk is full when the lock is written in place.
    let writes = 0;
    const fullSecond = ((fd: number, data: Uint8Array, ...rest: number[]) => {
      if (writes++ === 0) return writeSync(fd, data, ...rest);
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
    }) as unknown as typeof writeSync;
    expect(() => lockRunDir(dir, ['sweep'], { link: noLinks, write: fullSecond })).toThrow(expect.objectContaining({ code: 'ENOSPC', path: join(dir, LOCK_FILE) }));
    expect(readdirSync(dir)).toEqual([]);
  });
});
