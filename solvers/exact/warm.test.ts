import { describe, expect, it } from 'vitest';
import { evaluate } from '../problem/evaluator.ts';
import { backendOptions } from './backend.ts';
import { onPath } from './native.ts';
import { solveExact, type ExactRequest } from './run-exact.ts';
import { testInstance } from '../../testing/exact-instances.ts';

const ref = (exported: string, file: string) => ({ module: new URL(file, import.meta.url).href, name: exported });
const BACKENDS = [
  { name: 'highs', backend: ref('solveWithHighs', './highs.ts') },
  ...(onPath('cbc') ? [{ name: 'cbc', backend: ref('solveWithCbc', './native.ts') }] : []),
];

describe('warm start from a heuristic plan', () => {
  it.each(BACKENDS)('$name takes agh\'s plan as its first incumbent and reaches the cold optimum', async ({ name, backend }) => {
    const inst = testInstance({ I: 6, J: 6, K: 10 }, 3, 'per-route', 'S3');
    const request = (warm?: string): ExactRequest => ({ backend, label: name, instance: inst, options: backendOptions(60, 0), ...(warm ? { warm } : {}) });
    const cold = await solveExact(request());
    await new Promise((r) => setImmediate(r));
    const warm = await solveExact(request('agh'));
    expect(cold.status).toBe('optimal');
    expect(warm.status).toBe('optimal');
    expect(warm.warm).toMatchObject({ warm_solver: 'agh', warm_feasible: true });
    expect(warm.warm!.warm_s).toBeGreaterThan(0);
    // Accepted: nothing worse than the heuristic's plan was ever the incumbent (cbc prints 6 digits).
    expect(warm.first_incumbent!).toBeLessThanOrEqual(warm.warm!.warm_cost_usd * (1 + 1e-5));
    // Equal optima within the evaluator's tolerance (1e-6 relative): the two runs may return
    // different optimal plans, and cbc's solution file rounds values (seen: 2e-8 relative apart).
    const within = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(b)));
    within(warm.objective!, cold.objective!);
    within(evaluate(inst, warm.plan!).cost_usd, cold.objective!);
  });
});

describe('the warm option', () => {
  it('must name a heuristic: bad input is refused before any solve starts', async () => {
    const { parseSolverSpec } = await import('../registry.ts');
    const inst = testInstance({ I: 6, J: 6, K: 10 }, 1, 'average');
    const solve = (spec: string) => {
      const { solver, options } = parseSolverSpec(spec);
      return solver.solve(inst, options);
    };
    await expect(solve('highs:warm=glpk')).rejects.toThrow('warm=glpk must name a heuristic');
    await expect(solve('cbc:warm=nope')).rejects.toThrow('unknown solver "nope"');
  });
});
