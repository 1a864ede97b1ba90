import { describe, expect, it } from 'vitest';
import { evaluate, type ConstraintFamily } from './evaluator.ts';
import { tinyInstance, tinyPlan } from '../../testing/problem-fixtures.ts';
import type { Instance, Plan } from './types.ts';

// Hand figures for the tiny instance (type h=2048, f=28, λ=3600/h; 8B FP16 on RTX-4090, n=m=1):
const D = 2048 * ((2 * 8.03e9) / (165e12 * 0.5)) + 28 * ((8.03 * 2) / (1008 * 0.7)); // 1.035979 s
const LOAD = (2 * 8.03e9 * 2076) / (165e12 * 0.35); // replicas per unit share at 1 request/s

function families(inst: Instance, plan: Plan): ConstraintFamily[] {
  return evaluate(inst, plan).violated_families;
}

describe('evaluator: a feasible plan priced by hand', () => {
  it('reports feasibility and the five cost terms', () => {
    const ev = evaluate(tinyInstance(), tinyPlan());
    expect(ev.violations).toEqual([]);
    expect(ev.feasible).toBe(true);
    const H = 24;
    expect(ev.terms.rental_usd).toBeCloseTo(H * 0.35 * 1, 9); // one 1-GPU replica
    expect(ev.terms.model_storage_usd).toBeCloseTo(H * 0.002 * 2 * 8.03, 9); // p_s · 2P
    expect(ev.terms.token_storage_usd).toBeCloseTo(H * 0.002 * 1 * 1e-6 * 2076 * 3600, 9); // p_s·τ·θ·(h+f)·λ
    expect(ev.terms.delay_penalty_usd).toBeCloseTo(H * 1e-4 * 3600 * D, 9); // ρ·λ·D
    expect(ev.terms.unmet_penalty_usd).toBe(0);
    expect(ev.cost_usd).toBeCloseTo(8.4 + 0.77088 + 0.3587328 + H * 0.36 * D, 6);
    expect(ev.gpus_total).toBe(1);
    expect(ev.types[0].mean_delay_s).toBeCloseTo(D, 12);
  });

  it('prices unmet demand at φ·λ and counts it in the unmet rate', () => {
    const plan = tinyPlan();
    plan.routes[0].share = 0.25;
    plan.unmet[0] = 0.75;
    const ev = evaluate(tinyInstance(), plan);
    expect(ev.feasible).toBe(true);
    expect(ev.terms.unmet_penalty_usd).toBeCloseTo(24 * 0.05 * 3600 * 0.75, 9);
    expect(ev.unmet_rate).toBeCloseTo(0.75, 12);
  });
});

describe('evaluator: each constraint family broken on its own', () => {
  // [what is broken, how, the families the evaluator must report]
  const cases: [string, (inst: Instance, plan: Plan) => void, ConstraintFamily[]][] = [
    ['demand: shares and unmet sum to 0.9', (_i, p) => { p.routes[0].share = 0.5; p.unmet[0] = 0.4; }, ['demand']],
    ['layout: two layouts on one model–tier pair', (_i, p) => { p.deployments.push({ j: 0, k: 0, n: 2, m: 1, replicas: 0 }); }, ['layout']],
    // Routing to a layout that is not deployed also leaves it without capacity (r ≤ R̄·w = 0).
    ['linking x ≤ w: route to an undeployed layout', (_i, p) => { p.routes[0].n = 2; }, ['linking', 'throughput', 'kv_memory']],
    ['linking w ≤ s: deployed model not stored', (_i, p) => { p.stored_models = []; }, ['linking']],
    // 70B INT8 on RTX-4090 at TP2: 70.6/2 = 35.3 GB per GPU > 0.9·24 = 21.6 GB.
    ['memory: a layout whose weights do not fit', (_i, p) => { p.stored_models.push(1); p.deployments.push({ j: 1, k: 1, n: 2, m: 1, replicas: 0 }); }, ['memory']],
    ['throughput: load of 1.2 replicas on 1', (i) => { i.types[0].rate_per_h = (3600 * 1.2) / LOAD; }, ['throughput']],
    // A long generation with a loose SLO: the KV need dominates while throughput stays below one replica.
    ['kv_memory: long outputs hold KV for long', (i) => { Object.assign(i.types[0], { input_tokens: 48, output_tokens: 2000, delay_slo_s: 100, rate_per_h: 1800 }); }, ['kv_memory']],
    ['pool: two 1-GPU replicas in a pool of 1', (i, p) => { i.gpus[0].pool_gpus = 1; p.deployments.push({ j: 0, k: 1, n: 1, m: 1, replicas: 1 }); }, ['pool']],
    ['storage: 16.06 GB of weights in 16 GB', (i) => { i.system.storage_capacity_gb = 16; }, ['storage']],
    ['budget: 8.4 rental + 1.13 storage > 9', (i) => { i.system.budget_usd = 9; }, ['budget']],
    ['delay_slo (average): D ≈ 1.036 s > Δ = 1 s', (i) => { i.types[0].delay_slo_s = 1.0; }, ['delay_slo']],
    ['error_slo (average): e = 0.0333 > ε = 0.03', (i) => { i.types[0].error_slo = 0.03; }, ['error_slo']],
  ];
  for (const [what, breakIt, expected] of cases) {
    it(what, () => {
      const inst = tinyInstance();
      const plan = tinyPlan();
      breakIt(inst, plan);
      expect(families(inst, plan)).toEqual(expected);
    });
  }

  it('memory fix-up check: the 70B INT8 layout at n=4 is valid while n=2 is not', () => {
    const inst = tinyInstance();
    const plan = tinyPlan();
    plan.stored_models.push(1);
    plan.deployments.push({ j: 1, k: 1, n: 4, m: 1, replicas: 0 });
    expect(evaluate(inst, plan).feasible).toBe(true);
    plan.deployments[1].n = 2;
    const ev = evaluate(inst, plan);
    expect(ev.violated_families).toEqual(['memory']);
    expect(ev.violations[0].lhs).toBeCloseTo(70.6 / 2, 9);
    expect(ev.violations[0].rhs).toBeCloseTo(0.9 * 24, 9);
  });

  it('reports the magnitude of a broken row in its own unit', () => {
    const inst = tinyInstance();
    inst.types[0].rate_per_h = (3600 * 1.2) / LOAD;
    const [v] = evaluate(inst, tinyPlan()).violations;
    expect(v.lhs).toBeCloseTo(1.2, 9);
    expect(v.rhs).toBe(1);
    expect(v.magnitude).toBeCloseTo(0.2, 9);
  });
});

describe('evaluator: SLO modes', () => {
  // Two routes for the type: 8B on FP16 (e ≈ 0.0333) and on INT8 (e ≈ 0.0383, faster decode).
  function mixed(slo: 'average' | 'per-route', errorSlo: number): { inst: Instance; plan: Plan } {
    const inst = tinyInstance();
    inst.system.slo_mode = slo;
    inst.types[0].error_slo = errorSlo;
    const plan = tinyPlan();
    plan.deployments.push({ j: 0, k: 1, n: 1, m: 1, replicas: 1 });
    plan.routes = [
      { i: 0, j: 0, k: 0, n: 1, m: 1, share: 0.5 },
      { i: 0, j: 0, k: 1, n: 1, m: 1, share: 0.5 },
    ];
    return { inst, plan };
  }
  const eFp16 = 0.1 / 3;
  const eInt8 = (0.1 / 3) * 1.15;

  it('average mode lets a route above ε carry traffic when the mean holds', () => {
    const slo = (eFp16 + eInt8) / 2 + 1e-4; // mean of the two routes just within the SLO
    expect(eInt8).toBeGreaterThan(slo);
    const { inst, plan } = mixed('average', slo);
    expect(evaluate(inst, plan).feasible).toBe(true);
  });

  it('per-route mode rejects the same plan: the INT8 route breaks ε on its own', () => {
    const slo = (eFp16 + eInt8) / 2 + 1e-4;
    const { inst, plan } = mixed('per-route', slo);
    const ev = evaluate(inst, plan);
    expect(ev.violated_families).toEqual(['error_slo']);
    expect(ev.violations).toHaveLength(1);
    expect(ev.violations[0].lhs).toBeCloseTo(eInt8, 12);
  });

  it('average mode: dropping demand does not relax an SLO (right-hand side is the served share)', () => {
    const inst = tinyInstance();
    inst.types[0].delay_slo_s = 1.0; // D ≈ 1.036 > 1.0
    const plan = tinyPlan();
    plan.routes[0].share = 0.5;
    plan.unmet[0] = 0.5;
    const ev = evaluate(inst, plan);
    expect(ev.violated_families).toEqual(['delay_slo']);
    expect(ev.violations[0].lhs).toBeCloseTo(0.5 * D, 9);
    expect(ev.violations[0].rhs).toBeCloseTo(0.5 * 1.0, 9);
  });

  it('per-route mode: a route that breaks the delay SLO is a violation', () => {
    const inst = tinyInstance();
    inst.system.slo_mode = 'per-route';
    inst.types[0].delay_slo_s = 1.0;
    expect(families(inst, tinyPlan())).toEqual(['delay_slo']);
  });
});
