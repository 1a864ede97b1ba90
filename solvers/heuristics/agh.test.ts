import { describe, expect, it } from 'vitest';
import { generateInstance } from '../../generators/instance.ts';
import { evaluate } from '../problem/evaluator.ts';
import { DEFAULT_PROFILE_PATH, loadProfileBundle } from '../../traces/profile.ts';
import { agh } from './agh.ts';
import { consolidatePass } from './greedy/consolidate.ts';
import { ALL_MECHANISMS } from './greedy/construct.ts';
import { gh } from './gh.ts';
import { PlanState } from './greedy/state.ts';
import { tinyInstance } from '../../testing/problem-fixtures.ts';

const profile = loadProfileBundle(DEFAULT_PROFILE_PATH);
const generated = (seed: number, scenario: 'S1' | 'S3', sloMode: 'average' | 'per-route') =>
  generateInstance({ sizes: { I: 6, J: 6, K: 10 }, seed, scenario, sloMode, profile, profileName: 'default' });

describe('AGH', () => {
  it('is deterministic per seed, and its stopping rule is not the clock (default cap not reached)', async () => {
    const inst = generated(3, 'S1', 'average');
    const opts = { restarts: 6, seed: 7 };
    const a = await agh.solve(inst, opts);
    const b = await agh.solve(inst, opts);
    expect(b.plan).toEqual(a.plan);
    expect(a.diagnostics?.time_cap_hit).toBe(false);
  });

  it('hands the event loop back between its phases, not only once per solve', async () => {
    // A counter that re-arms itself each event-loop turn: it advances only while AGH awaits a
    // macrotask (../yield.ts), so a run that held the loop from start to end would leave it at 0 or 1.
    let turns = 0;
    let on = true;
    const tick = () => { turns++; if (on) setImmediate(tick); };
    setImmediate(tick);
    const r = await agh.solve(generated(1, 'S1', 'average'), { time_budget_s: 60 });
    on = false;
    expect(turns).toBeGreaterThanOrEqual(Number(r.diagnostics?.starts_run));
  });

  it('never ends above GH: its first start is GH’s order and every later step only lowers the objective', async () => {
    for (const [seed, scenario, mode] of [[1, 'S1', 'average'], [2, 'S3', 'per-route'], [4, 'S1', 'per-route']] as const) {
      const inst = generated(seed, scenario, mode);
      const cost = async (s: typeof gh) => evaluate(inst, (await s.solve(inst, { ...(s === agh ? { time_budget_s: 60 } : {}) })).plan!).cost_usd;
      expect(await cost(agh)).toBeLessThanOrEqual(await cost(gh) * (1 + 1e-9));
    }
  });

  it('consolidation empties a pair onto another deployed pair with spare capacity and releases its replicas', () => {
    // Two tiers of one GPU; T0 on FP16 n1 (0.577 replica), T1 (λ 360) alone on INT8 n1 — it fits on FP16's spare.
    const inst = tinyInstance();
    inst.models = [inst.models[0]];
    inst.meta.sizes.J = 1;
    inst.types.push({ ...inst.types[0], name: 'T1', rate_per_h: 360 });
    inst.meta.sizes.I = 2;
    const s = new PlanState(inst);
    const d = s.pre.d;
    s.addShare(0, 0, d.configIndex({ j: 0, k: 0, n: 1, m: 1 }), 1);
    s.addShare(1, 1, d.configIndex({ j: 0, k: 1, n: 1, m: 1 }), 1);
    const before = s.cost();
    const moves = consolidatePass(s, { mech: ALL_MECHANISMS, undo: new PlanState(inst), deadline: Infinity, timedOut: false });
    expect(moves).toBe(1);
    expect(Array.from(s.layout)).toEqual([d.configIndex({ j: 0, k: 0, n: 1, m: 1 }), -1]);
    expect(s.x[1 * s.P + 0]).toBe(1);
    expect(before - s.cost()).toBeGreaterThan(24 * 0.35 - 1); // one GPU-day saved, less any extra delay penalty
  });
});

