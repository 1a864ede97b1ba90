/**
 * Shared by the trace tests: where the local copy of the real 2023 traces lives (read, never
 * copied into the repo) and a temporary folder for small synthetic CSVs.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = dirname(dirname(fileURLToPath(import.meta.url)));
const FILES = ['AzureLLMInferenceTrace_code.csv', 'AzureLLMInferenceTrace_conv.csv'];
/** Where `traces download` puts them; else the project's shared copy beside the repository. */
const CANDIDATES = [join(REPO, 'traces', 'data'), join(REPO, '..', 'shared', 'traces')];
export const SHARED_TRACES = CANDIDATES.find((d) => FILES.every((f) => existsSync(join(d, f)))) ?? CANDIDATES[0];
export const CODE = join(SHARED_TRACES, FILES[0]);
export const CONV = join(SHARED_TRACES, FILES[1]);
export const HAVE_TRACES = existsSync(CODE) && existsSync(CONV);
/** Test-name suffix that makes a skip visible in the report. */
export const REAL = `the real 2023 traces${HAVE_TRACES ? '' : ` (SKIPPED: ${SHARED_TRACES} not found; fetch them with 'alloc-bench traces download')`}`;

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
