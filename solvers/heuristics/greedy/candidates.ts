/**
 * M1 — TP-aware feasibility selection (docs/heuristics.md, "The three mechanisms"): for each (type
 * i, pair p = j·K + k) the one layout a new deployment of p would use for i. With M1 (Revision 2)
 * it is the layout meeting Δ_i on its own that carries i's whole demand on the pair most cheaply in
 * whole replicas (ties to fewer GPUs, then the lower delay); the `noM1` ablation takes the smallest
 * memory-valid layout whatever its delay.
 *
 * `prepare()` also holds the per-instance arrays every heuristic reads (relative SLO coefficients),
 * cached per instance like `derive()`.
 */
import { derive, type Derived } from '../../problem/derived.ts';
import type { Instance } from '../../problem/types.ts';
import { replicasFor } from './replicas.ts';

export interface Prepared {
  d: Derived;
  I: number;
  J: number;
  K: number;
  /** Model–tier pairs J·K; pair p is (j, k) = (⌊p/K⌋, p mod K), as `derive().pairConfigs`. */
  P: number;
  C: number;
  G: number;
  perRoute: boolean;
  pool: Float64Array;
  /** D_ic/Δ_i − 1 (flat I × C): the delay row coefficient in relative units. */
  dRel: Float64Array;
  /** e_ijk/ε_i − 1 (flat I × P — `derive().error` is laid out the same way). */
  eRel: Float64Array;
  /** Capacity-priced unit cost p_k·n·m / μ_ic ∝ price·max(load, kv) (flat I × C), $/h per unit share. */
  unitRental: Float64Array;
  tables: { m1?: Int32Array; m1Granular?: Int32Array; noM1?: Int32Array };
  shortlists: WeakMap<Int32Array, number[][]>;
  shortlistMasks: WeakMap<Int32Array, Uint8Array[]>;
}

const cache = new WeakMap<Instance, Prepared>();
/** Relative difference below which two unit costs tie. */
const TIE = 1e-9;

export function prepare(inst: Instance): Prepared {
  let pre = cache.get(inst);
  if (!pre) {
    pre = build(inst);
    cache.set(inst, pre);
  }
  return pre;
}

function build(inst: Instance): Prepared {
  const d = derive(inst);
  const { I, J, K } = d;
  const P = J * K;
  const C = d.configs.length;
  const dRel = new Float64Array(I * C);
  const eRel = new Float64Array(I * P);
  const unitRental = new Float64Array(I * C);
  for (let i = 0; i < I; i++) {
    const t = inst.types[i];
    for (let c = 0; c < C; c++) {
      const ic = i * C + c;
      dRel[ic] = d.delay_s[ic] / t.delay_slo_s - 1;
      unitRental[ic] = d.configs[c].price_usd_per_h * Math.max(d.load_replicas[ic], d.kv_replicas[ic]);
    }
    for (let p = 0; p < P; p++) eRel[i * P + p] = d.error[i * P + p] / t.error_slo - 1;
  }
  return {
    d, I, J, K, P, C,
    G: inst.gpus.length,
    perRoute: inst.system.slo_mode === 'per-route',
    pool: Float64Array.from(inst.gpus, (g) => g.pool_gpus),
    dRel, eRel, unitRental,
    tables: {},
    shortlists: new WeakMap(),
    shortlistMasks: new WeakMap(),
  };
}

/**
 * The candidate table: `table[i·P + p]` is the configuration a new deployment of pair p uses for
 * type i, or −1 when (i, p) is no candidate. In per-route mode a pair whose error breaks ε_i is
 * never a candidate (error does not depend on the layout).
 *
 * M1 (docs/heuristics.md, "The three mechanisms"; the revised rule, README.md): among the admitted
 * layouts, the one that carries type i's whole demand on the pair most cheaply,
 * ⌈max(load, kv)⌉·p_k·n·m; ties to fewer GPUs per replica, then the lower delay. `granular` is
 * agh-lns's second table: the first text's capacity-priced rule (p_k·n·m/μ_ic, on which load-bound
 * layouts tie) with ties to fewer GPUs — GH and `agh` never use it.
 */
export function candidateTable(pre: Prepared, noM1: boolean, granular = false): Int32Array {
  if (noM1) return (pre.tables.noM1 ??= smallestLayouts(pre));
  return granular ? (pre.tables.m1Granular ??= m1Layouts(pre, true)) : (pre.tables.m1 ??= m1Layouts(pre, false));
}

/** A layout that can hold KV at all (free memory after the weights). */
export function usable(pre: Prepared, c: number): boolean {
  return pre.d.configs[c].free_kv_gb > 0;
}

function m1Layouts(pre: Prepared, capacityPriced: boolean): Int32Array {
  const { I, P, C, d } = pre;
  const table = new Int32Array(I * P).fill(-1);
  const cost = (ic: number, c: number) => capacityPriced
    ? pre.unitRental[ic]
    : d.configs[c].price_usd_per_h * replicasFor(d.load_replicas[ic], d.kv_replicas[ic]);
  for (let i = 0; i < I; i++) {
    for (let p = 0; p < P; p++) {
      let best = -1;
      let bestCost = Infinity;
      for (const c of d.pairConfigs[p]) {
        const ic = i * C + c;
        if (!admitted(pre, i, p, c)) continue;
        const v = cost(ic, c);
        if (best < 0) {
          best = c;
          bestCost = v;
          continue;
        }
        // Equal up to rounding is a tie: fewer GPUs per replica first, then the lower delay.
        const diff = v - bestCost;
        const fewer = d.configs[c].gpus - d.configs[best].gpus;
        if (diff < -TIE * bestCost || (diff <= TIE * bestCost && (fewer < 0 || (fewer === 0 && d.delay_s[ic] < d.delay_s[i * C + best])))) {
          best = c;
          bestCost = v;
        }
      }
      table[i * P + p] = best;
    }
  }
  return table;
}

/**
 * The layouts M1 admits for (i, p): usable, meeting Δ_i on its own (and ε_i in per-route mode). GH
 * deploys the table's cheapest one; `cheapest` and agh-lns's ruin-and-recreate may open any of
 * them.
 */
export function admitted(pre: Prepared, i: number, p: number, c: number): boolean {
  return usable(pre, c) && pre.dRel[i * pre.C + c] <= 0 && !(pre.perRoute && pre.eRel[i * pre.P + p] > 0);
}

/** noM1: fewest GPUs per replica, then the lower TP degree — delay is not looked at. */
function smallestLayouts(pre: Prepared): Int32Array {
  const { I, P, d } = pre;
  const table = new Int32Array(I * P).fill(-1);
  for (let p = 0; p < P; p++) {
    let best = -1;
    for (const c of d.pairConfigs[p]) {
      if (!usable(pre, c)) continue;
      const a = d.configs[c];
      if (best < 0 || a.gpus < d.configs[best].gpus || (a.gpus === d.configs[best].gpus && a.n < d.configs[best].n)) best = c;
    }
    for (let i = 0; i < I; i++) {
      if (pre.perRoute && pre.eRel[i * P + p] > 0) continue;
      table[i * P + p] = best;
    }
  }
  return table;
}

/**
 * New-deployment candidates per type and table that relocate (and agh-lns's re-placements) look at:
 * all pairs up to base size (P = 60), a fraction at (50,50,50) (P = 2,500), so a move's work stops
 * growing with J·K.
 */
export const SHORTLIST = 64;
/**
 * agh-lns's re-placements (paired mix, ruin-and-recreate: placeType `shortlisted`) scan every pair
 * up to this many pairs ((20,20,20) has 400) and only deployed plus shortlisted pairs beyond:
 * measured, the full scan made (50,50,50) take 3–11 s, while the shortlist at (10,10,10)–(20,20,20)
 * cost up to 10% (one seed 59%) for no needed speed.
 */
export const FULL_SCAN_PAIRS = 400;

/** The type's SHORTLIST pairs of `shortlist()` as a mask over pairs (`mask[i][p]`), cached per table. */
export function shortlistMask(pre: Prepared, table: Int32Array): Uint8Array[] {
  let masks = pre.shortlistMasks.get(table);
  if (!masks) {
    masks = shortlist(pre, table, SHORTLIST).map((pairs) => {
      const m = new Uint8Array(pre.P);
      for (const p of pairs) m[p] = 1;
      return m;
    });
    pre.shortlistMasks.set(table, masks);
  }
  return masks;
}

/**
 * Per type, the `n` pairs whose table layout has the lowest static unit cost (capacity-priced
 * rental plus delay penalty per unit share), cheapest first: AGH's relocate looks only at these
 * for new deployments (a candidate list; deployed pairs are always looked at).
 */
export function shortlist(pre: Prepared, table: Int32Array, n: number): number[][] {
  let lists = pre.shortlists.get(table);
  if (!lists) {
    lists = [];
    for (let i = 0; i < pre.I; i++) {
      const pairs: [number, number][] = [];
      for (let p = 0; p < pre.P; p++) {
        const c = table[i * pre.P + p];
        if (c >= 0) pairs.push([p, pre.unitRental[i * pre.C + c] + pre.d.delay_penalty_usd_per_h[i * pre.C + c]]);
      }
      pairs.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
      lists.push(pairs.slice(0, n).map((e) => e[0]));
    }
    pre.shortlists.set(table, lists);
  }
  return lists;
}
