/**
 * The CLI's error boundary: which failures are the user's or the machine's (bad input, a missing
 * or unwritable path, a full disk, a malformed CSV) — one line, exit 2 — and which are bugs
 * (everything else: a stack trace and a request to report it, exit 1).
 */
import { InputError } from '../../lib/errors.ts';

/** Exit code of bad input and environment failures (README, "Command line"). */
export const EXIT_INPUT = 2;
/** Exit code of a bug in alloc-bench itself. */
export const EXIT_INTERNAL = 1;

/** What an errno of the file system means for the user, and what to do about it. */
const FS_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory; expected a file',
  ENOTDIR: 'a component of the path is not a directory; expected a directory',
  EEXIST: 'already exists',
  ENOTEMPTY: 'directory not empty',
  EROFS: 'read-only file system; expected a writable location',
  ENOSPC: 'no space left on the device (disk full); nothing half-written was kept — free space and run again (a sweep continues with --resume DIR)',
  EDQUOT: 'disk quota exceeded; nothing half-written was kept — free space and run again (a sweep continues with --resume DIR)',
  EFBIG: 'file too large for this file system',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many levels of symbolic links',
  EINVAL: 'invalid argument for this file system (procfs and sysfs cannot hold outputs)',
  EIO: 'input/output error',
  EBUSY: 'resource busy',
  EXDEV: 'cannot rename across file systems',
};

const VERBS: Record<string, string> = {
  open: 'open', read: 'read', write: 'write to', mkdir: 'create directory', rename: 'rename into',
  scandir: 'list', stat: 'read', lstat: 'read', unlink: 'remove', rmdir: 'remove', fsync: 'write to',
  ftruncate: 'truncate', copyfile: 'copy to', realpath: 'resolve', access: 'access', fstat: 'read',
};

/** Control characters (terminal escapes, line breaks) of a path or name, made visible. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

/** `printable` applied to every string inside a value: names from a file, before printing them. */
export function printableDeep<T>(value: T): T {
  if (typeof value === 'string') return printable(value) as T;
  if (Array.isArray(value)) return value.map(printableDeep) as T;
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, printableDeep(v)])) as T;
  return value;
}

/** The one line an expected failure is reported with, or null for a bug. */
export function expectedFailureLine(err: unknown): string | null {
  if (err instanceof InputError) return printable(err.message);
  if (!(err instanceof Error)) return null;
  const e = err as NodeJS.ErrnoException;
  if (typeof e.code === 'string' && e.code in FS_ERRORS) {
    const where = e.path ?? (e as { dest?: string }).dest;
    const what = e.syscall ? `cannot ${VERBS[e.syscall] ?? e.syscall} ${where ?? ''}`.trim() : where ?? 'file system';
    return printable(`${what}: ${FS_ERRORS[e.code]} (${e.code})`);
  }
  if (e.name === 'CsvError') return printable(`malformed CSV: ${e.message}`);
  return null;
}

/** Reports `err` on stderr and returns the process exit code. */
export function reportFailure(err: unknown, write: (text: string) => void): number {
  const line = expectedFailureLine(err);
  if (line !== null) {
    write(`alloc-bench: ${line}\n`);
    return EXIT_INPUT;
  }
  const detail = err instanceof Error ? err.stack ?? err.message : String(err);
  write(`alloc-bench: internal error, please report it with the command line and this trace:\n${detail}\n`);
  return EXIT_INTERNAL;
}
