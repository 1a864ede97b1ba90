import { describe, expect, it } from 'vitest';
import { generateInstance } from '../../generators/instance.ts';
import { evaluate } from '../problem/evaluator.ts';
import { DEFAULT_PROFILE_PATH, loadProfileBundle } from '../../traces/profile.ts';
import { agh } from './agh.ts';
import { redeployStep } from './redeploy.ts';
import { ALL_MECHANISMS } from './construct.ts';
import type { Search } from './relocate.ts';
import { PlanState } from './state.ts';

const profile = loadProfileBundle(DEFAULT_PROFILE_PATH);

/** Loads a plan into a heuristic state through the state's own bookkeeping. */
function stateOf(inst: ReturnType<typeof generateInstance>, plan: NonNullable<Awaited<ReturnType<typeof agh.solve>>['plan']>): PlanState {
  const s = new PlanState(inst);
  const d = s.pre.d;
  for (const r of plan.routes) {
    const c = d.configIndex(r);
    s.addShare(r.i, d.configs[c].pair, c, r.share);
  }
  return s;
}

const searchFor = (s: PlanState): Search => ({ mech: ALL_MECHANISMS, undo: new PlanState(s.inst), deadline: Infinity, timedOut: false });

describe('re-deploy move', () => {
  // S3 per-route seed 2: without the move AGH ends 43.2% above the optimum (quality.ts).
  const inst = generateInstance({ sizes: { I: 6, J: 6, K: 10 }, seed: 2, scenario: 'S3', sloMode: 'per-route', profile, profileName: 'default' });

  it('lowers the cost of the plan AGH ends with without it, and the evaluator accepts every step', async () => {
    const without = (await agh.solve(inst, { redeploy_lps: 0, time_budget_s: 60 })).plan!;
    const s = stateOf(inst, without);
    const start = evaluate(inst, without).cost_usd;
    expect(s.cost()).toBeCloseTo(start, 6);
    let steps = 0;
    while (steps < 20 && redeployStep(s, searchFor(s), 3000)) {
      steps++;
      const ev = evaluate(inst, s.toPlan('test'));
      expect(ev.feasible, ev.violated_families.join(';')).toBe(true);
      expect(ev.cost_usd).toBeCloseTo(s.cost(), 6);
    }
    expect(steps).toBeGreaterThan(0);
    expect(s.cost()).toBeLessThan(0.9 * start);
  });

  it('is what AGH uses by default (redeploy_lps = 0 turns it off)', async () => {
    const on = await agh.solve(inst, { time_budget_s: 60 });
    const off = await agh.solve(inst, { redeploy_lps: 0, time_budget_s: 60 });
    expect(on.diagnostics?.redeploys).toBeGreaterThan(0);
    expect(off.diagnostics?.redeploys).toBe(0);
    expect(evaluate(inst, on.plan!).cost_usd).toBeLessThan(evaluate(inst, off.plan!).cost_usd);
  });

  it('changes nothing when no LP may be solved', async () => {
    const plan = (await agh.solve(inst, { redeploy_lps: 0, time_budget_s: 60 })).plan!;
    const s = stateOf(inst, plan);
    const before = s.cost();
    expect(redeployStep(s, searchFor(s), 0)).toBe(false);
    expect(s.cost()).toBe(before);
  });
});
