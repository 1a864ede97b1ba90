import { describe, expect, it } from 'vitest';
import { generateInstance } from '../../../generators/instance.ts';
import { DEFAULT_PROFILE_PATH, loadProfileBundle } from '../../../traces/profile.ts';
import { candidateTable, FULL_SCAN_PAIRS, prepare, shortlistMask } from './candidates.ts';
import { ALL_MECHANISMS, placeType } from './construct.ts';
import { PlanState } from './state.ts';

const profile = loadProfileBundle(DEFAULT_PROFILE_PATH);
const generated = (I: number, J: number, K: number) =>
  generateInstance({ sizes: { I, J, K }, seed: 2, scenario: 'S1', sloMode: 'average', profile, profileName: 'default' });

describe('placeType with shortlisted new deployments (agh-lns re-placements)', () => {
  it('opens new pairs only from the type’s shortlists beyond FULL_SCAN_PAIRS pairs', () => {
    const inst = generated(6, 21, 20);
    const pre = prepare(inst);
    expect(pre.P).toBeGreaterThan(FULL_SCAN_PAIRS);
    const mech = { ...ALL_MECHANISMS, mix: true };
    const plain = shortlistMask(pre, candidateTable(pre, false));
    const mix = shortlistMask(pre, candidateTable(pre, true));
    let opened = 0;
    for (let i = 0; i < pre.I; i++) {
      const s = new PlanState(inst);
      placeType(s, i, mech, { shortlisted: true });
      for (let p = 0; p < pre.P; p++) {
        if (s.layout[p] < 0) continue;
        opened++;
        expect(plain[i][p] === 1 || mix[i][p] === 1).toBe(true);
      }
      expect(s.feasible()).toBe(true);
    }
    expect(opened).toBeGreaterThan(0);
  });

  it('changes nothing up to FULL_SCAN_PAIRS pairs', () => {
    const inst = generated(6, 20, 20);
    expect(prepare(inst).P).toBe(FULL_SCAN_PAIRS);
    const mech = { ...ALL_MECHANISMS, mix: true };
    for (let i = 0; i < inst.types.length; i++) {
      const a = new PlanState(inst);
      const b = new PlanState(inst);
      placeType(a, i, mech);
      placeType(b, i, mech, { shortlisted: true });
      expect(b.toPlan('x')).toEqual(a.toPlan('x'));
    }
  });
});
