import { describe, expect, it } from 'vitest';
import { testInstance } from '../../testing/exact-instances.ts';
import type { Plan } from '../../solvers/problem/types.ts';
import type { SolverSpec } from '../../solvers/registry.ts';
import type { SolveResult, SolveStatus } from '../../solvers/solver.ts';
import { SolveLog } from './rolling-policies.ts';

/** A spec whose solver returns the given results in turn. */
function scripted(results: Omit<SolveResult, 'solver' | 'wall_time_s'>[]): SolverSpec {
  let n = 0;
  const solver = {
    name: 'scripted', description: '', kind: 'exact' as const, options: {}, deterministic: true,
    claimsFeasibility: () => true,
    solve: async () => ({ solver: 'scripted', wall_time_s: 0, ...results[n++] }),
  };
  return { solver, options: {}, label: 'scripted' } as unknown as SolverSpec;
}

describe('SolveLog', () => {
  const inst = testInstance({ I: 3, J: 3, K: 4 }, 1, 'average');
  const plan = { deployments: [] } as unknown as Plan;
  const result = (status: SolveStatus, p: Plan | null, cap = false) => ({ status, plan: p, ...(cap && { diagnostics: { time_cap_hit: true } }) });

  it('counts plans returned at a time limit or cap apart from failures and complete solves', async () => {
    const spec = scripted([
      result('optimal', plan),
      result('time_limit_feasible', plan),
      result('completed', plan, true),
      result('time_limit_no_solution', null),
      result('completed', plan),
    ]);
    const log = new SolveLog();
    for (let k = 0; k < 5; k++) await log.solve(spec, inst);
    expect([log.calls, log.limited, log.failures]).toEqual([5, 2, 1]);
    expect(log.firstFailure?.status).toBe('time_limit_no_solution');
  });
});
