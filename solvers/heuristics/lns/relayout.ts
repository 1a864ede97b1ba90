/**
 * agh-lns — relayout move (beyond the paper's AGH, which only raises TP through M3;
 * docs/heuristics.md, "`agh-lns` — this project's extension"): a deployed pair switches to any
 * other usable layout that keeps every SLO of its types, when that lowers the objective within
 * budget and pool. It is what lets agh-lns shed the coarse layouts M1's capacity-price rule picks
 * (load-bound layouts tie, and the tie goes to the fastest, i.e. the largest) and spend the freed
 * budget on demand that would otherwise go unmet.
 */
import { usable } from '../greedy/candidates.ts';
import { IMPROVE_EPS } from '../greedy/relocate.ts';
import type { PlanState } from '../greedy/state.ts';
import { Target } from '../greedy/target.ts';
import { layoutChange } from '../greedy/upgrade.ts';

const TOL = 1e-9;
const tg = new Target();

export function relayoutPass(s: PlanState): number {
  const pre = s.pre;
  let moves = 0;
  for (let p = 0; p < s.P; p++) {
    const c0 = s.layout[p];
    if (c0 < 0) continue;
    const g = pre.d.configs[c0].gpu;
    let best = -1;
    let bestDelta = -IMPROVE_EPS * Math.max(1, s.hourlyCost());
    for (const c1 of pre.d.pairConfigs[p]) {
      if (c1 === c0 || !usable(pre, c1) || !layoutChange(s, p, c1, tg)) continue;
      if (s.budgetLeftPerH() - tg.extraBudget < -TOL || s.poolLeft(g) - tg.extraGpus < -TOL) continue;
      const delta = tg.extraBudget + tg.extraPenalty;
      if (delta < bestDelta) {
        bestDelta = delta;
        best = c1;
      }
    }
    if (best >= 0) {
      s.setLayout(p, best);
      moves++;
    }
  }
  return moves;
}
