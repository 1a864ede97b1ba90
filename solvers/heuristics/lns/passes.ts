/**
 * agh-lns's local-search round (docs/heuristics.md, "`agh-lns` — this project's extension"): AGH's
 * relocate and consolidation with the relayout move (relayout.ts) after relocate and the
 * paired-mix move (pairmix.ts) after consolidation.
 */
import { CONSOLIDATE, RELOCATE, type Pass } from '../greedy/local-search.ts';
import { pairMixPass } from './pairmix.ts';
import { relayoutPass } from './relayout.ts';

export const RELAYOUT: Pass = { stat: 'relayouts', run: (s) => relayoutPass(s) };
export const PAIR_MIX: Pass = { stat: 'pairMixes', run: pairMixPass };
export const LNS_PASSES: readonly Pass[] = [RELOCATE, RELAYOUT, CONSOLIDATE, PAIR_MIX];
