/**
 * Named seeded random streams (seedrandom). Every consumer draws from its own stream named by
 * its purpose and entity, `seed/part/part…`, so a draw never depends on how many other draws
 * were made: instance entities stay stable across sizes, stress scenarios across plans, demand
 * paths across the number of paths run.
 */
import seedrandom from 'seedrandom';

export type Rng = () => number;

/** The stream `seed/part/part…`, e.g. `stream(7, 'gpu-price', 'H100-80GB')`. */
export function stream(seed: number, ...path: (string | number)[]): Rng {
  return seedrandom([seed, ...path].join('/'));
}
