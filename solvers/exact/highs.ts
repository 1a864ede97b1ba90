/**
 * highs-js back-end through its model API (SOLVERS.md): a fresh WebAssembly instance per solve
 * (reuse changed results and doubled memory), the model read from our LP text, the bound and
 * gap from `info`.
 */
import highsModule from 'highs';
import { secondsLeft, valuesByName, type Backend, type BackendResult } from './backend.ts';
import { toLpText } from './lp-format.ts';

// The package's types describe its CommonJS build (loader at `.default`); under ESM Node loads
// the .mjs build, whose default export is the loader itself.
const highsLoader = highsModule as unknown as typeof highsModule.default;

export const solveWithHighs: Backend = async (model, opts) => {
  const highs = await highsLoader();
  const S = highs.constants.modelStatus;
  const m = highs.createModel({ format: 'lp', data: toLpText(model) });
  try {
    m.options.set({
      time_limit: secondsLeft(opts),
      mip_rel_gap: opts.gap,
      output_flag: false,
      ...(opts.seed !== undefined ? { random_seed: opts.seed } : {}),
    });
    m.run();
    const status = m.getModelStatus();
    const hasSolution = m.info.get('primal_solution_status') === highs.constants.solutionStatus.feasible;
    const result: BackendResult = { status: 'error' };
    if (status === S.optimal) result.status = 'optimal';
    else if (status === S.infeasible) result.status = 'infeasible';
    else if (status === S.timeLimit) result.status = hasSolution ? 'time_limit_feasible' : 'time_limit_no_solution';
    else result.message = `HiGHS stopped with model status ${status}`;
    // A model without integer columns (nothing can be deployed) is solved as an LP, and the
    // MIP figures stay at their defaults: an optimal LP is its own bound.
    const isMip = model.cols.some((c) => c.kind !== 'continuous');
    const objective = Number(m.info.get('objective_function_value'));
    const bound = isMip ? Number(m.info.get('mip_dual_bound')) : result.status === 'optimal' ? objective : NaN;
    if (Number.isFinite(bound)) result.bound = bound;
    if (hasSolution && (result.status === 'optimal' || result.status === 'time_limit_feasible')) {
      // The LP reader numbers columns by first appearance; map them back by name.
      const { colValue } = m.getSolution();
      const byName = new Map<string, number>();
      for (let n = 0; n < colValue.length; n++) byName.set(m.getColName(n), colValue[n]);
      result.values = valuesByName(model, (name) => byName.get(name));
      result.objective = objective;
      result.gap = isMip ? Number(m.info.get('mip_gap')) : 0;
    }
    return result;
  } finally {
    m.dispose();
  }
};
