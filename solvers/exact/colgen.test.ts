import { describe, expect, it } from 'vitest';
import { testInstance, tinyInstance } from '../../testing/exact-instances.ts';
import { evaluate } from '../problem/evaluator.ts';
import type { Instance, ScenarioId, SloMode } from '../problem/types.ts';
import { parseSolverSpec } from '../registry.ts';
import { backendOptions } from './backend.ts';
import { lpRelaxationBound } from './bound.ts';
import { columnGeneration, LayoutPricer, layoutsWithin } from './colgen.ts';
import { decodePlan } from './decode.ts';
import { solveWithHighs } from './highs.ts';
import { buildModel, countModel, modelSize } from './model.ts';

const SCENARIOS: ScenarioId[] = ['S1', 'S2', 'S3', 'S4', 'S5'];
const MODES: SloMode[] = ['average', 'per-route'];
/** S1–S5 × both modes at a size where HiGHS solves the full LP and MILP in well under a second. */
const corpus: { name: string; inst: Instance }[] = SCENARIOS.flatMap((scenario, n) =>
  MODES.map((mode) => ({ name: `(4,4,8) ${scenario} ${mode} seed ${n + 1}`, inst: testInstance({ I: 4, J: 4, K: 8 }, n + 1, mode, scenario) })),
);
const later = () => Date.now() + 120_000;

/** Column generation and fixing from agh-lns's plan, once per instance (several tests read them). */
const fixed = new Map<Instance, Promise<{ pricer: LayoutPricer; cg: Awaited<ReturnType<typeof columnGeneration>>; keep: Set<number> }>>();
function fixing(inst: Instance) {
  if (!fixed.has(inst)) {
    fixed.set(inst, (async () => {
      const { solver, options } = parseSolverSpec('agh-lns');
      const ceiling = evaluate(inst, (await solver.solve(inst, options)).plan!).cost_usd * (1 + 1e-7);
      const pricer = new LayoutPricer(inst);
      const cg = await columnGeneration(pricer, { deadline_ms: later() });
      return { pricer, cg, keep: layoutsWithin(pricer, cg.pricing, ceiling) };
    })());
  }
  return fixed.get(inst)!;
}

describe('column generation over layouts', () => {
  it.each(corpus)('$name: its bound equals the LP relaxation of the full model, from below', async ({ inst }) => {
    const lp = await lpRelaxationBound(inst, 60);
    const { cg } = await fixing(inst);
    expect(cg.converged).toBe(true);
    expect(lp).toBeDefined();
    expect(cg.bound).toBeLessThanOrEqual(lp! + 1e-9 * Math.abs(lp!));
    expect(cg.bound).toBeGreaterThanOrEqual(lp! - 1e-4 * Math.max(1, Math.abs(lp!)));
    expect(Math.abs(cg.masterValue - lp!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(lp!)));
  });

  it('holds a valid bound after any round: one round from a poor master is below the LP, and more rounds never lose it', async () => {
    const inst = testInstance({ I: 6, J: 6, K: 10 }, 3, 'average', 'S1');
    const lp = (await lpRelaxationBound(inst, 60))!;
    const one = await columnGeneration(new LayoutPricer(inst), { deadline_ms: later(), maxRounds: 1, batch: 1 });
    const all = await columnGeneration(new LayoutPricer(inst), { deadline_ms: later() });
    expect(one.converged).toBe(false);
    expect(one.bound).toBeLessThanOrEqual(lp);
    expect(one.bound).toBeLessThan(all.bound);
  });
});

describe('reduced-cost fixing', () => {
  it.each(corpus)('$name: the full optimum uses only kept layouts, and the reduced MILP has the same optimum', async ({ inst }) => {
    const { pricer, cg, keep } = await fixing(inst);
    const full = buildModel(inst);
    const fullOpt = await solveWithHighs(full, backendOptions(60, 1e-7));
    expect(fullOpt.status).toBe('optimal');
    const plan = decodePlan(inst, full, fullOpt.values!, 'highs');
    const used = pricer.layoutsOf(plan);
    expect(used.filter((c) => !keep.has(c))).toEqual([]);

    const reduced = buildModel(inst, { only: keep });
    const reducedOpt = await solveWithHighs(reduced, backendOptions(60, 1e-7));
    expect(reducedOpt.status).toBe('optimal');
    expect(Math.abs(reducedOpt.objective! - fullOpt.objective!)).toBeLessThanOrEqual(2e-7 * Math.max(1, fullOpt.objective!));
    expect(cg.bound).toBeLessThanOrEqual(fullOpt.objective! * (1 + 1e-9));
  });

  it('removes layouts when the heuristic is close to the bound (the check above is not vacuous)', async () => {
    let removed = 0;
    for (const { inst } of corpus) {
      const { pricer, keep } = await fixing(inst);
      removed += pricer.layouts.length - keep.size;
    }
    expect(removed).toBeGreaterThan(corpus.length);
  });
});

describe('highs:reduce', () => {
  it.each([
    { seed: 1, mode: 'average' as SloMode, scenario: 'S3' as ScenarioId },
    { seed: 2, mode: 'per-route' as SloMode, scenario: 'S5' as ScenarioId },
  ])('proves the same optimum as cold HiGHS, its plan scored by the evaluator (tiny seed $seed $mode $scenario)', async ({ seed, mode, scenario }) => {
    const inst = tinyInstance(seed, mode, scenario);
    const solve = async (spec: string) => {
      const { solver, options } = parseSolverSpec(spec);
      return solver.solve(inst, options);
    };
    const cold = await solve('highs:time_limit_s=60');
    const reduced = await solve('highs:reduce,time_limit_s=60');
    expect(reduced.status).toBe('optimal');
    const cost = evaluate(inst, reduced.plan!).cost_usd;
    expect(Math.abs(cost - evaluate(inst, cold.plan!).cost_usd)).toBeLessThanOrEqual(1e-4 * cost);
    expect(reduced.bound_usd!).toBeLessThanOrEqual(cost * (1 + 1e-9));
    expect(reduced.message).toMatch(/reduced: LP bound \$[\d.]+ by column generation/);
  });
});

describe('the reduced path when its last MILP fails', () => {
  it('returns the best plan so far with the bound so far, and says why', async () => {
    const { solveReduced } = await import('./reduced-path.ts');
    const inst = corpus[2].inst;
    const { solver, options } = parseSolverSpec('agh-lns');
    const plan = (await solver.solve(inst, options)).plan!;
    const start = { plan, ...evaluate(inst, plan) };
    let calls = 0;
    // The support MILP runs; the MILP over the kept layouts dies as an out-of-memory abort would.
    const failing: typeof solveWithHighs = async (model, opts) => (++calls === 1 ? solveWithHighs(model, opts) : { status: 'error', message: 'out of memory (test)' });
    const { model, result, facts } = await solveReduced(inst, start, backendOptions(60, 1e-4), failing);
    expect(calls).toBe(2);
    expect(result.status).toBe('time_limit_feasible');
    expect(result.message).toMatch(/gave no plan \(out of memory \(test\)\): the best plan so far is returned/);
    const cost = evaluate(inst, decodePlan(inst, model, result.values!, 'highs')).cost_usd;
    expect(cost).toBeCloseTo(Math.min(facts.support_milp_usd ?? Infinity, start.cost_usd), 6);
    expect(result.bound).toBeCloseTo(facts.lp_bound_usd, 3);
    expect(result.bound!).toBeLessThanOrEqual(cost);
  });
});

describe('countModel', () => {
  it('counts exactly what buildModel builds, reduced or not, restricted or not', () => {
    for (const { inst } of corpus.slice(0, 4)) {
      expect(countModel(inst)).toEqual(modelSize(buildModel(inst)));
      expect(countModel(inst, { reduce: false })).toEqual(modelSize(buildModel(inst, { reduce: false })));
      const only = new Set([...new LayoutPricer(inst).seedLayouts(1)]);
      expect(countModel(inst, { only })).toEqual(modelSize(buildModel(inst, { only })));
    }
  });
});
