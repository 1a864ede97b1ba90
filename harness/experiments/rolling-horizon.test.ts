import { afterEach, describe, expect, it, vi } from 'vitest';
import { evaluate } from '../../solvers/problem/evaluator.ts';
import { tinyInstance, tinyPlan } from '../../testing/problem-fixtures.ts';
import type { Instance, Plan } from '../../solvers/problem/types.ts';
import { agh } from '../../solvers/heuristics/agh.ts';
import { gh } from '../../solvers/heuristics/gh.ts';
import { parseSolverSpec, type SolverSpec } from '../../solvers/registry.ts';
import { ROLLING_COLUMNS } from '../sweep/columns.ts';
import { demandPath, diurnalProfile, SLOT_H, SLOTS_PER_DAY, traceProfile } from './demand-paths.ts';
import { runRollingHorizon, type RollingDay, type RollingInput, type RollingRow } from './rolling-horizon.ts';
import { makePolicy, SolveLog, withDemand } from './rolling-policies.ts';

const FLAT = [1];

describe('demand profiles', () => {
  it('diurnal: trough 0.5 at midnight, peak 1.5 at noon, mean 1', () => {
    const p = diurnalProfile();
    expect(p).toHaveLength(SLOTS_PER_DAY);
    expect(p[0]).toBeCloseTo(0.5, 12);
    expect(p[144]).toBeCloseTo(1.5, 12);
    expect(Math.max(...p)).toBeCloseTo(1.5, 12);
    expect(p.reduce((a, b) => a + b, 0) / SLOTS_PER_DAY).toBeCloseTo(1, 12);
  });

  it('trace counts: tiled or truncated to 288 slots and scaled to mean 1', () => {
    const tiled = traceProfile([10, 30]);
    expect(tiled).toHaveLength(SLOTS_PER_DAY);
    expect([tiled[0], tiled[1], tiled[286], tiled[287]]).toEqual([0.5, 1.5, 0.5, 1.5]);
    const long = traceProfile([...Array(SLOTS_PER_DAY).fill(2), 1000]);
    expect(long.every((x) => x === 1)).toBe(true); // the 289th count is cut off
    expect(() => traceProfile([])).toThrow(/at least one/);
    expect(() => traceProfile([0, 0])).toThrow(/no arrivals/);
  });
});

describe('demand paths: λ(t)/λ = profile(t)·exp(σZ_t − σ²/2), Z an AR(1)', () => {
  it('σ = 0 gives the profile itself; a path depends only on (seed, σ, path)', () => {
    const profile = diurnalProfile();
    expect(demandPath(1, 0, 0, profile).multiplier).toEqual(profile);
    const a = demandPath(1, 0.03, 5, profile).multiplier;
    demandPath(1, 0.03, 4, profile);
    expect(demandPath(1, 0.03, 5, profile).multiplier).toEqual(a);
    expect(demandPath(1, 0.03, 6, profile).multiplier).not.toEqual(a);
    expect(demandPath(2, 0.03, 5, profile).multiplier).not.toEqual(a);
  });

  it('Z has mean 0, variance 1 and lag-1 correlation 0.5; the noise factor has mean 1', () => {
    // 200 paths × 288 slots = 57,600 draws at σ = 0.5 (large, so that a missing −σ²/2 would show:
    // the mean factor would be e^{0.125} = 1.13). Tolerances are ≈ 4–5 standard errors of each
    // estimate under AR(1) autocorrelation ρ = 0.5 (n = 57,600):
    //   mean Z: √((1+ρ)/(1−ρ)/n) = 0.0072 → 0.03;  Var Z: √(2(1+ρ²)/(1−ρ²)/n) = 0.0076 → 0.035;
    //   lag-1 correlation: √((1−ρ²)/n) = 0.0036 → 0.02;
    //   mean factor: Var = e^{σ²} − 1 = 0.284, autocorrelation ≤ ρ^k: √(0.284·3/n) = 0.0038 → 0.02.
    const sigma = 0.5;
    const ones = new Float64Array(SLOTS_PER_DAY).fill(1);
    let n = 0, sum = 0, sumSq = 0, lagProd = 0, lagN = 0, factorSum = 0;
    for (let path = 0; path < 200; path++) {
      const { z, multiplier } = demandPath(11, sigma, path, ones);
      for (let t = 0; t < z.length; t++) {
        n++;
        sum += z[t];
        sumSq += z[t] * z[t];
        factorSum += multiplier[t];
        if (t > 0) {
          lagProd += z[t] * z[t - 1];
          lagN++;
        }
      }
    }
    const mean = sum / n;
    const variance = sumSq / n - mean * mean;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.035);
    expect(Math.abs((lagProd / lagN - mean * mean) / variance - 0.5)).toBeLessThan(0.02);
    expect(Math.abs(factorSum / n - 1)).toBeLessThan(0.02);
  });
});

describe('withDemand: a slot or day copy of an instance', () => {
  it('scales every rate and the budget with the horizon, leaving the original alone', () => {
    const inst = tinyInstance();
    const slot = withDemand(inst, 1.5, SLOT_H);
    expect(slot).not.toBe(inst);
    expect(slot.types[0].rate_per_h).toBe(5400);
    expect(slot.system.horizon_h).toBe(SLOT_H);
    expect(slot.system.budget_usd).toBeCloseTo((1000 * 5) / 1440, 12); // day budget × 5/1440
    expect(inst.types[0].rate_per_h).toBe(3600);
    expect(inst.system.horizon_h).toBe(24);
  });
});

/** A solver that records the instance of every call and answers with `answer(call)`. */
function spy(answer: (call: number) => Plan | null): { spec: SolverSpec; seen: Instance[] } {
  const seen: Instance[] = [];
  const solver = {
    name: 'spy', description: 'records its calls', kind: 'heuristic' as const, options: {}, deterministic: true,
    claimsFeasibility: () => true,
    solve: async (inst: Instance) => {
      seen.push(inst);
      return { solver: 'spy', status: 'completed' as const, plan: answer(seen.length - 1), wall_time_s: 0 };
    },
  };
  return { spec: { solver, options: {}, label: 'spy' }, seen };
}

describe('policies', () => {
  const context = () => ({ day: tinyInstance(), profile: diurnalProfile(), slotH: SLOT_H, log: new SolveLog() });

  it('a 5-minute policy re-solves each slot on the previous slot\'s observed demand, slot horizon and budget', async () => {
    const { spec, seen } = spy(() => tinyPlan());
    const ctx = context();
    const policy = makePolicy('agh-5min', spec, ctx);
    const observed = [2, 3];
    for (let t = 0; t < 3; t++) await policy(t, observed.slice(0, t));
    expect(seen.map((i) => i.types[0].rate_per_h)).toEqual([3600 * ctx.profile[0], 3600 * 2, 3600 * 3]);
    expect(seen.every((i) => i.system.horizon_h === SLOT_H && i.system.budget_usd === (1000 * SLOT_H) / 24)).toBe(true);
    expect(ctx.log.calls).toBe(3);
  });

  it('static policies solve once over 24 h: the mean demand (agh-24h), the profile peak (peak-static)', async () => {
    for (const [name, factor] of [['agh-24h', 1], ['peak-static', 1.5]] as const) {
      const { spec, seen } = spy(() => tinyPlan());
      const policy = makePolicy(name, spec, context());
      const plans = [await policy(0, []), await policy(1, [7])];
      expect(plans[1]).toBe(plans[0]);
      expect(seen).toHaveLength(1);
      expect(seen[0].types[0].rate_per_h).toBeCloseTo(3600 * factor, 9);
      expect(seen[0].system).toMatchObject({ horizon_h: 24, budget_usd: 1000 });
    }
  });

  it('a solve without a plan keeps the previous plan running (nothing before the first plan)', async () => {
    const plan = tinyPlan();
    const { spec } = spy((call) => (call === 1 ? plan : null));
    const ctx = context();
    const policy = makePolicy('gh-5min', spec, ctx);
    const first = await policy(0, []);
    expect(first.routes).toEqual([]);
    expect(first.unmet).toEqual([1]);
    expect(await policy(1, [1])).toBe(plan);
    expect(await policy(2, [1, 1])).toBe(plan);
    expect(ctx.log.failures).toBe(2);
  });
});

/** The row of one day. */
async function playDay(input: Omit<RollingInput, 'days'> & RollingDay): Promise<RollingRow> {
  const { sigma, path, ...rest } = input;
  const rows = await runRollingHorizon({ ...rest, days: [{ sigma, path }] });
  expect(rows).toHaveLength(1);
  return rows[0];
}

describe('runRollingHorizon', () => {
  it('σ = 0 and a flat profile: AGH every 5 minutes costs what AGH once for the day costs', async () => {
    const base = { instance: tinyInstance(), sigma: 0, path: 0, seed: 1, profile5min: FLAT };
    const rolling = await playDay({ ...base, policy: 'agh-5min' });
    const daily = await playDay({ ...base, policy: 'agh-24h' });
    expect(rolling.solver_calls).toBe(SLOTS_PER_DAY);
    expect(daily.solver_calls).toBe(1);
    expect(rolling.day_cost_usd).toBeCloseTo(daily.day_cost_usd, 9);
    // Scoring 288 slots of nominal demand adds up to the evaluator's cost of the day plan.
    const agh = parseSolverSpec('agh');
    const plan = (await agh.solver.solve(tinyInstance(), agh.options)).plan!;
    const ev = evaluate(tinyInstance(), plan);
    expect(ev.feasible).toBe(true);
    expect(daily.day_cost_usd).toBeCloseTo(ev.cost_usd, 9);
    expect(daily.rental_usd).toBeCloseTo(ev.terms.rental_usd, 9);
    expect(daily.violation_rate).toBe(0);
  });

  it('demand above the plan is dropped and counted as violating', async () => {
    // At 11,000 requests/h the mean load is 0.88 of one 8B INT8 replica: agh-24h rents one, and the
    // diurnal peak (1.5×) overflows it around noon.
    const instance = tinyInstance();
    instance.types[0].rate_per_h = 11_000;
    const row = await playDay({ instance, sigma: 0.05, path: 0, seed: 1, policy: 'agh-24h' });
    expect(row.violation_rate).toBeGreaterThan(0);
    expect(row.unmet_penalty_usd).toBeGreaterThan(0);
    expect(row.unmet_rate).toBe(0);
    // One rate (docs/model.md §8): its parts add up to it.
    expect(row.dropped_rate + row.shed_rate + row.unmet_rate).toBeCloseTo(row.violation_rate, 12);
    expect(row.dropped_rate).toBeGreaterThan(0);
  });

  it('returns a flat row whose keys are rolling raw.csv columns', async () => {
    const row = await playDay({ instance: tinyInstance(), sigma: 0.02, path: 1, seed: 1, policy: 'gh-5min' });
    const columns = new Set(ROLLING_COLUMNS.map((c) => c.name));
    expect(Object.keys(row).filter((k) => !columns.has(k))).toEqual([]);
    expect(row).toMatchObject({ sigma: 0.02, path: 1, policy: 'gh-5min', slots: SLOTS_PER_DAY, solver_calls: SLOTS_PER_DAY });
    expect(row.solve_time_max_s).toBeLessThanOrEqual(row.solve_time_total_s);
    const terms = row.rental_usd + row.model_storage_usd + row.token_storage_usd + row.delay_penalty_usd + row.unmet_penalty_usd;
    expect(row.day_cost_usd).toBeCloseTo(terms, 9);
  });

  it('dm-24h needs an exact solver spec', async () => {
    await expect(playDay({ instance: tinyInstance(), sigma: 0, path: 0, seed: 1, policy: 'dm-24h' })).rejects.toThrow(/exact solver spec/);
  });

  describe('over several days (σ, path)', () => {
    const days = [0.01, 0.05].flatMap((sigma) => [0, 1, 2].map((path) => ({ sigma, path })));
    // 11,000 requests/h: the diurnal peak overflows the day plan, so each day's cost depends on its path.
    const instance = tinyInstance();
    instance.types[0].rate_per_h = 11_000;
    afterEach(() => vi.restoreAllMocks());

    it('a static policy solves once, after one untimed warm-up, and every day reports that one solve', async () => {
      const solve = vi.spyOn(agh, 'solve');
      const rows = await runRollingHorizon({ instance, days, seed: 1, policy: 'agh-24h' });
      expect(solve).toHaveBeenCalledTimes(2); // warm-up + the plan
      expect(rows.map((r) => [r.sigma, r.path])).toEqual(days.map((d) => [d.sigma, d.path]));
      for (const r of rows) {
        expect(r.solver_calls).toBe(1);
        expect(r.solve_time_total_s).toBe(rows[0].solve_time_total_s);
        expect(r.solve_time_max_s).toBe(rows[0].solve_time_total_s);
        expect(r.rental_usd).toBe(rows[0].rental_usd); // one plan, rented all day
      }
      expect(new Set(rows.map((r) => r.day_cost_usd)).size).toBe(days.length); // scored on each path
      // The same rows as days played one at a time, each with its own solve.
      for (const [n, d] of days.entries()) {
        const alone = await playDay({ instance, ...d, seed: 1, policy: 'agh-24h' });
        expect(alone.day_cost_usd).toBe(rows[n].day_cost_usd);
      }
    });

    it('a re-solving policy re-solves every slot of every day, after one warm-up', async () => {
      const solve = vi.spyOn(gh, 'solve');
      const slots: [number, number][] = [];
      const rows = await runRollingHorizon({ instance, days: days.slice(0, 2), seed: 1, policy: 'gh-5min', onSlot: (done, total) => slots.push([done, total]) });
      expect(solve).toHaveBeenCalledTimes(1 + 2 * SLOTS_PER_DAY);
      // the slot counter runs over all the cell's days, once per slot
      expect(slots).toEqual(Array.from({ length: 2 * SLOTS_PER_DAY }, (_, n) => [n + 1, 2 * SLOTS_PER_DAY]));
      expect(rows.map((r) => r.solver_calls)).toEqual([SLOTS_PER_DAY, SLOTS_PER_DAY]);
    });
  });
});
