/**
 * Type orderings for the construction (docs/heuristics.md, "AGH — adaptive greedy heuristic", step
 * 1). Every order is a stable sort of the type indices, so ties keep index order and results are
 * reproducible.
 */
import seedrandom from 'seedrandom';
import type { Instance, QueryType } from '../../problem/types.ts';

const sortBy = (inst: Instance, key: (t: QueryType) => number): number[] =>
  inst.types.map((t, i) => ({ i, v: key(t) })).sort((a, b) => a.v - b.v).map((e) => e.i);

/** GH's order: arrival rate λ descending. */
export const rateDescending = (inst: Instance): number[] => sortBy(inst, (t) => -t.rate_per_h);

/** AGH's deterministic starts, by name (diagnostics report which one won). */
export function namedOrders(inst: Instance): [string, number[]][] {
  return [
    ['rate-desc', rateDescending(inst)],
    ['rate-asc', sortBy(inst, (t) => t.rate_per_h)],
    ['error-slo-asc', sortBy(inst, (t) => t.error_slo)],
    ['delay-slo-asc', sortBy(inst, (t) => t.delay_slo_s)],
    ['token-footprint-desc', sortBy(inst, (t) => -(t.input_tokens + t.output_tokens) * t.storage_gb_per_token)],
  ];
}

/** `count` seeded random permutations (Fisher–Yates on a seedrandom stream). */
export function randomOrders(I: number, count: number, seed: number): number[][] {
  const rng = seedrandom(`agh-orders-${seed}`);
  return Array.from({ length: count }, () => {
    const order = Array.from({ length: I }, (_, i) => i);
    for (let n = I - 1; n > 0; n--) {
      const m = Math.floor(rng() * (n + 1));
      [order[n], order[m]] = [order[m], order[n]];
    }
    return order;
  });
}
