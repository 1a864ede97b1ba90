import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../lib/errors.ts';
import { SOURCES, downloadTraces } from './download.ts';
import { CODE as CODE_2023, CONV as CONV_2023, HAVE_TRACES, REAL, SHARED_TRACES } from '../testing/trace-files.ts';
import { runChild } from '../testing/child-process.ts';

const REPO = dirname(dirname(fileURLToPath(import.meta.url)));
const H23 = 'TIMESTAMP,ContextTokens,GeneratedTokens';
const CODE = `${H23}\n2024-05-10 00:00:00.009930+00:00,4808,10\n`;
const CONV = `${H23}\n2024-05-10 00:00:00.009930+00:00,374,44\n`;
const MULTIMODAL = 'TIMESTAMP,NumImages,ContextTokens,GeneratedTokens\n2024-10-15 00:00:00+00:00,1,900,30\n';
const OFFICIAL_2023 = SOURCES['2023'].files;

// A local mirror (127.0.0.1 only). The 2024 names serve tiny synthetic files (no checksum is
// known for them); the 2023 names serve the real files when the local copy exists.
const files: Record<string, Buffer> = {
  'AzureLLMInferenceTrace_code_1week.csv': Buffer.from(CODE),
  'AzureLLMInferenceTrace_conv_1week.csv': Buffer.from(CONV),
  'AzureLMMInferenceTrace_multimodal.csv.gz': gzipSync(MULTIMODAL),
  ...(HAVE_TRACES ? { [basename(CODE_2023)]: readFileSync(CODE_2023), [basename(CONV_2023)]: readFileSync(CONV_2023) } : {}),
};
/** Same size as the official 2023 file and the right header, other bytes: a checksum must catch it. */
const altered = (bytes: number) => Buffer.concat([Buffer.from(`${H23}\n`), Buffer.alloc(bytes - H23.length - 1, '1')]);
/** Mirrors by first path segment; each serves the files above in its own (mostly broken) way. */
const server = createServer((req, res) => {
  const [, mirror, name] = req.url!.split('/');
  const official = OFFICIAL_2023.find((f) => f.remote === name);
  const body = mirror === 'altered' && official ? altered(official.expected!.bytes) : files[name];
  if (mirror === 'html') {
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><html><body>Rate limited</body></html>\n');
  } else if (body === undefined || (mirror === 'half' && name.includes('conv'))) {
    res.writeHead(404, 'Not Found').end('missing');
  } else if (mirror === 'cut') {
    res.writeHead(200, { 'content-length': String(body.length * 10) });
    res.write(body, () => res.destroy());
  } else if (mirror === 'short') {
    // A Content-Length shorter than the file, and only that much sent: the client sees a whole body.
    const cut = body.subarray(0, body.length - 12);
    res.writeHead(200, { 'content-length': String(cut.length) }).end(cut);
  } else if (mirror === 'drip') {
    res.writeHead(200);
    let at = 0;
    const drip = setInterval(() => (at < body.length && !res.destroyed ? res.write(body.subarray(at, ++at)) : clearInterval(drip)), 40);
    res.on('close', () => clearInterval(drip));
  } else if (mirror === 'stall') {
    res.writeHead(200);
    res.write(body.subarray(0, body.length >> 1)); // and nothing more, ever
  } else {
    res.writeHead(200).end(body);
  }
});
/** An HTTP/1.0-style mirror that ends the body by closing the connection, cut at half: no length, no chunks. */
const closing = createNetServer((socket) => {
  socket.once('data', (req) => {
    const name = req.toString().split(' ')[1].split('/').pop()!;
    const body = files[name] ?? Buffer.alloc(0);
    socket.end(Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n'), body.subarray(0, body.length >> 1)]));
  });
});
let base = '';
let closingBase = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => closing.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closingBase = `http://127.0.0.1:${(closing.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
  closing.close();
  rmSync(root, { recursive: true, force: true });
});

const root = mkdtempSync(join(tmpdir(), 'download-test-'));
let dirs = 0;
const freshDir = () => join(root, `d${dirs++}`);
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected the download to fail'); }, (e: Error) => e);

const tmpFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.tmp')) : []);

describe('downloadTraces', () => {
  it('fetches the 2024 files from a base URL, noting that no checksum is known for them', async () => {
    const dir = freshDir();
    const notes: string[] = [];
    const written = await downloadTraces({ dataset: '2024', dir, baseUrl: `${base}/ok/`, onNote: (l) => notes.push(l) });
    expect(written).toEqual([
      join(dir, 'AzureLLMInferenceTrace_code_1week.csv'),
      join(dir, 'AzureLLMInferenceTrace_conv_1week.csv'),
    ]);
    expect(readFileSync(written[0], 'utf8')).toBe(CODE);
    expect(readFileSync(written[1], 'utf8')).toBe(CONV);
    expect(readdirSync(dir).sort()).toEqual(['AzureLLMInferenceTrace_code_1week.csv', 'AzureLLMInferenceTrace_conv_1week.csv']);
    expect(notes[0]).toBe(`${written[0]}: no known checksum to verify against; got ${CODE.length} bytes, sha256 ${createHash('sha256').update(CODE).digest('hex')}`);
  });

  it.skipIf(!HAVE_TRACES)(`accepts ${REAL}: their size and SHA-256 are the ones recorded`, async () => {
    const dir = freshDir();
    const notes: string[] = [];
    const written = await downloadTraces({ dataset: '2023', dir, baseUrl: `${base}/ok`, onNote: (l) => notes.push(l) });
    expect(written.map((p) => readFileSync(p).equals(readFileSync(join(SHARED_TRACES, basename(p)))))).toEqual([true, true]);
    expect(notes).toEqual([]);
  });

  it('refuses a 2023 file whose bytes differ from the official one, and keeps nothing', async () => {
    const dir = freshDir();
    const err = await failure(downloadTraces({ dataset: '2023', dir, baseUrl: `${base}/altered` }));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/^cannot download .*\/altered\/AzureLLMInferenceTrace_code\.csv: expected the official file of 320117 bytes with sha256 54e9a6d2.*, got 320117 bytes with sha256 [0-9a-f]{64} \(truncated or altered\)$/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses an HTML page served with 200 OK', async () => {
    const dir = freshDir();
    const err = await failure(downloadTraces({ dataset: '2024', dir, baseUrl: `${base}/html` }));
    expect(err.message).toBe(
      `cannot download ${base}/html/AzureLLMInferenceTrace_code_1week.csv: expected a trace CSV starting with the header "${H23}", got "<!DOCTYPE html><html><body>Rate limited</body></html>" (an HTML page?)`,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a gzip body cut short by a server that sends no Content-Length', async () => {
    const dir = freshDir();
    const err = await failure(downloadTraces({ dataset: '2025', dir, baseUrl: closingBase }));
    expect(err.message).toMatch(/AzureLMMInferenceTrace_multimodal\.csv\.gz: the gzip data is truncated or corrupt \(unexpected end of file\)$/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it.skipIf(!HAVE_TRACES)(`refuses ${REAL} cut short by a server that sends no Content-Length`, async () => {
    const dir = freshDir();
    const err = await failure(downloadTraces({ dataset: '2023', dir, baseUrl: closingBase }));
    expect(err.message).toMatch(/_code\.csv: expected the official file of 320117 bytes .*, got 160058 bytes/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('abandons a transfer that stalls, leaving no temporary file', async () => {
    const dir = freshDir();
    const err = await failure(downloadTraces({ dataset: '2024', dir, baseUrl: `${base}/stall`, stallTimeoutMs: 300 }));
    expect(err.message).toBe(`cannot download ${base}/stall/AzureLLMInferenceTrace_code_1week.csv: stalled: no data for 0.3 s`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a body cut at a short Content-Length: the file must end with a whole row (issue 28.3)', async () => {
    const dir = freshDir();
    const err = await failure(downloadTraces({ dataset: '2024', dir, baseUrl: `${base}/short` }));
    expect(err.message).toMatch(new RegExp(`^cannot download ${base}/short/AzureLLMInferenceTrace_code_1week\\.csv: truncated: the file ends inside a row \\(.*\\); expected it to end with a complete row of 3 fields$`));
    expect(readdirSync(dir)).toEqual([]);
  });

  it('abandons a drip that never stalls but stays below the minimum rate (issue 28.3)', async () => {
    const dir = freshDir();
    const err = await failure(downloadTraces({ dataset: '2024', dir, baseUrl: `${base}/drip`, stallTimeoutMs: 200 }));
    expect(err.message).toMatch(/: too slow: \d+ bytes in 1 s; expected at least 65536 bytes in every 1 s$/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('removes the temporary files a killed download left, and only those of dead processes', async () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    const { pid: dead } = await runChild(process.execPath, ['-e', '0']);
    const stale = `AzureLLMInferenceTrace_code_1week.csv.${dead}.0123456789ab.tmp`;
    const live = `AzureLLMInferenceTrace_code_1week.csv.${process.pid}.0123456789ab.tmp`;
    for (const f of [stale, live, 'mine.tmp']) writeFileSync(join(dir, f), 'x');
    await downloadTraces({ dataset: '2024', dir, baseUrl: `${base}/ok` });
    expect(existsSync(join(dir, stale))).toBe(false);
    expect(existsSync(join(dir, live))).toBe(true);
    expect(existsSync(join(dir, 'mine.tmp'))).toBe(true);
  });

  it.skipIf(!existsSync('/proc/self'))('fails at once on a --dir under /proc', async () => {
    await expect(downloadTraces({ dataset: '2024', dir: '/proc/no-such/dir', baseUrl: `${base}/ok` })).rejects.toThrow(
      /^cannot create directory \/proc\/no-such: \/proc does not take new directories/,
    );
  });

  it('decompresses the gzipped 2025 multimodal trace', async () => {
    const dir = freshDir();
    const written = await downloadTraces({ dataset: '2025', dir, baseUrl: `${base}/ok` });
    expect(written).toEqual([join(dir, 'AzureLMMInferenceTrace_multimodal.csv')]);
    expect(readFileSync(written[0], 'utf8')).toBe(MULTIMODAL);
  });

  it('names the URL of an HTTP error and leaves no file behind', async () => {
    const dir = freshDir();
    const url = `${base}/half/AzureLLMInferenceTrace_conv_1week.csv`;
    const err = await failure(downloadTraces({ dataset: '2024', dir, baseUrl: `${base}/half` }));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe(`cannot download ${url}: HTTP 404 Not Found`);
    // the code file before it completed; nothing of conv, not even a temporary
    expect(readdirSync(dir)).toEqual(['AzureLLMInferenceTrace_code_1week.csv']);
  });

  it('keeps an existing file when a download breaks off mid-body', async () => {
    const dir = freshDir();
    await downloadTraces({ dataset: '2024', dir, baseUrl: `${base}/ok` });
    writeFileSync(join(dir, 'AzureLLMInferenceTrace_code_1week.csv'), 'previous');
    await expect(downloadTraces({ dataset: '2024', dir, baseUrl: `${base}/cut` })).rejects.toThrow(
      new RegExp(`cannot download ${base}/cut/AzureLLMInferenceTrace_code_1week.csv`),
    );
    expect(readFileSync(join(dir, 'AzureLLMInferenceTrace_code_1week.csv'), 'utf8')).toBe('previous');
    expect(readdirSync(dir).sort()).toEqual(['AzureLLMInferenceTrace_code_1week.csv', 'AzureLLMInferenceTrace_conv_1week.csv']);
  });

  it('reports an unreachable server with its URL', async () => {
    await expect(
      downloadTraces({ dataset: '2024', dir: freshDir(), baseUrl: 'http://127.0.0.1:1' }),
    ).rejects.toThrow(/cannot download http:\/\/127\.0\.0\.1:1\/AzureLLMInferenceTrace_code_1week\.csv: /);
  });

  it('uses the official addresses by default', () => {
    const urls = (d: keyof typeof SOURCES) => SOURCES[d].files.map((f) => `${SOURCES[d].baseUrl}/${f.remote}`);
    expect(urls('2023')).toEqual([
      'https://raw.githubusercontent.com/Azure/AzurePublicDataset/master/data/AzureLLMInferenceTrace_code.csv',
      'https://raw.githubusercontent.com/Azure/AzurePublicDataset/master/data/AzureLLMInferenceTrace_conv.csv',
    ]);
    expect(urls('2024')).toEqual([
      'https://github.com/Azure/AzurePublicDataset/releases/download/dataset-llm-2024/AzureLLMInferenceTrace_code_1week.csv',
      'https://github.com/Azure/AzurePublicDataset/releases/download/dataset-llm-2024/AzureLLMInferenceTrace_conv_1week.csv',
    ]);
    expect(urls('2025')).toEqual([
      'https://github.com/Azure/AzurePublicDataset/raw/master/data/AzureLMMInferenceTrace_multimodal.csv.gz',
    ]);
  });
});

describe('alloc-bench traces download (CLI)', () => {
  const BIN = join(REPO, 'harness', 'bin.mjs');
  const cli = (...args: string[]) =>
    promisify(execFile)(process.execPath, [BIN, 'traces', 'download', ...args], { cwd: REPO });

  it('downloads into --dir from --base-url', async () => {
    const dir = freshDir();
    const { stdout, stderr } = await cli('--dataset', '2024', '--dir', dir, '--base-url', `${base}/ok`);
    expect(stdout).toContain('downloaded 2 file(s)');
    expect(stderr).toContain('no known checksum to verify against');
    expect(readFileSync(join(dir, 'AzureLLMInferenceTrace_conv_1week.csv'), 'utf8')).toBe(CONV);
  });

  it('exits 2 with the URL on an HTTP error', async () => {
    const dir = freshDir();
    const err = await cli('--dataset', '2024', '--dir', dir, '--base-url', `${base}/half`).catch((e) => e);
    expect(err.code).toBe(2);
    expect(err.stderr).toMatch(
      new RegExp(`alloc-bench: cannot download ${base}/half/AzureLLMInferenceTrace_conv_1week.csv: HTTP 404 Not Found\n$`),
    );
    expect(existsSync(join(dir, 'AzureLLMInferenceTrace_conv_1week.csv'))).toBe(false);
  });

  it('removes its temporary file when killed with SIGTERM mid-transfer', async () => {
    const dir = freshDir();
    const child = spawn(process.execPath, [BIN, 'traces', 'download', '--dataset', '2024', '--dir', dir, '--base-url', `${base}/stall`], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    while (tmpFiles(dir).length === 0) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    expect(await exited).toBe('SIGTERM');
    expect(readdirSync(dir)).toEqual([]);
  }, 60_000);
});
