/**
 * A sweep's grid, its public surface: the user's input (CLI flags, a JSON config or a preset) is
 * resolved once into a `SweepConfig` (grid-validate.ts) and expanded into cells in a canonical order
 * (grid-expand.ts); the resolved config is what the manifest records and what shards
 * (shard.ts) must agree on. The forms themselves are in grid-config.ts.
 */
export * from './grid-config.ts';
export { readGridFile, resolveGrid } from './grid-validate.ts';
export { expandGrid } from './grid-expand.ts';
export { inShard, parseShard, type Shard } from './shard.ts';
export { splitSolverList } from '../../solvers/registry.ts';
