// `alloc-bench new-solver` into a temporary copy of the repository's source: the files it writes
// type-check, the solver is registered, and the conformance test it writes passes.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { runChild, runCli } from '../../testing/child-process.ts';
import { identifierOf, newSolver, registerIn } from './new-solver.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'alloc-bench-new-solver-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
// What a solver and its test reach: the stages below harness/ (not traces/data, the raw traces).
for (const dir of ['lib', 'solvers', 'generators', 'traces']) cpSync(join(REPO, dir), join(root, dir), { recursive: true, filter: (src) => !src.includes(join('traces', 'data')) });
cpSync(join(REPO, 'package.json'), join(root, 'package.json'));
writeFileSync(join(root, 'vitest.config.ts'), "import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: { pool: 'forks' } });\n");
symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));

describe('alloc-bench new-solver', () => {
  const files = newSolver('first-fit', root);

  it('adds the import and the entry to the HEURISTICS list', () => {
    const index = readFileSync(files.index, 'utf8');
    expect(index).toContain("import { firstFit } from './first-fit.ts';");
    expect(index).toContain('export const HEURISTICS: readonly Solver[] = [gh, agh, aghLns, cheapest, firstFit];');
    expect(identifierOf('my-new-2')).toBe('myNew2');
    expect(registerIn("import a from './a.ts';\n\nexport const HEURISTICS: readonly Solver[] = [];\n", 'x', 'x')).toBe(
      "import a from './a.ts';\nimport { x } from './x.ts';\n\nexport const HEURISTICS: readonly Solver[] = [x];\n");
  });

  it('writes files that type-check under the repository\'s compiler options', () => {
    const config = ts.readConfigFile(join(REPO, 'tsconfig.json'), ts.sys.readFile).config;
    const { options } = ts.parseJsonConfigFileContent(config, ts.sys, root);
    const program = ts.createProgram([files.solver, files.test, files.index], options);
    const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(problems).toEqual([]);
  }, 60_000);

  it('writes a conformance test that passes: the solver is registered, its plans are feasible and reproducible', async () => {
    const r = await runChild(join(REPO, 'node_modules', '.bin', 'vitest'), ['run', 'solvers/heuristics/first-fit.test.ts'], { cwd: root, timeoutMs: 60_000 });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout.replace(/\u001b\[[0-9;]*m/g, '')).toMatch(/Tests\s+4 passed/);
  }, 90_000);

  it('refuses a taken name, an existing file and a bad name with one line (exit 2)', async () => {
    expect(() => newSolver('first-fit', root)).toThrow(/exists/);
    const taken = await runCli(['new-solver', 'agh', '--root', root]);
    expect(taken.status).toBe(2);
    expect(taken.stderr).toMatch(/already registered/);
    const bad = await runCli(['new-solver', 'My_Solver', '--root', root]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/lower-case/);
    expect(existsSync(join(root, 'solvers', 'heuristics', 'My_Solver.ts'))).toBe(false);
  });
});
