import { describe, expect, it } from 'vitest';
import { evaluate } from '../problem/evaluator.ts';
import { backendOptions } from './backend.ts';
import { derive } from '../problem/derived.ts';
import { decodePlan, encodePlan } from './decode.ts';
import { solveWithHighs } from './highs.ts';
import { buildModel } from './model.ts';
import { testInstance, tinyInstance, withClonedTiers } from '../../testing/exact-instances.ts';

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

describe('clone tiers (model.ts, "Clone tiers")', () => {
  it('places a merged pair\'s layouts on the class\'s tiers in order, and encodePlan maps them back', () => {
    const inst = withClonedTiers(testInstance({ I: 6, J: 6, K: 10 }, 1, 'average'));
    const d = derive(inst);
    const C = d.configs.length;
    const model = buildModel(inst);
    const { x, r, w, s, u } = model.vars;
    // A head pair with two layouts kept (w columns), a type routable on both, and room for 4
    // replicas on the first (so that adding replicas differs from overwriting them below).
    const routable = (c1: number, c2: number) => [...Array(d.I).keys()].find((t) => x[t * C + c1] >= 0 && x[t * C + c2] >= 0);
    const list = d.pairConfigs.find((l, pair) => {
      const kept = l.filter((c) => w[c] >= 0);
      return model.placement[pair % d.K].length === 2 && kept.length >= 2 && model.cols[r[kept[0]]].ub >= 4 && routable(kept[0], kept[1]) !== undefined;
    })!;
    const [c1, c2] = list.filter((c) => w[c] >= 0);
    const i = routable(c1, c2)!;
    const values = new Float64Array(model.cols.length);
    values[s[d.configs[c1].j]] = 1;
    values[w[c1]] = values[w[c2]] = 1;
    values[r[c1]] = 1;
    const r2 = model.cols[r[c2]].ub; // R̄ (≥ 1)
    values[r[c2]] = r2;
    values[x[i * C + c1]] = 0.25;
    values[x[i * C + c2]] = 0.5;
    for (let t = 0; t < d.I; t++) values[u[t]] = t === i ? 0.25 : 1;
    const plan = decodePlan(inst, model, values, 'test');
    const { j, k } = d.configs[c1];
    const clone = model.placement[k][1];
    expect(inst.tiers[clone].name).toBe(`${inst.tiers[k].name}#2`);
    expect(plan.deployments).toEqual([
      { j, k, n: d.configs[c1].n, m: d.configs[c1].m, replicas: 1 },
      { j, k: clone, n: d.configs[c2].n, m: d.configs[c2].m, replicas: r2 },
    ]);
    expect(plan.routes).toEqual([
      { i, j, k, n: d.configs[c1].n, m: d.configs[c1].m, share: 0.25 },
      { i, j, k: clone, n: d.configs[c2].n, m: d.configs[c2].m, share: 0.5 },
    ]);
    expect(evaluate(inst, plan).violated_families).not.toContain('layout');
    expect(Array.from(encodePlan(inst, model, plan))).toEqual(Array.from(values));

    // The same layout on both tiers of the class is one merged layout with the replicas and shares added.
    const same = structuredClone(plan);
    same.deployments[1] = { ...plan.deployments[0], k: clone, replicas: 3 };
    same.routes[1] = { ...plan.routes[0], k: clone, share: 0.5 };
    const merged = encodePlan(inst, model, same);
    expect([merged[w[c1]], merged[r[c1]], merged[x[i * C + c1]], merged[w[c2]]]).toEqual([1, Math.min(4, model.cols[r[c1]].ub), 0.75, 0]);
  });
});
