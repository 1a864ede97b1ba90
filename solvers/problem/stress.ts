/**
 * Stage-2 evaluation (docs/model.md §8): a fixed plan meets realised delays, errors and demand, and
 * pays for what it cannot serve. Two layers:
 *
 * - `compilePlan` + `realise`: the scenario engine. One realisation of per-route delay and error
 *   factors and per-type demand factors → realised cost terms and the share of each type's demand
 *   dropped (capacity) or shed (SLO). The rolling horizon reuses it with demand factors only.
 * - `stressTest`: Monte Carlo over S scenarios of inflation κ, with summary statistics.
 *
 * Modelling choices where §8 is silent:
 * - Rental and model storage are as planned (first-stage decisions, taken from `evaluate()`).
 *   Token storage is charged on SERVED traffic: it is a per-request usage cost like the delay
 *   penalty, and tokens of dropped, shed or never-arrived requests are never stored. At κ = 1 with
 *   a feasible plan and planned demand, served = routed, so it equals the nominal term.
 * - A configuration's capacity or a type's mean SLO "holds" within the evaluator's tolerance
 *   (FEASIBILITY_TOL relative), so a plan the evaluator calls feasible loses nothing at κ = 1.
 * - A route on a layout that is not memory-valid, or not deployed, has no capacity: all dropped.
 * - Average-mode shedding: routes of the type in descending max((D'−Δ)/Δ, (e'−ε)/ε) (only those
 *   with a positive value: the others can never help); on each, the minimal fraction that makes
 *   both means hold is computed in closed form (each mean is linear in the shed amount, see
 *   `minimalShed`); if no fraction of the route suffices, the whole route is shed and the next
 *   one is tried. This terminates: once every route with a positive value is shed, both means
 *   hold.
 */
import { FEASIBILITY_TOL } from './constants.ts';
import { derive } from './derived.ts';
import { InputError } from '../../lib/errors.ts';
import { broken, evaluate, type CostTerms, type Evaluation } from './evaluator.ts';
import type { Instance, Plan } from './types.ts';
import { stream } from '../../lib/random.ts';

export const DEFAULT_SCENARIOS = 200;
/** Most stage-2 scenarios S of one stress test: its draws and per-scenario statistics are held in
 * memory (2·S draws per route), so S is bounded; 50× the default, 200× the quick presets' 50. */
export const MAX_SCENARIOS = 10_000;

/** A plan's positive-share routes in flat arrays, with every nominal coefficient the engine needs. */
export interface CompiledPlan {
  inst: Instance;
  /** The nominal evaluation (planned rental and model storage come from it). */
  nominal: Evaluation;
  /** Positive-share routes in plan order; factor arrays passed to `realise` follow this order. */
  routes: { i: number; j: number; k: number }[];
  type: Int32Array;
  /** Index into the per-configuration arrays (`replicas`), or −1: a layout with no capacity. */
  slot: Int32Array;
  share: Float64Array;
  delay_s: Float64Array;
  error: Float64Array;
  /** Replicas per unit share, by throughput and by KV memory, at nominal λ and delay. */
  load_replicas: Float64Array;
  kv_replicas: Float64Array;
  /** Hourly delay penalty per unit share at nominal delay, ρ·λ·D. */
  delay_penalty_usd_per_h: Float64Array;
  /** Replicas of each configuration the plan routes to (distinct, memory-valid). */
  replicas: Float64Array;
  /** Planned unmet share u_i per type. */
  unmet: Float64Array;
  /** Route indices grouped by type: type i owns `byType[typeStart[i] .. typeStart[i+1])`. */
  byType: Int32Array;
  typeStart: Int32Array;
}

export function compilePlan(inst: Instance, plan: Plan): CompiledPlan {
  const d = derive(inst);
  const C = d.configs.length;
  const replicasByConfig = new Float64Array(C);
  for (const dep of plan.deployments) {
    const c = d.configIndex(dep);
    if (c >= 0) replicasByConfig[c] += dep.replicas;
  }
  const live = plan.routes.filter((r) => r.share > 0);
  const n = live.length;
  const cp: CompiledPlan = {
    inst,
    nominal: evaluate(inst, plan),
    routes: live.map(({ i, j, k }) => ({ i, j, k })),
    type: new Int32Array(n),
    slot: new Int32Array(n),
    share: new Float64Array(n),
    delay_s: new Float64Array(n),
    error: new Float64Array(n),
    load_replicas: new Float64Array(n),
    kv_replicas: new Float64Array(n),
    delay_penalty_usd_per_h: new Float64Array(n),
    replicas: new Float64Array(0),
    unmet: Float64Array.from(plan.unmet),
    byType: new Int32Array(n),
    typeStart: new Int32Array(d.I + 1),
  };
  const slotOfConfig = new Map<number, number>();
  const replicas: number[] = [];
  live.forEach((r, at) => {
    cp.type[at] = r.i;
    cp.share[at] = r.share;
    const c = d.configIndex(r);
    if (c < 0 || replicasByConfig[c] === 0) {
      cp.slot[at] = -1;
      return;
    }
    let slot = slotOfConfig.get(c);
    if (slot === undefined) {
      slot = replicas.push(replicasByConfig[c]) - 1;
      slotOfConfig.set(c, slot);
    }
    const ic = r.i * C + c;
    cp.slot[at] = slot;
    cp.delay_s[at] = d.delay_s[ic];
    cp.error[at] = d.errorOf(r.i, c);
    cp.load_replicas[at] = d.load_replicas[ic];
    cp.kv_replicas[at] = d.kv_replicas[ic];
    cp.delay_penalty_usd_per_h[at] = d.delay_penalty_usd_per_h[ic];
  });
  cp.replicas = Float64Array.from(replicas);
  // Counting sort of routes by type (stable: plan order within a type).
  for (let r = 0; r < n; r++) cp.typeStart[cp.type[r] + 1]++;
  for (let i = 0; i < d.I; i++) cp.typeStart[i + 1] += cp.typeStart[i];
  const fill = cp.typeStart.slice(0, d.I);
  for (let r = 0; r < n; r++) cp.byType[fill[cp.type[r]]++] = r;
  return cp;
}

/** Multipliers of one realisation; any omitted array means 1 everywhere. */
export interface RealiseFactors {
  /** ξᵈ per compiled route: delay, work per request and KV residence time scale with it. */
  delay?: ArrayLike<number>;
  /** ξᵉ per compiled route. */
  error?: ArrayLike<number>;
  /** Realised λ_i / instance λ_i per type. */
  demand?: ArrayLike<number>;
}

export interface Realised {
  terms: CostTerms;
  cost_usd: number;
  /** Share of each type's realised demand dropped for capacity, and shed for its SLOs. */
  dropped: Float64Array;
  shed: Float64Array;
  /** Realised requests per hour: all; not served within SLO (§8's violation: planned unmet u,
   * dropped and shed together); and each of the three parts. */
  demand_per_h: number;
  violating_per_h: number;
  planned_unmet_per_h: number;
  dropped_per_h: number;
  shed_per_h: number;
}

const TOL = FEASIBILITY_TOL;

/** One scenario of the stage-2 evaluation (§8 steps 1–3) for a compiled plan. */
export function realise(cp: CompiledPlan, f: RealiseFactors = {}): Realised {
  const { inst } = cp;
  const d = derive(inst);
  const n = cp.share.length;
  const xiD = (r: number) => (f.delay ? f.delay[r] : 1);
  const xiE = (r: number) => (f.error ? f.error[r] : 1);
  const dem = (i: number) => (f.demand ? f.demand[i] : 1);

  // Step 1 — capacity: each configuration keeps the share of its traffic that fits; the rest of
  // every routed type is dropped in the same proportion. Work and KV residence both grow with ξᵈ.
  const needWork = new Float64Array(cp.replicas.length);
  const needKv = new Float64Array(cp.replicas.length);
  for (let r = 0; r < n; r++) {
    const s = cp.slot[r];
    if (s < 0) continue;
    const traffic = cp.share[r] * dem(cp.type[r]) * xiD(r);
    needWork[s] += cp.load_replicas[r] * traffic;
    needKv[s] += cp.kv_replicas[r] * traffic;
  }
  const keep = cp.replicas.map((cap, s) => Math.min(keptShare(needWork[s], cap), keptShare(needKv[s], cap)));
  const served = new Float64Array(n);
  const dropped = new Float64Array(d.I);
  for (let r = 0; r < n; r++) {
    served[r] = cp.slot[r] < 0 ? 0 : cp.share[r] * keep[cp.slot[r]];
    dropped[cp.type[r]] += cp.share[r] - served[r];
  }

  // Step 2 — SLO shedding on the remaining traffic, in relative excess units.
  const shed = new Float64Array(d.I);
  const relDelay = new Float64Array(n);
  const relError = new Float64Array(n);
  for (let i = 0; i < d.I; i++) {
    const t = inst.types[i];
    const own = cp.byType.subarray(cp.typeStart[i], cp.typeStart[i + 1]);
    for (const r of own) {
      relDelay[r] = (cp.delay_s[r] * xiD(r) - t.delay_slo_s) / t.delay_slo_s;
      relError[r] = (cp.error[r] * xiE(r) - t.error_slo) / t.error_slo;
    }
    shed[i] = inst.system.slo_mode === 'average'
      ? shedAverage(own, served, relDelay, relError)
      : shedPerRoute(own, served, relDelay, relError);
  }

  // Step 3 — costs. Products keep the evaluator's operand order so κ = 1 reproduces it bit for bit.
  let tokenPerH = 0;
  let delayPerH = 0;
  for (let r = 0; r < n; r++) {
    const requests = served[r] * dem(cp.type[r]);
    tokenPerH += d.token_storage_usd_per_h[cp.type[r]] * requests;
    delayPerH += cp.delay_penalty_usd_per_h[r] * xiD(r) * requests;
  }
  let unmetPerH = 0;
  let demandPerH = 0;
  let plannedUnmetPerH = 0;
  let droppedPerH = 0;
  let shedPerH = 0;
  for (let i = 0; i < d.I; i++) {
    unmetPerH += d.unmet_penalty_usd_per_h[i] * dem(i) * (cp.unmet[i] + (dropped[i] + shed[i]));
    const rate = inst.types[i].rate_per_h * dem(i);
    demandPerH += rate;
    plannedUnmetPerH += rate * cp.unmet[i];
    droppedPerH += rate * dropped[i];
    shedPerH += rate * shed[i];
  }
  const H = inst.system.horizon_h;
  const terms: CostTerms = {
    rental_usd: cp.nominal.terms.rental_usd,
    model_storage_usd: cp.nominal.terms.model_storage_usd,
    token_storage_usd: H * tokenPerH,
    delay_penalty_usd: H * delayPerH,
    unmet_penalty_usd: H * unmetPerH,
  };
  return {
    terms,
    cost_usd: terms.rental_usd + terms.model_storage_usd + terms.token_storage_usd + terms.delay_penalty_usd + terms.unmet_penalty_usd,
    dropped,
    shed,
    demand_per_h: demandPerH,
    violating_per_h: plannedUnmetPerH + droppedPerH + shedPerH,
    planned_unmet_per_h: plannedUnmetPerH,
    dropped_per_h: droppedPerH,
    shed_per_h: shedPerH,
  };
}

/** Share of a configuration's traffic that its capacity carries (1 within the tolerance). */
function keptShare(need: number, capacity: number): number {
  return broken(need, capacity) ? capacity / need : 1;
}

/** Per-route mode: every route whose realised delay or error breaks the SLO loses all its traffic. */
function shedPerRoute(own: Int32Array, served: Float64Array, relDelay: Float64Array, relError: Float64Array): number {
  let total = 0;
  for (const r of own) {
    if (relDelay[r] > TOL || relError[r] > TOL) {
      total += served[r];
      served[r] = 0;
    }
  }
  return total;
}

/** Average mode: shed from the worst routes first until both served-share means hold (see header). */
function shedAverage(own: Int32Array, served: Float64Array, relDelay: Float64Array, relError: Float64Array): number {
  // A, B: Σ served·excess — the mean delay / error rows of §4 in relative units.
  let A = 0;
  let B = 0;
  for (const r of own) {
    A += served[r] * relDelay[r];
    B += served[r] * relError[r];
  }
  const worst = (r: number) => Math.max(relDelay[r], relError[r]);
  const order = Array.from(own).filter((r) => served[r] > 0 && worst(r) > 0).sort((p, q) => worst(q) - worst(p));
  let total = 0;
  for (const r of order) {
    if (A <= TOL && B <= TOL) break;
    const z = minimalShed(served[r], [A, relDelay[r]], [B, relError[r]]);
    served[r] -= z;
    total += z;
    A -= z * relDelay[r];
    B -= z * relError[r];
  }
  return total;
}

/**
 * The least amount z ∈ [0, y] of a route's traffic to shed so that every row holds, or y when no
 * such z exists — the closed form of shedding continuously until both means hold. Shedding z
 * turns a row S = Σ served·excess into S − z·a (a: the route's excess), a line in z. A broken row
 * (S > TOL) is brought back exactly to its SLO: z ≥ S/a, and this route cannot do it when a ≤ 0.
 * A row that holds must stay within the tolerance: when a < 0 (the route is better than the SLO,
 * so shedding it worsens the mean), z ≤ (S − TOL)/a.
 */
export function minimalShed(y: number, ...rows: [S: number, a: number][]): number {
  let lo = 0;
  let hi = y;
  for (const [S, a] of rows) {
    if (S > TOL) {
      if (a <= 0) return y;
      lo = Math.max(lo, S / a);
    } else if (a < 0) {
      hi = Math.min(hi, (S - TOL) / a);
    }
  }
  return lo <= hi ? lo : y;
}

// --- Monte Carlo over inflation scenarios -------------------------------------------------------

export interface StressOptions {
  /** κ ≥ 1: every factor ξ ~ U(1, κ). */
  inflation: number;
  /** S, default 200. */
  scenarios?: number;
  seed: number;
}

/** Mean and 5th / 95th percentiles (linear interpolation between order statistics). */
export interface Stat {
  mean: number;
  p5: number;
  p95: number;
}

export interface StressResult {
  inflation: number;
  scenarios: number;
  seed: number;
  slo_mode: Instance['system']['slo_mode'];
  cost_usd: Stat;
  terms: Record<keyof CostTerms, Stat>;
  /** The SLO-violation rate Σ λ·(u + dropped + shed) / Σ λ per scenario (§8: one definition everywhere). */
  violation_rate: Stat;
  /** Its parts: Σ λ·u / Σ λ, demand the plan leaves unmet by design (the same in every scenario), … */
  planned_unmet_rate: number;
  /** … and the means over the scenarios of Σ λ·dropped / Σ λ (capacity) and Σ λ·shed / Σ λ (SLO). */
  dropped_rate_mean: number;
  shed_rate_mean: number;
  /** Share of scenarios with any violation — more than FEASIBILITY_TOL of the demand (every scenario when the plan leaves that much unmet). */
  violating_scenario_share: number;
}

const TERM_KEYS = ['rental_usd', 'model_storage_usd', 'token_storage_usd', 'delay_penalty_usd', 'unmet_penalty_usd'] as const;

export function checkStressOptions(opts: StressOptions): Required<StressOptions> {
  const { inflation, scenarios = DEFAULT_SCENARIOS, seed } = opts;
  if (!Number.isFinite(inflation) || inflation < 1) throw new InputError(`inflation κ must be ≥ 1 (a number such as 1.5); got ${inflation}`);
  if (!Number.isSafeInteger(scenarios) || scenarios < 1 || scenarios > MAX_SCENARIOS) throw new InputError(`scenarios must be an integer from 1 to ${MAX_SCENARIOS}; got ${scenarios}`);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new InputError(`seed must be a non-negative integer; got ${seed}`);
  return { inflation, scenarios, seed };
}

/**
 * §8 stress test of one plan at one κ. ξ for route (i,j,k) in scenario s is 1 + (κ−1)·u with u the
 * s-th pair of draws of the stream `seed/stage2/i/j/k`: the same (i,j,k) sees the same u in every
 * plan, at every κ and whatever S is (common random numbers: paired comparisons across solvers
 * and κ), and only the plan's routes are drawn.
 */
/** A stress test of more scenarios than this reports its progress every this many. */
export const PROGRESS_EVERY_SCENARIOS = 1000;

export function stressTest(inst: Instance, plan: Plan, options: StressOptions, onProgress?: (done: number, total: number) => void): StressResult {
  const { inflation, scenarios: S, seed } = checkStressOptions(options);
  const cp = compilePlan(inst, plan);
  const n = cp.routes.length;
  const uniforms = new Map<string, Float64Array>(); // (i,j,k) → [uᵈ, uᵉ] per scenario
  const u = cp.routes.map(({ i, j, k }) => {
    const key = `${i}/${j}/${k}`;
    let draws = uniforms.get(key);
    if (!draws) {
      const rng = stream(seed, 'stage2', i, j, k);
      draws = Float64Array.from({ length: 2 * S }, () => rng());
      uniforms.set(key, draws);
    }
    return draws;
  });

  const delay = new Float64Array(n);
  const error = new Float64Array(n);
  const cost = new Float64Array(S);
  const terms = Object.fromEntries(TERM_KEYS.map((key) => [key, new Float64Array(S)])) as Record<keyof CostTerms, Float64Array>;
  const violation = new Float64Array(S);
  const droppedRate = new Float64Array(S);
  const shedRate = new Float64Array(S);
  let violating = 0;
  for (let s = 0; s < S; s++) {
    for (let r = 0; r < n; r++) {
      delay[r] = 1 + (inflation - 1) * u[r][2 * s];
      error[r] = 1 + (inflation - 1) * u[r][2 * s + 1];
    }
    const out = realise(cp, { delay, error });
    cost[s] = out.cost_usd;
    for (const key of TERM_KEYS) terms[key][s] = out.terms[key];
    const share = (perH: number) => (out.demand_per_h > 0 ? perH / out.demand_per_h : 0);
    violation[s] = share(out.violating_per_h);
    droppedRate[s] = share(out.dropped_per_h);
    shedRate[s] = share(out.shed_per_h);
    // Beyond the feasibility tolerance: a solver's shares summing to 1 − 1e-16 leave a rounding
    // residue as "unmet", which made every scenario of such a plan count as violating (E4, κ = 1).
    if (violation[s] > TOL) violating++;
    if (onProgress && S > PROGRESS_EVERY_SCENARIOS && ((s + 1) % PROGRESS_EVERY_SCENARIOS === 0 || s + 1 === S)) onProgress(s + 1, S);
  }
  return {
    inflation,
    scenarios: S,
    seed,
    slo_mode: inst.system.slo_mode,
    cost_usd: stat(cost),
    terms: Object.fromEntries(TERM_KEYS.map((key) => [key, stat(terms[key])])) as Record<keyof CostTerms, Stat>,
    violation_rate: stat(violation),
    planned_unmet_rate: cp.nominal.unmet_rate,
    dropped_rate_mean: stat(droppedRate).mean,
    shed_rate_mean: stat(shedRate).mean,
    violating_scenario_share: violating / S,
  };
}

function stat(values: Float64Array): Stat {
  const sorted = Float64Array.from(values).sort();
  // Mean shifted by the first value: equal values (κ = 1) give that value bit for bit.
  let sum = 0;
  for (const v of values) sum += v - values[0];
  return { mean: values[0] + sum / values.length, p5: quantile(sorted, 0.05), p95: quantile(sorted, 0.95) };
}

/** Quantile q of sorted values, linear between order statistics (numpy's default, type 7). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (at - lo) * (sorted[hi] - sorted[lo]);
}
