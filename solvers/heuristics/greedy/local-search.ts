/**
 * The local search of AGH's steps 2–3 (docs/heuristics.md, "AGH — adaptive greedy heuristic"):
 * rounds of improvement passes over a plan until a round improves nothing, the iteration cap or the
 * clock. The passes are the caller's: `agh` runs relocate and consolidation (AGH_PASSES); `agh-lns`
 * adds its own moves to every round (lns/passes.ts).
 */
import { consolidatePass } from './consolidate.ts';
import { relocatePass, type Search } from './relocate.ts';
import type { PlanState } from './state.ts';

/** One improvement pass: `run` returns its accepted moves, counted under `stat` in SearchStats.moves. */
export interface Pass {
  stat: string;
  run(s: PlanState, search: Search): number;
}

/** AGH step 2: relocate (relocate.ts). */
export const RELOCATE: Pass = { stat: 'relocations', run: relocatePass };
/** AGH step 3: consolidation (consolidate.ts). */
export const CONSOLIDATE: Pass = { stat: 'consolidations', run: consolidatePass };
/** The paper's AGH rounds: relocate, then consolidation. */
export const AGH_PASSES: readonly Pass[] = [RELOCATE, CONSOLIDATE];

export interface SearchStats {
  iterations: number;
  /** Accepted moves per pass (Pass.stat). */
  moves: Record<string, number>;
  iterationCapHit: boolean;
}

export const newStats = (): SearchStats => ({ iterations: 0, moves: {}, iterationCapHit: false });

/**
 * Rounds of the given passes, in order, until a round improves nothing, the cap, or the clock (a
 * pass is skipped once the search has timed out).
 */
export function localSearch(s: PlanState, search: Search, maxIterations: number, stats: SearchStats, passes: readonly Pass[]): void {
  for (let round = 0; ; round++) {
    if (round >= maxIterations) {
      stats.iterationCapHit = true;
      return;
    }
    if (search.timedOut) return;
    let moves = 0;
    for (const pass of passes) {
      const n = search.timedOut ? 0 : pass.run(s, search);
      stats.moves[pass.stat] = (stats.moves[pass.stat] ?? 0) + n;
      moves += n;
    }
    stats.iterations++;
    if (moves === 0) return;
  }
}
