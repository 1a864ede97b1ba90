import { describe, expect, it } from 'vitest';
import { generateInstance } from '../../generators/instance.ts';
import { DEFAULT_PROFILE_PATH, loadProfileBundle } from '../../traces/profile.ts';
import { listSolvers, resolveOptions } from '../registry.ts';
import { FEASIBILITY_TOL } from './constants.ts';
import { evaluate } from './evaluator.ts';
import { tinyInstance, tinyPlan } from '../../testing/problem-fixtures.ts';
import { compilePlan, minimalShed, realise, stressTest } from './stress.ts';
import type { Instance, Plan } from './types.ts';

// Hand figures for the tiny instance (type h=2048, f=28, λ = 1 request/s, Δ = 2 s, ε = 0.05,
// e0 = 0.1; Llama-3.1-8B, q = 3, on RTX-4090, n = m = 1), as in evaluator.test.ts:
const H = 24;
const D_FP16 = 2048 * ((2 * 8.03e9) / (165e12 * 0.5)) + 28 * ((8.03 * 2) / (1008 * 0.7)); // 1.036 s
const D_INT8 = 2048 * ((2 * 8.03e9) / (330e12 * 0.5)) + 28 * ((8.03 * 1) / (1008 * 0.7)); // 0.518 s
const LOAD_FP16 = (2 * 8.03e9 * 2076) / (165e12 * 0.35); // 0.577 replicas per unit share
const RENTAL = H * 0.35;
const MODEL_STORAGE = H * 0.002 * 2 * 8.03;
const TOKEN_STORAGE = H * 0.002 * 1e-6 * 2076 * 3600; // per unit served share
const DELAY_PENALTY_PER_S = H * 1e-4 * 3600; // per unit served share and second of delay
const UNMET = H * 0.05 * 3600; // per unit share

/** Half of the type on 8B FP16 (2 replicas), half on 8B INT8 (1 replica): ample capacity. */
function twoRoutePlan(): Plan {
  const plan = tinyPlan();
  plan.deployments = [{ j: 0, k: 0, n: 1, m: 1, replicas: 2 }, { j: 0, k: 1, n: 1, m: 1, replicas: 1 }];
  plan.routes = [{ i: 0, j: 0, k: 0, n: 1, m: 1, share: 0.5 }, { i: 0, j: 0, k: 1, n: 1, m: 1, share: 0.5 }];
  return plan;
}

describe('stage 2 at κ = 1 reproduces the nominal evaluation', () => {
  it('bit for bit on the tiny fixture, in one realisation and in the Monte Carlo statistics', () => {
    const inst = tinyInstance();
    const ev = evaluate(inst, tinyPlan());
    const out = realise(compilePlan(inst, tinyPlan()));
    expect(out.terms).toEqual(ev.terms);
    expect(out.cost_usd).toBe(ev.cost_usd);
    const s = stressTest(inst, tinyPlan(), { inflation: 1, scenarios: 20, seed: 5 });
    expect(s.cost_usd).toEqual({ mean: ev.cost_usd, p5: ev.cost_usd, p95: ev.cost_usd });
    for (const [key, value] of Object.entries(ev.terms)) expect(s.terms[key as keyof typeof ev.terms].mean).toBe(value);
    expect(s.violation_rate).toEqual({ mean: 0, p5: 0, p95: 0 });
    expect(s.violating_scenario_share).toBe(0);
  });

  it('bit for bit on generated instances with the plans of every registered heuristic', async () => {
    const profile = loadProfileBundle(DEFAULT_PROFILE_PATH);
    const heuristics = listSolvers().filter((s) => s.kind === 'heuristic');
    for (const sloMode of ['average', 'per-route'] as const) {
      const inst = generateInstance({ sizes: { I: 6, J: 6, K: 10 }, seed: 2, scenario: 'S1', sloMode, profile, profileName: 'default' });
      let checked = 0;
      for (const solver of heuristics) {
        const { plan } = await solver.solve(inst, resolveOptions(solver, {}).options);
        const ev = evaluate(inst, plan!);
        if (!ev.feasible) continue; // the promise is for feasible plans: an infeasible one loses its overflow
        checked++;
        const s = stressTest(inst, plan!, { inflation: 1, scenarios: 10, seed: 1 });
        expect(s.cost_usd.mean, `${solver.name} ${sloMode}`).toBe(ev.cost_usd);
        for (const [key, value] of Object.entries(ev.terms)) expect(s.terms[key as keyof typeof ev.terms].p95).toBe(value);
        expect(s.dropped_rate_mean).toBe(0);
        expect(s.shed_rate_mean).toBe(0);
        // What violates at κ = 1 is the demand the plan leaves unmet (up to rounding of the sums).
        expect(s.violation_rate.p95).toBeCloseTo(ev.unmet_rate, 12);
        expect(s.planned_unmet_rate).toBe(ev.unmet_rate);
      }
      expect(checked, `feasible heuristic plans in ${sloMode} mode`).toBeGreaterThan(0);
    }
  });
});

describe('one SLO-violation rate (docs/model.md §8): unmet, dropped and shed demand together', () => {
  it('a plan that serves nothing violates for all its demand, in every scenario', () => {
    const plan: Plan = { ...tinyPlan(), stored_models: [], deployments: [], routes: [], unmet: [1] };
    const s = stressTest(tinyInstance(), plan, { inflation: 1.5, scenarios: 20, seed: 1 });
    expect(s.violation_rate).toEqual({ mean: 1, p5: 1, p95: 1 });
    expect([s.planned_unmet_rate, s.dropped_rate_mean, s.shed_rate_mean]).toEqual([1, 0, 0]);
    expect(s.violating_scenario_share).toBe(1);
  });

  it('counts a scenario as violating beyond the feasibility tolerance only: a rounding residue left unmet is no violation', () => {
    // As a MILP's decoded shares can be: they sum to 1 − 1e-16, and the rest is "unmet".
    const residue = twoRoutePlan();
    residue.routes[1].share = 0.5 - 3e-16;
    residue.unmet = [3e-16];
    const s = stressTest(tinyInstance(), residue, { inflation: 1, scenarios: 20, seed: 1 });
    expect(s.planned_unmet_rate).toBeGreaterThan(0);
    expect(s.violating_scenario_share).toBe(0);
    const short = twoRoutePlan();
    short.routes[1].share = 0.5 - 10 * FEASIBILITY_TOL;
    short.unmet = [10 * FEASIBILITY_TOL];
    expect(stressTest(tinyInstance(), short, { inflation: 1, scenarios: 20, seed: 1 }).violating_scenario_share).toBe(1);
  });

  it('half served, its served half overflowing: the rate is the unmet half plus what is dropped and shed', () => {
    const plan = tinyPlan();
    plan.routes[0].share = 0.5;
    plan.unmet = [0.5];
    const out = realise(compilePlan(tinyInstance(), plan), { delay: [2] }); // D' = 2.07 s > Δ: the kept part is shed
    const keep = Math.min(1, 1 / (2 * LOAD_FP16 * 0.5));
    expect(out.planned_unmet_per_h / out.demand_per_h).toBeCloseTo(0.5, 12);
    expect(out.dropped_per_h / out.demand_per_h).toBeCloseTo(0.5 * (1 - keep), 12);
    expect(out.shed_per_h / out.demand_per_h).toBeCloseTo(0.5 * keep, 12);
    expect(out.violating_per_h).toBeCloseTo(out.planned_unmet_per_h + out.dropped_per_h + out.shed_per_h, 9);
    expect(out.violating_per_h / out.demand_per_h).toBeCloseTo(1, 12);
  });
});

describe('realise: one scenario worked by hand on the tiny fixture', () => {
  it('capacity overflow: doubled delay doubles the work, the excess share is dropped', () => {
    const inst = tinyInstance();
    inst.types[0].delay_slo_s = 3; // D' = 2.07 s still meets the delay SLO: nothing is shed
    const out = realise(compilePlan(inst, tinyPlan()), { delay: [2] });
    const keep = 1 / (2 * LOAD_FP16); // one replica over 1.155 replicas of work
    expect(out.dropped[0]).toBeCloseTo(1 - keep, 12); // 0.1339
    expect(out.shed[0]).toBe(0);
    expect(out.terms.rental_usd).toBeCloseTo(RENTAL, 12);
    expect(out.terms.model_storage_usd).toBeCloseTo(MODEL_STORAGE, 12);
    expect(out.terms.token_storage_usd).toBeCloseTo(TOKEN_STORAGE * keep, 12);
    expect(out.terms.delay_penalty_usd).toBeCloseTo(DELAY_PENALTY_PER_S * 2 * D_FP16 * keep, 10);
    expect(out.terms.unmet_penalty_usd).toBeCloseTo(UNMET * (1 - keep), 9);
    expect(out.violating_per_h / out.demand_per_h).toBeCloseTo(1 - keep, 12);
  });

  it('a single route over its delay SLO sheds everything the capacity kept', () => {
    const out = realise(compilePlan(tinyInstance(), tinyPlan()), { delay: [2] }); // D' = 2.07 s > Δ = 2 s
    const keep = 1 / (2 * LOAD_FP16);
    expect(out.dropped[0]).toBeCloseTo(1 - keep, 12);
    expect(out.shed[0]).toBeCloseTo(keep, 12);
    expect(out.terms.delay_penalty_usd).toBeCloseTo(0, 12);
    expect(out.terms.unmet_penalty_usd).toBeCloseTo(UNMET, 9);
  });

  it('demand factors scale the traffic: 1.8× demand on one replica drops 1 − 1/(1.8·load)', () => {
    const out = realise(compilePlan(tinyInstance(), tinyPlan()), { demand: [1.8] });
    const keep = 1 / (1.8 * LOAD_FP16);
    expect(out.dropped[0]).toBeCloseTo(1 - keep, 12);
    expect(out.demand_per_h).toBeCloseTo(1.8 * 3600, 9);
    expect(out.terms.delay_penalty_usd).toBeCloseTo(DELAY_PENALTY_PER_S * D_FP16 * 1.8 * keep, 10);
    expect(out.terms.unmet_penalty_usd).toBeCloseTo(UNMET * 1.8 * (1 - keep), 9);
  });

  it('a route to a layout that is not deployed has no capacity', () => {
    const plan = tinyPlan();
    plan.routes[0].n = 2;
    const out = realise(compilePlan(tinyInstance(), plan));
    expect(out.dropped[0]).toBe(1);
    expect(out.terms.unmet_penalty_usd).toBeCloseTo(UNMET, 9);
  });
});

describe('SLO shedding', () => {
  it('average mode, delay: the slow route is shed fractionally until the mean delay is Δ', () => {
    const inst = tinyInstance();
    // Route A realises D' = 4 s = 2Δ (excess +1), route B stays at D_B (excess D_B/2 − 1 < 0).
    // Mean holds when 0.5·(D_B/2 − 1) + (0.5 − z)·1 = 0, i.e. z = D_B/4.
    const out = realise(compilePlan(inst, twoRoutePlan()), { delay: [4 / D_FP16, 1] });
    const z = D_INT8 / 4;
    expect(out.dropped[0]).toBe(0);
    expect(out.shed[0]).toBeCloseTo(z, 12);
    expect(out.terms.delay_penalty_usd).toBeCloseTo(DELAY_PENALTY_PER_S * (4 * (0.5 - z) + D_INT8 * 0.5), 9);
    expect(out.terms.unmet_penalty_usd).toBeCloseTo(UNMET * z, 9);
    // The remaining traffic's mean delay is exactly the SLO.
    expect((4 * (0.5 - z) + D_INT8 * 0.5) / (1 - z)).toBeCloseTo(2, 12);
  });

  it('average mode, error: route A realises e = 2ε, shed until the mean error is ε', () => {
    const eA = 0.1 / 3;
    const eB = (0.1 / 3) * 1.15;
    // Mean error holds when (0.5 − z)·1 + 0.5·(e_B/ε − 1) = 0, i.e. z = 0.5·e_B/ε.
    const out = realise(compilePlan(tinyInstance(), twoRoutePlan()), { error: [0.1 / eA, 1] });
    expect(out.shed[0]).toBeCloseTo((0.5 * eB) / 0.05, 12);
  });

  it('per-route mode: all traffic of the route that breaks Δ is shed, the other is kept', () => {
    const inst = tinyInstance();
    inst.system.slo_mode = 'per-route';
    const out = realise(compilePlan(inst, twoRoutePlan()), { delay: [3 / D_FP16, 1] }); // D'_A = 3 s > 2 s
    expect(out.shed[0]).toBeCloseTo(0.5, 12);
    expect(out.terms.delay_penalty_usd).toBeCloseTo(DELAY_PENALTY_PER_S * D_INT8 * 0.5, 9);
    expect(out.terms.unmet_penalty_usd).toBeCloseTo(UNMET * 0.5, 9);
  });

  it('minimalShed: the least fraction that fixes every broken row, or the whole route', () => {
    expect(minimalShed(0.5, [0.2, 1], [0.3, 2])).toBeCloseTo(0.2, 15); // both broken: max(0.2/1, 0.3/2)
    expect(minimalShed(0.5, [0.2, 1], [-0.3, -0.5])).toBeCloseTo(0.2, 15); // the holding row allows z ≤ 0.6
    expect(minimalShed(0.5, [0.2, 1], [-0.1, -1])).toBe(0.5); // fixing delay would break error (z ≤ 0.1)
    expect(minimalShed(0.5, [0.8, 1], [0, 0])).toBe(0.5); // not enough traffic on this route
    expect(minimalShed(0.5, [0.2, -1], [0, 1])).toBe(0.5); // the route is better than the broken row's SLO
    expect(minimalShed(0.5, [FEASIBILITY_TOL / 2, 1], [0, 1])).toBe(0); // within the tolerance: nothing
  });
});

describe('stressTest: Monte Carlo statistics', () => {
  const profile = loadProfileBundle(DEFAULT_PROFILE_PATH);
  const generated = (): Instance =>
    generateInstance({ sizes: { I: 6, J: 6, K: 10 }, seed: 3, scenario: 'S1', sloMode: 'average', profile, profileName: 'default' });
  /** The plan of the first registered heuristic (GH packs replicas tightly: inflation overflows them). */
  const heuristicPlan = async (inst: Instance): Promise<Plan> => {
    const solver = listSolvers().find((s) => s.kind === 'heuristic');
    if (!solver) throw new Error('no heuristic is registered');
    return (await solver.solve(inst, resolveOptions(solver, {}).options)).plan!;
  };

  it('the same seed gives the same statistics, another seed different ones', async () => {
    const inst = generated();
    const plan = await heuristicPlan(inst);
    const a = stressTest(inst, plan, { inflation: 1.5, scenarios: 50, seed: 7 });
    expect(stressTest(inst, plan, { inflation: 1.5, scenarios: 50, seed: 7 })).toEqual(a);
    const b = stressTest(inst, plan, { inflation: 1.5, scenarios: 50, seed: 8 });
    expect(b.cost_usd.mean).not.toBe(a.cost_usd.mean);
    expect(a.seed).toBe(7);
  });

  it('orders its statistics and grows violations (weakly) with κ', async () => {
    const inst = generated();
    const plan = await heuristicPlan(inst);
    let previous = -1;
    for (const inflation of [1, 1.1, 1.2, 1.3, 1.4, 1.5]) {
      const s = stressTest(inst, plan, { inflation, scenarios: 100, seed: 1 });
      for (const st of [s.cost_usd, s.violation_rate, ...Object.values(s.terms)]) expect(st.p5).toBeLessThanOrEqual(st.p95);
      // Not a theorem for any distribution, but the realised cost here is continuous in ξ.
      expect(s.cost_usd.p5).toBeLessThanOrEqual(s.cost_usd.mean);
      expect(s.cost_usd.mean).toBeLessThanOrEqual(s.cost_usd.p95);
      // Common random numbers across κ: each scenario's factors grow with κ.
      expect(s.violation_rate.mean).toBeGreaterThanOrEqual(previous);
      previous = s.violation_rate.mean;
    }
    expect(previous).toBeGreaterThan(0);
  });

  it('rejects κ < 1 and non-integer scenario counts', () => {
    const inst = tinyInstance();
    expect(() => stressTest(inst, tinyPlan(), { inflation: 0.5, seed: 1 })).toThrow(/κ must be ≥ 1/);
    expect(() => stressTest(inst, tinyPlan(), { inflation: NaN, seed: 1 })).toThrow(/κ must be ≥ 1/);
    expect(() => stressTest(inst, tinyPlan(), { inflation: 1.2, scenarios: 2.5, seed: 1 })).toThrow(/scenarios/);
  });
});
