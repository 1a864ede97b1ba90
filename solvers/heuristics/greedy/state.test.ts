import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { tinyInstance } from '../../../testing/problem-fixtures.ts';
import { evaluate } from '../../problem/evaluator.ts';
import { parsePlan } from '../../problem/schema.ts';
import { PlanState } from './state.ts';

describe('plan state', () => {
  it('keeps its running objective equal to the evaluator’s, and replicas covering load and KV, through random moves', () => {
    const inst = tinyInstance();
    inst.system.budget_usd = 1e9;
    const s = new PlanState(inst);
    const { d } = s.pre;
    const rng = seedrandom('state');
    for (let step = 0; step < 500; step++) {
      const p = Math.floor(rng() * s.P);
      const layouts = d.pairConfigs[p];
      const c = s.layout[p] >= 0 ? s.layout[p] : layouts[Math.floor(rng() * layouts.length)];
      const roll = rng();
      if (roll < 0.1 && s.layout[p] >= 0) s.setLayout(p, layouts[Math.floor(rng() * layouts.length)]);
      else if (roll < 0.6) s.addShare(0, p, c, Math.min(s.unmet(0), rng() * 0.3));
      else s.addShare(0, p, c, -rng() * s.x[p]);
      const ev = evaluate(inst, parsePlan(s.toPlan('test'), inst));
      expect(Math.abs(ev.cost_usd - s.cost())).toBeLessThanOrEqual(1e-9 * ev.cost_usd);
      // Random moves may break pool, budget and SLO rows; the structural rows must always hold.
      const structural = ['demand', 'layout', 'linking', 'memory', 'throughput', 'kv_memory'];
      expect(ev.violated_families.filter((f) => structural.includes(f))).toEqual([]);
    }
  });

  it('releases a pair, its replicas and its model’s storage when the last route leaves', () => {
    const inst = tinyInstance();
    const s = new PlanState(inst);
    const c = s.pre.d.configIndex({ j: 0, k: 0, n: 1, m: 1 });
    const empty = s.cost();
    s.addShare(0, 0, c, 0.7);
    expect([s.layout[0], s.replicas[0], s.modelPairs[0]]).toEqual([c, 1, 1]);
    s.addShare(0, 0, c, -0.7);
    expect([s.layout[0], s.replicas[0], s.modelPairs[0]]).toEqual([-1, 0, 0]);
    expect(s.cost()).toBeCloseTo(empty, 9);
    expect(s.toPlan('t')).toMatchObject({ stored_models: [], deployments: [], routes: [], unmet: [1] });
  });
});
