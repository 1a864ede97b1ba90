import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../solvers/problem/errors.ts';
import { SOURCES, downloadTraces } from './download.ts';

const REPO = dirname(dirname(fileURLToPath(import.meta.url)));
const CODE = 'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03.9799600,4808,10\n';
const CONV = 'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6805900,374,44\n';
const MULTIMODAL = 'TIMESTAMP,NumImages,ContextTokens,GeneratedTokens\n2024-10-15 00:00:00+00:00,1,900,30\n';

// A local mirror: /ok/ serves every file, /half/ serves code then 404s conv, /cut/ drops the
// connection mid-body.
const files: Record<string, Buffer> = {
  'AzureLLMInferenceTrace_code.csv': Buffer.from(CODE),
  'AzureLLMInferenceTrace_conv.csv': Buffer.from(CONV),
  'AzureLMMInferenceTrace_multimodal.csv.gz': gzipSync(MULTIMODAL),
};
const server = createServer((req, res) => {
  const [, mirror, name] = req.url!.split('/');
  const body = files[name];
  if (body === undefined || (mirror === 'half' && name.includes('conv'))) {
    res.writeHead(404, 'Not Found').end('missing');
  } else if (mirror === 'cut') {
    res.writeHead(200, { 'content-length': String(body.length * 10) });
    res.write(body, () => res.destroy());
  } else {
    res.writeHead(200).end(body);
  }
});
let base = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
  rmSync(root, { recursive: true, force: true });
});

const root = mkdtempSync(join(tmpdir(), 'download-test-'));
let dirs = 0;
const freshDir = () => join(root, `d${dirs++}`);

describe('downloadTraces', () => {
  it('fetches the 2023 files from a base URL', async () => {
    const dir = freshDir();
    const written = await downloadTraces({ dataset: '2023', dir, baseUrl: `${base}/ok/` });
    expect(written).toEqual([
      join(dir, 'AzureLLMInferenceTrace_code.csv'),
      join(dir, 'AzureLLMInferenceTrace_conv.csv'),
    ]);
    expect(readFileSync(written[0], 'utf8')).toBe(CODE);
    expect(readFileSync(written[1], 'utf8')).toBe(CONV);
    expect(readdirSync(dir).sort()).toEqual(['AzureLLMInferenceTrace_code.csv', 'AzureLLMInferenceTrace_conv.csv']);
  });

  it('decompresses the gzipped 2025 multimodal trace', async () => {
    const dir = freshDir();
    const written = await downloadTraces({ dataset: '2025', dir, baseUrl: `${base}/ok` });
    expect(written).toEqual([join(dir, 'AzureLMMInferenceTrace_multimodal.csv')]);
    expect(readFileSync(written[0], 'utf8')).toBe(MULTIMODAL);
  });

  it('names the URL of an HTTP error and leaves no file behind', async () => {
    const dir = freshDir();
    const url = `${base}/half/AzureLLMInferenceTrace_conv.csv`;
    const err = await downloadTraces({ dataset: '2023', dir, baseUrl: `${base}/half` }).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe(`cannot download ${url}: HTTP 404 Not Found`);
    // the code file before it completed; nothing of conv, not even a temporary
    expect(readdirSync(dir)).toEqual(['AzureLLMInferenceTrace_code.csv']);
  });

  it('keeps an existing file when a download breaks off mid-body', async () => {
    const dir = freshDir();
    await downloadTraces({ dataset: '2023', dir, baseUrl: `${base}/ok` });
    writeFileSync(join(dir, 'AzureLLMInferenceTrace_code.csv'), 'previous');
    await expect(downloadTraces({ dataset: '2023', dir, baseUrl: `${base}/cut` })).rejects.toThrow(
      new RegExp(`cannot download ${base}/cut/AzureLLMInferenceTrace_code.csv`),
    );
    expect(readFileSync(join(dir, 'AzureLLMInferenceTrace_code.csv'), 'utf8')).toBe('previous');
    expect(readdirSync(dir).sort()).toEqual(['AzureLLMInferenceTrace_code.csv', 'AzureLLMInferenceTrace_conv.csv']);
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
  const cli = (...args: string[]) =>
    promisify(execFile)(process.execPath, [join(REPO, 'harness', 'bin.mjs'), 'traces', 'download', ...args], {
      cwd: REPO,
    });

  it('downloads into --dir from --base-url', async () => {
    const dir = freshDir();
    const { stdout } = await cli('--dataset', '2023', '--dir', dir, '--base-url', `${base}/ok`);
    expect(stdout).toContain('downloaded 2 file(s)');
    expect(readFileSync(join(dir, 'AzureLLMInferenceTrace_conv.csv'), 'utf8')).toBe(CONV);
  });

  it('exits 2 with the URL on an HTTP error', async () => {
    const dir = freshDir();
    const err = await cli('--dir', dir, '--base-url', `${base}/half`).catch((e) => e);
    expect(err.code).toBe(2);
    expect(err.stderr).toBe(
      `alloc-bench: cannot download ${base}/half/AzureLLMInferenceTrace_conv.csv: HTTP 404 Not Found\n`,
    );
    expect(existsSync(join(dir, 'AzureLLMInferenceTrace_conv.csv'))).toBe(false);
  });
});
