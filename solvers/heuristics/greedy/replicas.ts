/**
 * Whole replicas for a pair's load and KV sums — the rounding the plan state (state.ts) and the M1
 * table (candidates.ts) both apply (docs/model.md §4, the throughput and kv_memory rows in replica
 * units). Its own module so that neither of those two imports the other for it.
 */

/** Slack on the sums, as the plan state allows itself (the evaluator tolerates 1e-6 relative). */
const TOL = 1e-9;

/** Replicas that carry the given load and KV sums (replica units). */
export function replicasFor(load: number, kv: number): number {
  const need = Math.max(load, kv);
  return need <= TOL ? 0 : Math.ceil(need - TOL);
}
