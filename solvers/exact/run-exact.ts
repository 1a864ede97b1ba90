/**
 * One exact solve, start to finish, as it runs inside the isolated child: build the reduced
 * model, hand it to the back-end with the deadline, decode the plan.
 */
import type { Instance, Plan } from '../problem/types.ts';
import type { ModelSize } from '../solver.ts';
import type { Backend, BackendOptions, ExactStatus } from './backend.ts';
import { decodePlan } from './decode.ts';
import { buildModel, modelSize } from './model.ts';

/**
 * A back-end by module and export name: the child imports only the one it runs (so it
 * instantiates only its own WebAssembly), and tests can pass fake back-ends the same way.
 */
export interface BackendRef {
  /** File URL of the module. */
  module: string;
  /** Name of the exported `Backend`. */
  name: string;
}

export interface ExactRequest {
  backend: BackendRef;
  /** Solver label written into the plan. */
  label: string;
  instance: Instance;
  options: BackendOptions;
}

export interface ExactReply {
  status: ExactStatus;
  plan: Plan | null;
  objective?: number;
  bound?: number;
  gap?: number;
  message?: string;
  model_size: { before: ModelSize; after: ModelSize };
  build_s: number;
  solve_s: number;
}

export async function solveExact(req: ExactRequest): Promise<ExactReply> {
  const t0 = performance.now();
  const before = modelSize(buildModel(req.instance, { reduce: false }));
  const model = buildModel(req.instance);
  const backend: Backend = (await import(req.backend.module))[req.backend.name];
  const t1 = performance.now();
  const { values, ...res } = await backend(model, req.options);
  const t2 = performance.now();
  return {
    ...res,
    plan: values ? decodePlan(req.instance, model, values, req.label) : null,
    model_size: { before, after: modelSize(model) },
    build_s: (t1 - t0) / 1000,
    solve_s: (t2 - t1) / 1000,
  };
}
