import { randomBytes } from 'node:crypto';
import { closeSync, lstatSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError } from './errors.ts';

/**
 * Writes a whole file or nothing: the data goes to a temporary sibling that is renamed into
 * place only once complete, so an error or a kill never leaves a half-written output behind.
 * The temporary file has an unpredictable name and is created exclusively (O_EXCL), so a
 * symlink planted next to the output is never followed; the rename replaces a symlink at
 * `path` itself rather than writing through it.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  makeDirs(dirname(path));
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const fd = openSync(tmp, 'wx', 0o644);
    try {
      writeAll(fd, typeof data === 'string' ? Buffer.from(data) : data);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    // Errors name the temporary file, or no file at all (a write to a descriptor): the path
    // the user asked for is the useful name.
    const e = err as NodeJS.ErrnoException;
    if (e.code && (e.path === undefined || e.path === tmp)) e.path = path;
    throw err;
  }
}

/** Writes every byte: `writeSync` may write fewer than asked (a nearly full disk). */
export function writeAll(fd: number, data: Uint8Array, write: typeof writeSync = writeSync): void {
  for (let at = 0; at < data.length; ) {
    const n = write(fd, data, at, data.length - at);
    if (n <= 0) throw Object.assign(new Error(`short write: ${n} of ${data.length - at} bytes`), { code: 'ENOSPC' });
    at += n;
  }
}

/**
 * `mkdir -p`, one component at a time: Node's recursive mkdir spins forever on a path under
 * /proc, where a missing component can never be created; here that is an immediate error.
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  let at = resolve(dir);
  for (;;) {
    try {
      if (!statSync(at).isDirectory()) throw new InputError(`${at} is not a directory; expected a directory to write into`);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      missing.push(at);
      const parent = dirname(at);
      if (parent === at) break;
      at = parent;
    }
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new InputError(`cannot create directory ${d}: ${dirname(d)} does not take new directories (a virtual file system such as /proc?); expected a writable location`);
      if (code !== 'EEXIST') throw err;
    }
  }
}

/**
 * Makes `sub` inside `root` (a run directory) and checks it is a real directory, not a symlink
 * that would send the files written into it elsewhere.
 */
export function makeSubdir(root: string, sub: string): string {
  const dir = join(root, sub);
  try {
    mkdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const st = lstatSync(dir);
  if (st.isSymbolicLink()) throw new InputError(`${dir} is a symbolic link; expected a plain directory inside the run directory (remove the link)`);
  if (!st.isDirectory()) throw new InputError(`${dir} is not a directory; expected a plain directory inside the run directory`);
  return dir;
}
