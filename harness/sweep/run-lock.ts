/**
 * The exclusive lock of a run directory: one process at a time may write a run's raw.csv,
 * manifest.json and report (two writers would each atomically replace the file the other appends
 * to, and rows would vanish). The lock is a file holding the owner's pid and host, written whole
 * and then linked into place (so it exists complete or not at all); it is removed when the owner
 * releases it or exits. A lock left by a process that no longer exists on this host (SIGKILL,
 * power loss) is taken over, and so is an empty or garbage lock file (an older version's crash
 * mid-write): no process can hold it. A lock that is a directory or a symlink is refused as an
 * "unreadable lock file", saying how to clear it.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, lstatSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../lib/errors.ts';
import { writeAll } from '../../lib/files.ts';

export const LOCK_FILE = '.lock';

/** What a lock holds; read back, only pid and host are relied on (every other field is untrusted). */
interface Owner {
  pid: number;
  host: string;
  started_at?: unknown;
  command?: unknown;
}

export interface LockOptions {
  /** Where a note about a removed unreadable lock goes (default: stderr). */
  note?: (line: string) => void;
  /** `fs.writeSync` except in tests that inject a full disk. */
  write?: typeof writeSync;
  /** `fs.linkSync` except in tests of a file system without hard links. */
  link?: typeof linkSync;
}

export interface RunLock {
  release(): void;
}

/**
 * Takes the lock of `dir` (which must exist) or throws an InputError naming its holder. The lock
 * is written whole to a temporary sibling and hard-linked into place (atomic, and failing if it
 * exists): a write that fails (a full disk) leaves no lock behind to block later runs.
 */
export function lockRunDir(dir: string, command: string[], opts: LockOptions = {}): RunLock {
  const note = opts.note ?? ((line: string) => process.stderr.write(`${line}\n`));
  const path = join(dir, LOCK_FILE);
  const me: Owner = { pid: process.pid, host: hostname(), started_at: new Date().toISOString(), command };
  for (let attempt = 0; ; attempt++) {
    try {
      createWhole(path, `${JSON.stringify(me)}\n`, opts.write, opts.link);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new InputError(`${dir}: no such directory; expected a run directory`);
      if (code !== 'EEXIST') throw err;
      const found = readLock(path);
      if (attempt === 0 && found.kind === 'unreadable' && found.removable) {
        // Not a lock this version writes (it writes whole locks): left by a crash of an older one.
        note(`note: removed the unreadable lock file ${path} (${found.why}); no process can hold it`);
        rmSync(path, { force: true });
        continue;
      }
      if (found.kind === 'unreadable') {
        throw new InputError(`unreadable lock file ${path}: ${found.why}; expected a lock written by alloc-bench — if no alloc-bench process is using ${dir}, remove it (rm -r ${path})`);
      }
      const owner = found.owner;
      if (attempt === 0 && isStale(owner)) {
        rmSync(path, { force: true });
        continue;
      }
      const since = typeof owner.started_at === 'string' ? ` since ${owner.started_at}` : '';
      const cmd = Array.isArray(owner.command) && owner.command.every((c) => typeof c === 'string') ? `: alloc-bench ${owner.command.join(' ')}` : '';
      const who = `process ${owner.pid} on ${owner.host}${since || cmd ? ` (${`${since}${cmd}`.trim()})` : ''}`;
      throw new InputError(`${dir} is in use by ${who}; wait for it to finish, or remove ${path} if that process is gone`);
    }
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      process.off('exit', release);
      // Only our own lock: never remove one another process took over.
      const now = readLock(path);
      if (now.kind === 'owner' && now.owner.pid === me.pid && now.owner.host === me.host) rmSync(path, { force: true });
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

/** Creates `path` with `text`, whole or not at all; EEXIST when it exists (even as a dangling symlink). */
function createWhole(path: string, text: string, write = writeSync, link = linkSync): void {
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const fd = openSync(tmp, 'wx', 0o644);
    try {
      writeAll(fd, Buffer.from(text), write);
    } finally {
      closeSync(fd);
    }
    try {
      link(tmp, path);
    } catch (err) {
      if (!NO_HARD_LINKS.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
      // A file system without hard links (exFAT, some network mounts): create it exclusively in
      // place, and remove it if it could not be written whole.
      createInPlace(path, text, write);
    }
  } catch (err) {
    // A disk-full error names the lock, not the temporary file (or nothing: a write to a descriptor).
    const e = err as NodeJS.ErrnoException;
    if (e.code && e.code !== 'EEXIST' && (e.path === undefined || e.path === tmp)) e.path = path;
    throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
}

const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK']);

function createInPlace(path: string, text: string, write: typeof writeSync): void {
  const fd = openSync(path, 'wx', 0o644);
  try {
    writeAll(fd, Buffer.from(text), write);
  } catch (err) {
    closeSync(fd);
    rmSync(path, { force: true });
    throw err;
  }
  closeSync(fd);
}

type LockState =
  | { kind: 'owner'; owner: Owner }
  /** `removable`: a regular file no live alloc-bench can be writing (empty or not a lock); not a directory or symlink. */
  | { kind: 'unreadable'; why: string; removable: boolean };

/** What is at `path`, every field of it untrusted. */
function readLock(path: string): LockState {
  let text: string;
  try {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return { kind: 'unreadable', why: 'it is a symbolic link', removable: false };
    if (st.isDirectory()) return { kind: 'unreadable', why: 'it is a directory', removable: false };
    if (!st.isFile()) return { kind: 'unreadable', why: 'it is not a regular file', removable: false };
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'unreadable', why: 'it vanished while being read', removable: true };
    return { kind: 'unreadable', why: `it cannot be read (${code ?? String(err)})`, removable: false };
  }
  if (text.trim() === '') return { kind: 'unreadable', why: 'it is empty', removable: true };
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return { kind: 'unreadable', why: 'it is not JSON', removable: true };
  }
  const rec = (typeof o === 'object' && o !== null ? o : {}) as Partial<Owner>;
  if (!Number.isSafeInteger(rec.pid) || (rec.pid as number) <= 0 || typeof rec.host !== 'string') {
    return { kind: 'unreadable', why: 'it names no process id and host', removable: true };
  }
  return { kind: 'owner', owner: rec as Owner };
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
