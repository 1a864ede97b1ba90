import { describe, expect, it } from 'vitest';
import { evaluate } from '../problem/evaluator.ts';
import { backendOptions } from './backend.ts';
import { decodePlan } from './decode.ts';
import { solveWithHighs } from './highs.ts';
import { buildModel } from './model.ts';
import { tinyInstance } from '../../testing/exact-instances.ts';

describe('decodePlan', () => {
  it('rounds integers, snaps 1e-9 noise to the bounds and clamps, so solver noise never reaches the evaluator', async () => {
    const inst = tinyInstance(4, 'average', 'S1');
    const model = buildModel(inst);
    const solved = await solveWithHighs(model, backendOptions(60, 0));
    const clean = decodePlan(inst, model, solved.values!, 'test');
    expect(evaluate(inst, clean).feasible).toBe(true);
    expect(clean.deployments.length).toBeGreaterThan(0);

    // The same solution as a sloppier solver might report it.
    const noisy = solved.values!.map((v, n) => {
      const col = model.cols[n];
      const sign = n % 2 ? 1 : -1;
      if (col.kind !== 'continuous') return v + sign * 4e-7;
      if (v === col.lb || v === col.ub) return v + sign * 5e-10; // may step outside the bounds
      return v;
    });
    const plan = decodePlan(inst, model, noisy, 'test');
    expect(plan).toEqual(clean);
    for (const d of plan.deployments) expect(Number.isInteger(d.replicas)).toBe(true);
    for (const r of plan.routes) expect(r.share).toBeGreaterThan(0);
    for (const u of plan.unmet) expect(u >= 0 && u <= 1).toBe(true);
  });
});
