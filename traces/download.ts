// Fetches the official Azure LLM inference trace CSVs on request; they are third-party data
// (CC-BY 4.0) and never committed, so a fresh checkout downloads them here.
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import { InputError } from '../solvers/problem/errors.ts';

export const DATASETS = ['2023', '2024', '2025'] as const;
export type Dataset = (typeof DATASETS)[number];

/** Git-ignored, next to this module, so the default does not depend on the working directory. */
export const DEFAULT_TRACE_DIR = fileURLToPath(new URL('./data', import.meta.url));

interface RemoteFile {
  /** Name on the server, appended to the base URL. */
  remote: string;
  /** Name written to `dir`; a `.gz` remote is decompressed while streaming. */
  local: string;
}

interface Source {
  baseUrl: string;
  files: RemoteFile[];
}

const csv = (name: string): RemoteFile => ({ remote: name, local: name });

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
    files: [csv('AzureLLMInferenceTrace_code.csv'), csv('AzureLLMInferenceTrace_conv.csv')],
  },
  '2024': {
    baseUrl: 'https://github.com/Azure/AzurePublicDataset/releases/download/dataset-llm-2024',
    files: [
      csv('AzureLLMInferenceTrace_code_1week.csv'),
      csv('AzureLLMInferenceTrace_conv_1week.csv'),
    ],
  },
  '2025': {
    baseUrl: 'https://github.com/Azure/AzurePublicDataset/raw/master/data',
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
}

/** Downloads every file of a dataset; returns the paths written. */
export async function downloadTraces(opts: DownloadOptions): Promise<string[]> {
  const source = SOURCES[opts.dataset];
  if (source === undefined) {
    throw new InputError(`unknown trace dataset "${opts.dataset}"; expected ${DATASETS.join(', ')}`);
  }
  const dir = opts.dir ?? DEFAULT_TRACE_DIR;
  const base = (opts.baseUrl ?? source.baseUrl).replace(/\/+$/, '');
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const file of source.files) {
    const url = `${base}/${file.remote}`;
    const dest = join(dir, file.local);
    opts.onFile?.(url, dest);
    await downloadFile(url, dest, file.remote.endsWith('.gz'));
    written.push(dest);
  }
  return written;
}

/** Streams to a temporary sibling renamed into place on success, so no partial file remains. */
async function downloadFile(url: string, dest: string, gunzip: boolean): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    const cause = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
    throw new InputError(`cannot download ${url}: ${cause}`);
  }
  if (!res.ok || res.body === null) {
    await res.body?.cancel();
    throw new InputError(`cannot download ${url}: HTTP ${res.status} ${res.statusText}`.trim());
  }
  const tmp = `${dest}.${process.pid}.tmp`;
  try {
    const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
    const stages: (Readable | Transform)[] = gunzip ? [body, createGunzip()] : [body];
    await pipeline([...stages, createWriteStream(tmp)]);
    await rename(tmp, dest);
  } catch (err) {
    await rm(tmp, { force: true });
    throw new InputError(`cannot download ${url}: ${(err as Error).message}`);
  }
}
