import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { ALL_MECHANISMS, construct } from '../greedy/construct.ts';
import { oneModelOneTier } from '../../../testing/heuristic-fixtures.ts';
import { ruinAndRecreate, type RuinStats } from './ruin.ts';
import { PlanState } from '../greedy/state.ts';

describe('ruin-and-recreate rounds', () => {
  // Two types on one model and tier: after one round the plan is a fixed point no step improves.
  const inst = oneModelOneTier([{}, { rate_per_h: 7200 }]);
  const settled = () => {
    const s = new PlanState(inst);
    construct(s, [0, 1], ALL_MECHANISMS);
    const search = { mech: ALL_MECHANISMS, undo: new PlanState(inst), deadline: Infinity, timedOut: false };
    ruinAndRecreate(s, search, seedrandom('settle'), 1000, { steps: 0, accepted: 0, improved: 0 });
    return { s, search };
  };

  it('end after a quarter of their steps without a new best', () => {
    const { s, search } = settled();
    const stats: RuinStats = { steps: 0, accepted: 0, improved: 0 };
    ruinAndRecreate(s, search, seedrandom('round'), 1000, stats);
    expect(stats.improved).toBe(0);
    expect(stats.steps).toBe(250);
  });

  it('but run at least 100 steps, so short rounds run whole', () => {
    const { s, search } = settled();
    const stats: RuinStats = { steps: 0, accepted: 0, improved: 0 };
    ruinAndRecreate(s, search, seedrandom('round'), 60, stats);
    expect(stats.improved).toBe(0);
    expect(stats.steps).toBe(60);
    ruinAndRecreate(s, search, seedrandom('round'), 200, stats);
    expect(stats.steps).toBe(160);
  });
});
