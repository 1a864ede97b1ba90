import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAULT_SOLVERS_ENV } from '../testing/fault-solvers.ts';
import { loadPluginSolvers, SOLVER_MODULES_ENV } from './plugins.ts';

describe('plugged-in solvers (ALLOC_BENCH_SOLVER_MODULES)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plugins-'));

  it('loads the `solvers` export of every named module, in order', async () => {
    const second = join(dir, 'second.mjs');
    writeFileSync(second, "export const solvers = [{ name: 'mine', solve: async () => null }];\n");
    const env = { [SOLVER_MODULES_ENV]: [FAULT_SOLVERS_ENV.ALLOC_BENCH_SOLVER_MODULES, second].join(delimiter) };
    expect((await loadPluginSolvers(env)).map((s) => s.name)).toEqual(['fault-crash', 'fault-hang', 'fault-idle', 'mine']);
    expect(await loadPluginSolvers({})).toEqual([]);
  });

  it('names the module and what was expected when one cannot be used', async () => {
    const missing = join(dir, 'missing.ts');
    await expect(loadPluginSolvers({ [SOLVER_MODULES_ENV]: missing })).rejects.toThrow(`ALLOC_BENCH_SOLVER_MODULES: cannot load ${missing}`);
    const wrong = join(dir, 'wrong.mjs');
    writeFileSync(wrong, 'export const solvers = [42];\n');
    await expect(loadPluginSolvers({ [SOLVER_MODULES_ENV]: wrong })).rejects.toThrow(`${wrong} must export \`solvers\`, an array of Solver objects`);
  });
});
