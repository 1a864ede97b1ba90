/**
 * Shared by the trace tests: where the local copy of the real 2023 traces lives (read, never
 * copied into the repo) and a temporary folder for small synthetic CSVs.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = dirname(dirname(fileURLToPath(import.meta.url)));
export const SHARED_TRACES = join(REPO, '..', 'shared', 'traces');
export const CODE = join(SHARED_TRACES, 'AzureLLMInferenceTrace_code.csv');
export const CONV = join(SHARED_TRACES, 'AzureLLMInferenceTrace_conv.csv');
export const HAVE_TRACES = existsSync(CODE) && existsSync(CONV);
/** Test-name suffix that makes a skip visible in the report. */
export const REAL = `the real 2023 traces${HAVE_TRACES ? '' : ` (SKIPPED: ${SHARED_TRACES} not found)`}`;

/** A temporary folder and a writer of small CSV files into it; call `cleanup` in afterAll. */
export function scratchCsvDir(prefix: string): { dir: string; csvFile: (name: string, text: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    csvFile: (name, text) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
