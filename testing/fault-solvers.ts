/**
 * Test-only solvers for the harness's failure paths. Tests register them as a plug-in module
 * (FAULT_SOLVERS_ENV, read by `solvers/plugins.ts`); no product file imports this one.
 * - fault-crash: kills its process (mode=exit, like a WebAssembly abort) or throws (mode=throw).
 * - fault-hang: spins forever without yielding, so only a hard limit from outside can stop it.
 * - fault-idle: a valid, deterministic plan that serves nothing, after sleeping sleep_ms —
 *   a cheap stand-in for a heuristic when a test needs cells that take a known time.
 */
import { fileURLToPath } from 'node:url';
import type { Plan } from '../solvers/problem/types.ts';
import type { Solver } from '../solvers/solver.ts';

const base = { kind: 'heuristic' as const, deterministic: true, claimsFeasibility: () => false };

const faultCrash: Solver = {
  ...base,
  name: 'fault-crash',
  description: 'Test only: crashes its process or throws',
  options: { mode: { type: 'string', default: 'exit', choices: ['exit', 'throw'], description: 'exit the process (code 70) or throw' } },
  solve: async (_inst, options) => {
    if (options.mode === 'throw') throw new Error('fault-crash: deliberate failure');
    process.exit(70);
  },
};

const faultHang: Solver = {
  ...base,
  name: 'fault-hang',
  description: 'Test only: never returns and never yields',
  options: {},
  solve: async () => {
    for (;;);
  },
};

const faultIdle: Solver = {
  ...base,
  name: 'fault-idle',
  description: 'Test only: sleeps, then returns the plan that serves nothing',
  options: { sleep_ms: { type: 'integer', default: 0, min: 0, description: 'Sleep before returning, ms' } },
  solve: async (inst, options) => {
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, Number(options.sleep_ms)));
    const plan: Plan = {
      schema: 'llm-alloc-bench/plan@1',
      instance_id: inst.meta.id,
      solver: 'fault-idle',
      stored_models: [],
      deployments: [],
      routes: [],
      unmet: inst.types.map(() => 1),
    };
    return { solver: 'fault-idle', status: 'completed', plan, wall_time_s: (performance.now() - started) / 1000 };
  },
};

/** Read by `solvers/plugins.ts` when this file is named in ALLOC_BENCH_SOLVER_MODULES. */
export const solvers: readonly Solver[] = [faultCrash, faultHang, faultIdle];

/** The environment entry that registers these solvers in every process a test starts. */
export const FAULT_SOLVERS_ENV = { ALLOC_BENCH_SOLVER_MODULES: fileURLToPath(import.meta.url) };
