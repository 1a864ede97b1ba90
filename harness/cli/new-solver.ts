/**
 * `alloc-bench new-solver NAME`: the three files of a new heuristic, in a repository root —
 * solvers/heuristics/NAME.ts (a working solver with the plug-in contract of solvers/solver.ts filled
 * in), its line in solvers/heuristics/index.ts (the registry's list), and NAME.test.ts beside it (the
 * conformance checks of solvers/conformance.test.ts for this one solver, quick to rerun while
 * editing). The solver it writes is deliberately simple — each type, in order, whole on the first
 * admitted route that fits — a starting point to edit, and the weak heuristic of docs/compare.md.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../lib/errors.ts';
import { writeFileAtomic } from '../../lib/files.ts';
import { listSolvers } from '../../solvers/registry.ts';

/** Lower-case letters, digits and inner hyphens, as the built-in names (`agh-lns`): a spec-string name and a file name. */
const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** `first-fit` → `firstFit`: the exported constant. */
export const identifierOf = (name: string) => name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

export interface NewSolverFiles {
  solver: string;
  test: string;
  index: string;
}

export function newSolver(name: string, root: string): NewSolverFiles {
  if (!NAME.test(name) || name.length > 40) throw new InputError(`new-solver: name ${JSON.stringify(name)} must be lower-case letters and digits, words joined by "-" (e.g. first-fit), at most 40 characters`);
  if (listSolvers().some((s) => s.name === name)) throw new InputError(`new-solver: a solver named ${name} is already registered; choose another name`);
  const dir = join(root, 'solvers', 'heuristics');
  const index = join(dir, 'index.ts');
  if (!existsSync(index)) throw new InputError(`new-solver: ${index} not found; --root must be the repository's root (the folder holding solvers/)`);
  const files = { solver: join(dir, `${name}.ts`), test: join(dir, `${name}.test.ts`), index };
  for (const f of [files.solver, files.test]) if (existsSync(f)) throw new InputError(`new-solver: ${f} exists; remove it or choose another name`);
  const id = identifierOf(name);
  const registered = registerIn(readFileSync(index, 'utf8'), name, id, index);
  writeFileAtomic(files.solver, solverFile(name, id));
  writeFileAtomic(files.test, testFile(name, id));
  writeFileAtomic(index, registered);
  return files;
}

/** index.ts with the solver's import and its entry at the end of HEURISTICS. */
export function registerIn(text: string, name: string, id: string, path = 'index.ts'): string {
  const list = /(export const HEURISTICS: readonly Solver\[\] = \[)([^\]]*)(\];)/.exec(text);
  if (!list) throw new InputError(`new-solver: ${path} has no "export const HEURISTICS: readonly Solver[] = [...];" line to add ${name} to`);
  const imports = [...text.matchAll(/^import .*;$/gm)];
  const last = imports[imports.length - 1];
  const at = last ? last.index! + last[0].length : 0;
  const withImport = `${text.slice(0, at)}\nimport { ${id} } from './${name}.ts';${text.slice(at)}`;
  return withImport.replace(list[0], `${list[1]}${list[2].trim() ? `${list[2].trim()}, ` : ''}${id}${list[3]}`);
}

function solverFile(name: string, id: string): string {
  return `/**
 * ${name}: a heuristic for the allocation problem (docs/model.md). Written by \`alloc-bench new-solver\`
 * as a deliberately simple starting point: each query type, in index order, goes whole to the first
 * admitted route (model, tier, layout) that keeps the plan feasible, else stays unmet. Edit solve()
 * below; keep the contract of solvers/solver.ts:
 * - return a plan and facts about the solve, never its cost or feasibility as a result: the
 *   evaluator (solvers/problem/evaluator.ts) scores every plan;
 * - await yieldToEventLoop() at the start and between long phases (sweeps and progress output
 *   depend on it);
 * - \`deterministic\`: the same instance and options give the same plan (seed included);
 * - \`claimsFeasibility\`: true only if every plan is feasible whenever the instance allows it.
 * Check it with \`npx vitest run solvers/heuristics/${name}.test.ts\`, then compare it:
 * \`npx alloc-bench compare ${name} --against agh --set tiny\` (docs/compare.md).
 */
import type { Instance } from '../problem/types.ts';
import type { Solver, SolveOptions, SolveResult } from '../solver.ts';
import { admitted } from './greedy/candidates.ts';
import { PlanState } from './greedy/state.ts';
import { yieldToEventLoop } from '../../lib/yield.ts';

export const ${id}: Solver = {
  name: '${name}',
  description: '${name}: each type whole on the first admitted route that fits (new-solver template)',
  kind: 'heuristic',
  // Options are given as spec strings, e.g. \`${name}:seed=3\`; each is checked against its type and range.
  options: {
    seed: { type: 'integer', default: 1, min: 0, description: 'random seed (unused by the template; keep results reproducible per seed)' },
  },
  deterministic: true,
  // Every placement below is checked by PlanState.feasible() and undone if it breaks a constraint.
  claimsFeasibility: () => true,
  async solve(inst: Instance, _options: SolveOptions): Promise<SolveResult> {
    await yieldToEventLoop();
    const t0 = performance.now();
    // PlanState (greedy/state.ts) keeps the plan and its constraint sums; s.pre holds the derived
    // quantities (delays, errors, capacities, costs) — never recompute them.
    const s = new PlanState(inst);
    const { d, P } = s.pre;
    for (let i = 0; i < s.I; i++) {
      placed: for (let p = 0; p < P; p++) {
        for (const c of d.pairConfigs[p]) {
          // Admitted: memory-valid and meets the type's delay SLO on its own (per-route mode: also its error SLO).
          if (!admitted(s.pre, i, p, c) || s.pre.eRel[i * P + p] > 0) continue;
          // One layout per (model, tier) pair.
          if (s.layout[p] >= 0 && s.layout[p] !== c) continue;
          s.addShare(i, p, c, 1);
          if (s.feasible()) break placed;
          s.addShare(i, p, c, -1);
        }
      }
      if (i % 16 === 15) await yieldToEventLoop();
    }
    return {
      solver: '${name}',
      status: 'completed',
      plan: s.toPlan('${name}'),
      wall_time_s: (performance.now() - t0) / 1000,
      // The solver's own objective: logged to cross-check the evaluator, never used as a result.
      solver_objective_usd: s.cost(),
    };
  },
};
`;
}

function testFile(name: string, id: string): string {
  return `/**
 * Conformance of ${name} (written by \`alloc-bench new-solver\`): the checks solvers/conformance.test.ts
 * runs on every registered solver, on a few instances, quick to rerun while editing ${name}.ts.
 */
import { describe, expect, it } from 'vitest';
import { generateInstance } from '../../generators/instance.ts';
import { DEFAULT_PROFILE_PATH, loadProfileBundle } from '../../traces/profile.ts';
import { evaluate } from '../problem/evaluator.ts';
import { parsePlan } from '../problem/schema.ts';
import { listSolvers, resolveOptions } from '../registry.ts';
import { ${id} } from './${name}.ts';

const profile = loadProfileBundle(DEFAULT_PROFILE_PATH);
const corpus = (['S1', 'S3', 'S5'] as const).flatMap((scenario) => (['average', 'per-route'] as const).flatMap((sloMode) =>
  [{ I: 2, J: 3, K: 2 }, { I: 3, J: 4, K: 5 }, { I: 6, J: 6, K: 10 }].map((sizes) =>
    generateInstance({ sizes, seed: 1, scenario, sloMode, profile, profileName: 'traces/profiles/azure-2023.json' }))));
const { options } = resolveOptions(${id}, {});

describe('${name}', () => {
  it('is registered (solvers/heuristics/index.ts)', () => {
    expect(listSolvers().map((s) => s.name)).toContain('${name}');
  });

  it('returns schema-valid plans that the evaluator scores, with its objective matching the evaluator\\'s', async () => {
    for (const inst of corpus) {
      const r = await ${id}.solve(inst, options);
      expect(r.status, inst.meta.id).toBe('completed');
      const plan = parsePlan(JSON.parse(JSON.stringify(r.plan)), inst, \`${name} on \${inst.meta.id}\`);
      const ev = evaluate(inst, plan);
      if (${id}.claimsFeasibility(options)) expect(ev.violations, inst.meta.id).toEqual([]);
      if (r.solver_objective_usd !== undefined) expect(Math.abs(r.solver_objective_usd - ev.cost_usd), inst.meta.id).toBeLessThanOrEqual(1e-6 * Math.max(1, ev.cost_usd));
    }
  });

  it('lets the event loop run during a solve', async () => {
    let ran = false;
    setImmediate(() => { ran = true; });
    await ${id}.solve(corpus[0], options);
    expect(ran).toBe(true);
  });

  it.runIf(${id}.deterministic)('reproduces the same plan for the same instance and options', async () => {
    for (const inst of corpus.slice(0, 4)) expect((await ${id}.solve(inst, options)).plan, inst.meta.id).toEqual((await ${id}.solve(inst, options)).plan);
  });
});
`;
}
