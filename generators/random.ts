/**
 * Seeded draws and rounding for instance generation. Every entity draws from its own named
 * stream, so its values do not depend on how many other entities the instance has: the first
 * entities of a larger instance equal those of a smaller one with the same seed.
 */
import seedrandom from 'seedrandom';
import type { Range } from './catalog.ts';

export type Rng = () => number;

/** The stream `seed/part/part…`, e.g. `stream(7, 'gpu-price', 'H100-80GB')`. */
export function stream(seed: number, ...path: (string | number)[]): Rng {
  return seedrandom([seed, ...path].join('/'));
}

export function uniform(rng: Rng, [lo, hi]: Range): number {
  return lo + (hi - lo) * rng();
}

/**
 * Six significant digits. Stored numbers are rounded before anything is derived from them, so the
 * JSON holds exactly the values the budget was computed with.
 */
export function sig6(x: number): number {
  return Number(x.toPrecision(6));
}
