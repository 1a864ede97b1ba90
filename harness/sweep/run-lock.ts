/**
 * The exclusive lock of a run directory: one process at a time may write a run's raw.csv,
 * manifest.json and report (two writers would each atomically replace the file the other appends
 * to, and rows would vanish). The lock is a file created with O_EXCL holding the owner's pid and
 * host; it is removed when the owner releases it or exits, and a lock left by a process that no
 * longer exists on this host (SIGKILL, power loss) is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../lib/errors.ts';

export const LOCK_FILE = '.lock';

interface Owner {
  pid: number;
  host: string;
  started_at: string;
  command: string[];
}

export interface RunLock {
  release(): void;
}

/** Takes the lock of `dir` (which must exist) or throws an InputError naming its holder. */
export function lockRunDir(dir: string, command: string[]): RunLock {
  const path = join(dir, LOCK_FILE);
  const me: Owner = { pid: process.pid, host: hostname(), started_at: new Date().toISOString(), command };
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o644);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new InputError(`${dir}: no such directory; expected a run directory`);
      if (code !== 'EEXIST') throw err;
      const owner = readOwner(path);
      if (attempt === 0 && owner !== null && isStale(owner)) {
        rmSync(path, { force: true });
        continue;
      }
      const who = owner ? `process ${owner.pid} on ${owner.host} (since ${owner.started_at}: alloc-bench ${owner.command.join(' ')})` : 'another process';
      throw new InputError(`${dir} is in use by ${who}; wait for it to finish, or remove ${path} if that process is gone`);
    }
    try {
      writeSync(fd, `${JSON.stringify(me)}\n`);
    } finally {
      closeSync(fd);
    }
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      process.off('exit', release);
      // Only our own lock: never remove one another process took over.
      if (readOwner(path)?.pid === me.pid) rmSync(path, { force: true });
    };
    process.on('exit', release);
    return { release };
  }
}

/** Runs `fn` holding the lock of `dir`. */
export async function withRunLock<T>(dir: string, command: string[], fn: () => Promise<T>): Promise<T> {
  const lock = lockRunDir(dir, command);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}

function readOwner(path: string): Owner | null {
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as Owner;
    return Number.isInteger(o.pid) && typeof o.host === 'string' ? o : null;
  } catch {
    return null; // being written, or not ours: treat as held
  }
}

/** A lock of a process that no longer exists on this host. Locks of other hosts are never stale to us. */
function isStale(owner: Owner): boolean {
  if (owner.host !== hostname()) return false;
  if (owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
