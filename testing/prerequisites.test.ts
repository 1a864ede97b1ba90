import { afterEach, describe, expect, it } from 'vitest';
import { PREREQUISITES, skipReasons } from './prerequisites.ts';

describe('skip reasons (issue 27: skipped tests say why)', () => {
  const path = process.env.PATH;
  afterEach(() => {
    process.env.PATH = path;
  });

  it('covers every optional prerequisite of the README: glpsol, cbc, chromium, Slurm, the real traces, nbformat', () => {
    expect(PREREQUISITES.map((p) => p.name)).toEqual(['glpsol', 'cbc', 'chromium', 'slurm', 'traces', 'nbformat']);
  });

  it('prints one line per missing prerequisite, naming it, the tests that skip and how to install it', () => {
    process.env.PATH = '/nonexistent';
    const lines = skipReasons(PREREQUISITES.filter((p) => ['glpsol', 'cbc', 'chromium'].includes(p.name)));
    expect(lines).toEqual([
      'SKIPPED (glpsol): the native glpsol cross-check (solvers/exact/native.test.ts) and the glpsol solver\'s conformance tests — glpsol is not on PATH (apt-get install glpk-utils)',
      'SKIPPED (cbc): the native cbc cross-check (solvers/exact/native.test.ts) and the cbc solver\'s conformance tests — cbc is not on PATH (apt-get install coinor-cbc)',
      'SKIPPED (chromium): the headless-browser checks of report.html (harness/report/report.test.ts) — chromium is not on PATH (apt-get install chromium)',
    ]);
  });

  it('prints nothing for what is available', () => {
    expect(skipReasons([{ name: 'x', missing: () => null, skips: 'none' }])).toEqual([]);
  });
});
