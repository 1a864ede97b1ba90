import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{lib,traces,generators,solvers,harness,bench,testing}/**/*.test.ts'],
    // Exact solves run in workers; keep the pool small on 2-core CI machines.
    pool: 'forks',
    testTimeout: 120_000,
    // Prints one line per missing optional prerequisite (glpsol, cbc, chromium, Slurm, the real traces …): why tests skip.
    globalSetup: ['testing/skip-reasons.ts'],
    hookTimeout: 120_000,
  },
});
