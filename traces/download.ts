// Fetches the official Azure LLM inference trace CSVs on request; they are third-party data
// (CC-BY 4.0) and never committed, so a fresh checkout downloads them here.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, readdirSync, rmSync, type WriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import { InputError } from '../lib/errors.ts';
import { makeDirs } from '../lib/files.ts';
import { HEADER_2023, HEADER_2025 } from './csv-reader.ts';

export const DATASETS = ['2023', '2024', '2025'] as const;
export type Dataset = (typeof DATASETS)[number];

/** Git-ignored, next to this module, so the default does not depend on the working directory. */
export const DEFAULT_TRACE_DIR = fileURLToPath(new URL('./data', import.meta.url));

interface RemoteFile {
  /** Name on the server, appended to the base URL. */
  remote: string;
  /** Name written to `dir`; a `.gz` remote is decompressed while streaming. */
  local: string;
  /** Size and SHA-256 of the local file, where known: a download that differs is refused. */
  expected?: { bytes: number; sha256: string };
}

interface Source {
  baseUrl: string;
  /** The header row every file of the dataset starts with. */
  header: string;
  files: RemoteFile[];
}

const csv = (name: string, expected?: RemoteFile['expected']): RemoteFile => ({ remote: name, local: name, expected });

/**
 * Official addresses, from the AzurePublicDataset repository: AzureLLMInferenceDataset2023.md
 * (data/ folder), AzureLLMInferenceDataset2024Links.txt (the `dataset-llm-2024` release, where
 * the files moved from the former azurepublicdatasettraces blob store), and
 * AzureLMMInferenceDataset2025.md ("Dataset is located at: data/AzureLMMInferenceTrace_multimodal
 * .csv.gz"). The 2025 file is fetched through github.com/…/raw/, which also resolves Git LFS
 * objects; raw.githubusercontent.com would serve an LFS pointer if the file were stored that way.
 */
export const SOURCES: Record<Dataset, Source> = {
  '2023': {
    baseUrl: 'https://raw.githubusercontent.com/Azure/AzurePublicDataset/master/data',
    header: HEADER_2023,
    // Measured on copies of the official files (one hour each, November 2023).
    files: [
      csv('AzureLLMInferenceTrace_code.csv', { bytes: 320_117, sha256: '54e9a6d2a4bd06ba1e060304b900abbc74cbea53de96506e60fe5bb4f2277fb6' }),
      csv('AzureLLMInferenceTrace_conv.csv', { bytes: 719_188, sha256: '2f1e5b666d4e3055fdbba98598ce2ec307767b9064e03e2fa46676dbcc7d0bf8' }),
    ],
  },
  '2024': {
    baseUrl: 'https://github.com/Azure/AzurePublicDataset/releases/download/dataset-llm-2024',
    header: HEADER_2023,
    files: [
      csv('AzureLLMInferenceTrace_code_1week.csv'),
      csv('AzureLLMInferenceTrace_conv_1week.csv'),
    ],
  },
  '2025': {
    baseUrl: 'https://github.com/Azure/AzurePublicDataset/raw/master/data',
    header: HEADER_2025,
    files: [
      {
        remote: 'AzureLMMInferenceTrace_multimodal.csv.gz',
        local: 'AzureLMMInferenceTrace_multimodal.csv',
      },
    ],
  },
};

export interface DownloadOptions {
  dataset: Dataset;
  dir?: string;
  /** Fetch `${baseUrl}/${file}` instead of the official address (mirrors, tests). */
  baseUrl?: string;
  /** Called once per file before it is fetched. */
  onFile?: (url: string, dest: string) => void;
  /** Called with what could not be verified (a file without a known checksum). */
  onNote?: (line: string) => void;
  /** A transfer that delivers no data for this long is abandoned (default 60 s). */
  stallTimeoutMs?: number;
}

export const DEFAULT_STALL_TIMEOUT_MS = 60_000;
/**
 * A transfer must also keep an average rate: at least MIN_WINDOW_BYTES in every window of
 * RATE_WINDOW_STALLS stall timeouts (64 KiB per 5 min by default, about 220 bytes/s). A drip of
 * one byte every few seconds never trips the stall rule and would run for months.
 */
export const MIN_WINDOW_BYTES = 65_536;
export const RATE_WINDOW_STALLS = 5;

/** Downloads every file of a dataset; returns the paths written. */
export async function downloadTraces(opts: DownloadOptions): Promise<string[]> {
  const source = SOURCES[opts.dataset];
  if (source === undefined) {
    throw new InputError(`unknown trace dataset "${opts.dataset}"; expected ${DATASETS.join(', ')}`);
  }
  const dir = opts.dir ?? DEFAULT_TRACE_DIR;
  const base = (opts.baseUrl ?? source.baseUrl).replace(/\/+$/, '');
  makeDirs(dir);
  removeStaleTemporaries(dir, source.files.map((f) => f.local));
  const written: string[] = [];
  for (const file of source.files) {
    const url = `${base}/${file.remote}`;
    const dest = join(dir, file.local);
    opts.onFile?.(url, dest);
    const got = await downloadFile(url, dest, file, source.header, opts.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS);
    if (!file.expected) opts.onNote?.(`${dest}: no known checksum to verify against; got ${got.bytes} bytes, sha256 ${got.sha256}`);
    written.push(dest);
  }
  return written;
}

/**
 * Streams to an exclusively created temporary sibling, renamed into place only once everything
 * checks out: the HTTP status, the header row (an HTML error page served with 200 is not a
 * trace), the byte count against Content-Length, the gzip stream (its CRC and length trailer)
 * and, where known, the size and SHA-256 of the result. A transfer that stalls is abandoned;
 * SIGINT or SIGTERM removes the temporary file before the process ends.
 */
async function downloadFile(url: string, dest: string, file: RemoteFile, header: string, stallMs: number): Promise<{ bytes: number; sha256: string }> {
  const fail = (why: string) => new InputError(`cannot download ${url}: ${why}`);
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const stalled = () => {
    clearTimeout(timer);
    timer = setTimeout(() => abort.abort(new Error(`stalled: no data for ${stallMs / 1000} s`)), stallMs);
  };
  const windowMs = RATE_WINDOW_STALLS * stallMs;
  let windowStart = 0;
  const rateTimer = setInterval(() => {
    const got = received.bytes - windowStart;
    if (got < MIN_WINDOW_BYTES) abort.abort(new Error(`too slow: ${got} bytes in ${windowMs / 1000} s; expected at least ${MIN_WINDOW_BYTES} bytes in every ${windowMs / 1000} s`));
    windowStart = received.bytes;
  }, windowMs);
  const received = new Counter(stalled);
  const tmp = `${dest}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const cleanUp = () => rmSync(tmp, { force: true });
  const onSignal = (signal: NodeJS.Signals) => {
    cleanUp();
    process.kill(process.pid, signal); // the default action, now that our listeners are gone
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const sig of signals) process.once(sig, onSignal);
  let out: WriteStream | undefined;
  try {
    stalled();
    let res: Response;
    try {
      res = await fetch(url, { signal: abort.signal });
    } catch (err) {
      throw fail(reason(err, abort.signal));
    }
    if (!res.ok || res.body === null) {
      await res.body?.cancel();
      throw fail(`HTTP ${res.status} ${res.statusText}`.trim());
    }
    const declared = res.headers.get('content-length');
    const check = new ResultCheck(header);
    const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
    const gunzip = file.remote.endsWith('.gz');
    try {
      out = createWriteStream(tmp, { flags: 'wx' });
      await pipeline([body, received, ...(gunzip ? [createGunzip()] : []), check, out]);
    } catch (err) {
      if (err instanceof InputError) throw fail(err.message);
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR') throw fail(`the gzip data is truncated or corrupt (${(err as Error).message})`);
      if (code && /^E[A-Z]+$/.test(code) && (err as NodeJS.ErrnoException).syscall) throw err; // a local file-system failure
      throw fail(reason(err, abort.signal));
    }
    // With a Content-Encoding, fetch decodes the body and Content-Length counts the encoded bytes.
    const encoded = (res.headers.get('content-encoding') ?? 'identity') !== 'identity';
    if (declared !== null && !encoded && Number(declared) !== received.bytes) {
      throw fail(`truncated: got ${received.bytes} of the ${declared} bytes the server announced (Content-Length)`);
    }
    check.finish();
    const got = { bytes: check.bytes, sha256: check.sha256() };
    const want = file.expected;
    if (want && (got.bytes !== want.bytes || got.sha256 !== want.sha256)) {
      throw fail(`expected the official file of ${want.bytes} bytes with sha256 ${want.sha256}, got ${got.bytes} bytes with sha256 ${got.sha256} (truncated or altered)`);
    }
    try {
      check.checkLastRow();
    } catch (err) {
      throw err instanceof InputError ? fail(err.message) : err;
    }
    await rename(tmp, dest);
    return got;
  } catch (err) {
    // A body that breaks off early can fail the pipeline before the file stream has opened; the
    // stream still creates the file, so wait for it to close before removing the temporary.
    if (out && !out.closed) await new Promise<void>((done) => out!.once('close', () => done()));
    cleanUp();
    throw err;
  } finally {
    clearTimeout(timer);
    clearInterval(rateTimer);
    for (const sig of signals) process.off(sig, onSignal);
  }
}

/**
 * Temporary files a killed download left (`<file>.<pid>.<random>.tmp`, SIGKILL gives no chance to
 * remove them): those of this dataset's files whose process is gone are removed.
 */
function removeStaleTemporaries(dir: string, locals: string[]): void {
  for (const name of readdirSync(dir)) {
    const m = /^(.+)\.(\d+)\.[0-9a-f]{12}\.tmp$/.exec(name);
    if (!m || !locals.includes(m[1]) || processExists(Number(m[2]))) continue;
    rmSync(join(dir, name), { force: true });
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Why a transfer failed: the stall timeout's message, or the network error's cause. */
function reason(err: unknown, signal: AbortSignal): string {
  if (signal.aborted) return (signal.reason as Error).message;
  const e = err as Error & { cause?: Error };
  return e.cause?.message ?? e.message;
}

/** Counts the bytes received and restarts the stall timer on each chunk. */
class Counter extends Transform {
  bytes = 0;

  constructor(private readonly onData: () => void) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    this.onData();
    done(null, chunk);
  }
}

/** Hashes and counts the file as written, and checks its first line is the expected header. */
class ResultCheck extends Transform {
  bytes = 0;
  private readonly hash = createHash('sha256');
  private head = '';
  private tail = '';
  private headerChecked = false;

  constructor(private readonly header: string) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    this.hash.update(chunk);
    this.tail = (this.tail + chunk.toString('latin1', Math.max(0, chunk.length - 512))).slice(-512);
    if (!this.headerChecked) {
      this.head += chunk.toString('latin1', 0, Math.min(chunk.length, 256));
      try {
        this.checkHeader(false);
      } catch (err) {
        return done(err as Error);
      }
    }
    done(null, chunk);
  }

  finish(): void {
    if (!this.headerChecked) this.checkHeader(true);
  }

  checkLastRow(): void {
    // A body cut at a short Content-Length (or any way the checks above cannot see) most likely
    // ends inside a row. The official 2023 files have no final line break, so a last line without
    // one must at least be a whole row: every field present, the timestamp complete. (A cut inside
    // the last number of such a file cannot be told from a whole row; checksums catch it for 2023.)
    if (this.tail.endsWith('\n')) return;
    const last = this.tail.slice(this.tail.lastIndexOf('\n') + 1).replace(/\r$/, '');
    const fields = last.split(',');
    const columns = this.header.split(',').length;
    if (fields.length !== columns || fields.some((f) => f === '') || fields[0].length < 19) {
      throw new InputError(`truncated: the file ends inside a row ("…${last.slice(-40)}"); expected it to end with a complete row of ${columns} fields`);
    }
  }

  sha256(): string {
    return this.hash.digest('hex');
  }

  private checkHeader(atEnd: boolean): void {
    const nl = this.head.indexOf('\n');
    if (nl < 0 && !atEnd && this.head.length < 256) return;
    const first = (nl < 0 ? this.head : this.head.slice(0, nl)).replace(/\r$/, '').replace(/^\uFEFF/, '');
    if (first !== this.header) {
      throw new InputError(`expected a trace CSV starting with the header "${this.header}", got "${first.slice(0, 60)}"${/</.test(first) ? ' (an HTML page?)' : ''}`);
    }
    this.headerChecked = true;
  }
}
