import { describe, expect, it } from 'vitest';
import { generateInstance } from '../../generators/instance.ts';
import { DEFAULT_PROFILE_PATH, loadProfileBundle } from '../../traces/profile.ts';
import { parseSolverSpec } from '../registry.ts';
import { derive } from './derived.ts';
import { evaluate } from './evaluator.ts';
import { withHeadroom } from './headroom.ts';
import { stressTest } from './stress.ts';
import type { Instance, Plan, SloMode } from './types.ts';

const profile = loadProfileBundle(DEFAULT_PROFILE_PATH);
const generated = (sizes: Instance['meta']['sizes'], seed: number, sloMode: SloMode = 'average'): Instance =>
  generateInstance({ sizes, seed, scenario: 'S1', sloMode, profile, profileName: 'default' });

const close = (a: ArrayLike<number>, b: ArrayLike<number>, factor: number) => {
  expect(a.length).toBe(b.length);
  for (let n = 0; n < a.length; n++) {
    if (!Number.isFinite(b[n])) expect(a[n]).toBe(b[n]);
    else expect(Math.abs(a[n] - factor * b[n])).toBeLessThanOrEqual(1e-12 * Math.abs(factor * b[n]));
  }
};

describe('withHeadroom: the planning instance of docs/model.md §9', () => {
  it('θ = 0 is the identity', () => {
    const inst = generated({ I: 6, J: 6, K: 10 }, 1);
    const copy = structuredClone(inst);
    expect(withHeadroom(inst, 0)).toEqual(copy);
    expect(inst).toEqual(copy); // and θ > 0 leaves the nominal instance as it was
    withHeadroom(inst, 0.5);
    expect(inst).toEqual(copy);
  });

  it('multiplies every route delay, error and work per request by 1 + θ and nothing else', () => {
    const inst = generated({ I: 6, J: 6, K: 10 }, 2);
    const d = derive(inst);
    const h = derive(withHeadroom(inst, 0.25));
    expect(h.configs.map((c) => c.index)).toEqual(d.configs.map((c) => c.index)); // memory validity unchanged
    close(h.delay_s, d.delay_s, 1.25);
    close(h.error, d.error, 1.25);
    close(h.load_replicas, d.load_replicas, 1.25); // work per request
    close(h.kv_replicas, d.kv_replicas, 1.25); // KV residence grows with the delay, as in stage 2
    close(h.delay_penalty_usd_per_h, d.delay_penalty_usd_per_h, 1.25);
    expect(h.configs.map((c) => [c.free_kv_gb, c.price_usd_per_h, c.max_replicas])).toEqual(d.configs.map((c) => [c.free_kv_gb, c.price_usd_per_h, c.max_replicas]));
    expect(h.token_storage_usd_per_h).toEqual(d.token_storage_usd_per_h);
    expect(h.unmet_penalty_usd_per_h).toEqual(d.unmet_penalty_usd_per_h);
    expect(h.model_storage_usd_per_h).toEqual(d.model_storage_usd_per_h);
  });

  it('rejects a negative or non-numeric headroom', () => {
    const inst = generated({ I: 3, J: 3, K: 4 }, 1);
    expect(() => withHeadroom(inst, -0.1)).toThrow(/headroom θ must be a number ≥ 0/);
    expect(() => withHeadroom(inst, Number.NaN)).toThrow(/headroom θ must be a number ≥ 0/);
  });
});

/** Solves on the headroom instance and checks the promise of docs/model.md §9 on the nominal one. */
async function planWithHeadroom(spec: string, inst: Instance, theta: number): Promise<Plan> {
  const { solver, options } = parseSolverSpec(spec);
  const result = await solver.solve(withHeadroom(inst, theta), options);
  expect(result.plan, `${spec}: ${result.message ?? result.status}`).not.toBeNull();
  expect(evaluate(withHeadroom(inst, theta), result.plan!).feasible, `${spec} plan feasible on its planning instance`).toBe(true);
  return result.plan!;
}

function expectWholeUpTo(inst: Instance, plan: Plan, theta: number, what: string): void {
  const unmet = evaluate(inst, plan).unmet_rate;
  for (const kappa of [1, 1 + theta / 2, 1 + theta]) {
    const s = stressTest(inst, plan, { inflation: kappa, scenarios: 40, seed: 3 });
    expect(s.dropped_rate_mean, `${what} dropped at κ = ${kappa}`).toBe(0);
    expect(s.shed_rate_mean, `${what} shed at κ = ${kappa}`).toBe(0);
    expect(s.violation_rate.p95, `${what} at κ = ${kappa}: only its planned unmet violates`).toBeCloseTo(unmet, 12);
  }
}

describe('a plan made with headroom θ drops and sheds nothing in stage 2 up to κ = 1 + θ', () => {
  it.each(['average', 'per-route'] as const)('heuristic (agh), %s SLO mode', async (sloMode) => {
    const inst = generated({ I: 6, J: 6, K: 10 }, 3, sloMode);
    for (const theta of [0.1, 0.5]) {
      expectWholeUpTo(inst, await planWithHeadroom('agh', inst, theta), theta, `agh θ = ${theta}`);
      await new Promise((r) => setImmediate(r));
    }
    // The check has teeth: the plan made without headroom loses traffic at κ = 1.5.
    const bare = stressTest(inst, await planWithHeadroom('agh', inst, 0), { inflation: 1.5, scenarios: 40, seed: 3 });
    expect(bare.dropped_rate_mean + bare.shed_rate_mean).toBeGreaterThan(0);
  });

  it('exact (highs), on a small generated instance', async () => {
    const inst = generated({ I: 3, J: 3, K: 4 }, 4);
    const theta = 0.25;
    expectWholeUpTo(inst, await planWithHeadroom('highs:time_limit_s=60', inst, theta), theta, `highs θ = ${theta}`);
  }, 120_000);
});
