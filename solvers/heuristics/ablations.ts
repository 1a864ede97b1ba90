/**
 * The ablation flags `noM1`, `noM2`, `noM3` (docs/heuristics.md, "Ablations"), shared by gh, agh
 * and agh-lns: their option specs, how they map onto the construction's Mechanisms, and what a run
 * with them claims.
 */
import type { Instance } from '../problem/types.ts';
import type { OptionSpec, SolveOptions } from '../solver.ts';
import type { Mechanisms } from './greedy/construct.ts';

/** The ablation flags shared by GH, AGH and agh-lns. */
export const ABLATION_OPTIONS: Record<'noM1' | 'noM2' | 'noM3', OptionSpec> = {
  noM1: { type: 'boolean', default: false, description: 'ablate M1 and its guard: smallest memory-valid layout per pair, placed without any delay check (plans may break Δ)' },
  noM2: { type: 'boolean', default: false, description: 'ablate M2: rank candidates by raw replica price per hour (coverage caps stay: plans stay feasible)' },
  noM3: { type: 'boolean', default: false, description: 'ablate M3 and its guard: no TP upgrade; a second layout opens beside a too-slow active pair (plans may break one-layout-per-pair)' },
};

export function mechanismsOf(options: SolveOptions): Mechanisms {
  return { noM1: options.noM1 === true, noM2: options.noM2 === true, noM3: options.noM3 === true };
}

/**
 * Plans are feasible by construction (every family has its guard). noM1 and noM3 remove a guard
 * with its mechanism, so their runs claim nothing; noM2 only changes the ranking.
 */
export function claimsWithoutAblation(options: SolveOptions): boolean {
  const m = mechanismsOf(options);
  return !m.noM1 && !m.noM3;
}

/** The names of the given type indices, for diagnostics (e.g. the uncoverable types). */
export function typeNames(inst: Instance, types: number[]): string[] {
  return types.map((i) => inst.types[i].name);
}
