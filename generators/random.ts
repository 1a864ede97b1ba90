/** Uniform draws and rounding for instance generation (streams: `lib/random.ts`). */
import type { Rng } from '../lib/random.ts';
import type { Range } from './catalog.ts';

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
