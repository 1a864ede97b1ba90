/**
 * The optional prerequisites some tests need (README "Install": system packages, root, the real
 * traces), each with why it is missing on this machine and which tests skip for it. The vitest
 * global setup (skip-reasons.ts) prints one line per missing one, once per run, so a skip is never
 * silent; the tests decide with the same checks.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { NATIVE_PACKAGES, onPath } from '../solvers/exact/native.ts';
import { clusterUnavailable } from './local-cluster.ts';
import { HAVE_TRACES, SHARED_TRACES } from './trace-files.ts';

export interface Prerequisite {
  name: string;
  /** Why it is unavailable here, or null when it is available. */
  missing: () => string | null;
  /** The tests that skip without it. */
  skips: string;
}

/** Chromium's path on PATH, or undefined. */
export const chromiumPath = (): string | undefined => (process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'chromium')).find(existsSync);

const native = (binary: keyof typeof NATIVE_PACKAGES): Prerequisite => ({
  name: binary,
  missing: () => (onPath(binary) ? null : `${binary} is not on PATH (apt-get install ${NATIVE_PACKAGES[binary]})`),
  skips: `the native ${binary} cross-check (solvers/exact/native.test.ts) and the ${binary} solver's conformance tests`,
});

export const PREREQUISITES: readonly Prerequisite[] = [
  native('glpsol'),
  native('cbc'),
  {
    name: 'chromium',
    missing: () => (chromiumPath() ? null : 'chromium is not on PATH (apt-get install chromium)'),
    skips: 'the headless-browser checks of report.html (harness/report/report.test.ts)',
  },
  {
    name: 'slurm',
    missing: () => (process.env.CI === 'true' ? null : clusterUnavailable()),
    skips: 'the single-node Slurm cluster test (harness/cluster/slurm.test.ts)',
  },
  {
    name: 'traces',
    missing: () => (HAVE_TRACES ? null : `${SHARED_TRACES} has no AzureLLMInferenceTrace_code.csv and _conv.csv (alloc-bench traces download)`),
    skips: 'the checks on the real 2023 traces (traces/csv-reader, download and profile tests)',
  },
  {
    name: 'nbformat',
    missing: () => (spawnSync('python3', ['-c', 'import nbformat']).status === 0 ? null : 'python3 cannot import nbformat (pip install nbformat)'),
    skips: 'nbformat.validate of the generated notebooks (harness/report/notebooks.test.ts)',
  },
];

/** One line per missing prerequisite: what it is, why it is missing, which tests skip. */
export function skipReasons(list: readonly Prerequisite[] = PREREQUISITES): string[] {
  return list.flatMap((p) => {
    const why = p.missing();
    return why === null ? [] : [`SKIPPED (${p.name}): ${p.skips} — ${why}`];
  });
}
