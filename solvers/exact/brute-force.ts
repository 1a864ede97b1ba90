/**
 * True optimum of tiny instances by enumeration, written independently of `model.ts` so that the
 * tests can check the MILP against it. The integer part is enumerated: per (model, tier) pair no
 * layout or one layout with 0..R̄ replicas; a model is stored exactly when one of its layouts is
 * chosen (storing it otherwise only adds cost). For each integer choice that fits the pools, the
 * storage and the budget, the continuous part — routing x and unmet u — is an LP, solved by the
 * dense simplex below. SLO rows are kept in seconds and error fractions, unscaled.
 *
 * Size: the product over pairs of (1 + Σ_layouts (R̄+1)); keep it to ~1e5 (I, J, K ≤ 2, two
 * layouts per pair, pools of a few GPUs).
 */
import { derive } from '../problem/derived.ts';
import type { Instance, Plan } from '../problem/types.ts';

export interface BruteForceResult {
  cost_usd: number;
  plan: Plan;
  /** Integer choices whose LP was solved. */
  lps_solved: number;
}

interface Choice {
  c: number;
  replicas: number;
}

export function bruteForce(inst: Instance, maxChoices = 1e6): BruteForceResult {
  const d = derive(inst);
  const { I, configs } = d;
  const C = configs.length;
  const sys = inst.system;
  const H = sys.horizon_h;

  // Options per pair: null (no layout) or a layout with a replica count.
  const pairOptions: (Choice | null)[][] = d.pairConfigs
    .filter((list) => list.length > 0)
    .map((list) => [null, ...list.flatMap((c) => Array.from({ length: configs[c].max_replicas + 1 }, (_, r) => ({ c, replicas: r })))]);
  const total = pairOptions.reduce((n, opts) => n * opts.length, 1);
  if (total > maxChoices) throw new Error(`brute force: ${total} integer choices exceed the limit of ${maxChoices}`);

  let best: { cost: number; chosen: Choice[]; x: Float64Array; u: Float64Array } | null = null;
  let lps = 0;
  const pick = new Array<Choice | null>(pairOptions.length);
  const visit = (p: number) => {
    if (p < pairOptions.length) {
      for (const opt of pairOptions[p]) {
        pick[p] = opt;
        visit(p + 1);
      }
      return;
    }
    const chosen = pick.filter((o): o is Choice => o !== null);
    const stored = [...new Set(chosen.map((o) => configs[o.c].j))];
    const gpus = new Array<number>(inst.gpus.length).fill(0);
    let fixedPerH = 0;
    for (const o of chosen) {
      gpus[configs[o.c].gpu] += configs[o.c].gpus * o.replicas;
      fixedPerH += configs[o.c].price_usd_per_h * o.replicas;
    }
    let storageGb = 0;
    for (const j of stored) {
      storageGb += d.model_storage_gb[j];
      fixedPerH += d.model_storage_usd_per_h[j];
    }
    const fixed = H * fixedPerH;
    if (gpus.some((n, g) => n > inst.gpus[g].pool_gpus) || storageGb > sys.storage_capacity_gb || fixed > sys.budget_usd) return;
    if (best && fixed >= best.cost) return; // the LP part costs ≥ 0
    lps++;
    const lp = routingLp(inst, chosen, sys.budget_usd - fixed);
    if (!best || fixed + lp.cost < best.cost) best = { cost: fixed + lp.cost, chosen: [...chosen], x: lp.x, u: lp.u };
  };
  visit(0);
  if (!best) throw new Error('brute force: no integer choice is feasible');
  const found: { cost: number; chosen: Choice[]; x: Float64Array; u: Float64Array } = best;

  const plan: Plan = {
    schema: 'llm-alloc-bench/plan@1',
    instance_id: inst.meta.id,
    solver: 'brute-force',
    stored_models: [...new Set(found.chosen.map((o) => configs[o.c].j))].sort((a, b) => a - b),
    deployments: found.chosen.map(({ c, replicas }) => ({ j: configs[c].j, k: configs[c].k, n: configs[c].n, m: configs[c].m, replicas })),
    routes: [],
    unmet: Array.from(found.u),
  };
  for (let i = 0; i < I; i++) {
    for (let c = 0; c < C; c++) {
      const share = found.x[i * C + c];
      if (share > 0) plan.routes.push({ i, j: configs[c].j, k: configs[c].k, n: configs[c].n, m: configs[c].m, share });
    }
  }
  return { cost_usd: found.cost, plan, lps_solved: lps };
}

/**
 * The LP over (x, u) for fixed layouts and replicas: min routing cost + unmet penalty subject to
 * demand, throughput, KV memory, the budget left and (average mode) the SLO means.
 */
function routingLp(inst: Instance, chosen: Choice[], budgetLeft: number): { cost: number; x: Float64Array; u: Float64Array } {
  const d = derive(inst);
  const { I, configs } = d;
  const C = configs.length;
  const H = inst.system.horizon_h;
  const average = inst.system.slo_mode === 'average';

  const routes: { i: number; c: number }[] = [];
  for (let i = 0; i < I; i++) {
    for (const { c } of chosen) {
      const at = i * C + c;
      if (!Number.isFinite(d.kv_replicas[at])) continue;
      if (!average && !d.sloFeasible(i, c)) continue;
      routes.push({ i, c });
    }
  }
  // Columns: routes, then u_i. Inequalities A z ≤ b with b ≥ 0; equalities Σx + u = 1.
  const n = routes.length + I;
  const cost = new Float64Array(n);
  routes.forEach(({ i, c }, v) => (cost[v] = H * (d.token_storage_usd_per_h[i] + d.delay_penalty_usd_per_h[i * C + c])));
  for (let i = 0; i < I; i++) cost[routes.length + i] = H * d.unmet_penalty_usd_per_h[i];

  const ineq: { a: Float64Array; b: number }[] = [];
  for (const { c, replicas } of chosen) {
    for (const coef of [d.load_replicas, d.kv_replicas]) {
      const a = new Float64Array(n);
      routes.forEach((rt, v) => rt.c === c && (a[v] = coef[rt.i * C + c]));
      ineq.push({ a, b: replicas });
    }
  }
  const budget = new Float64Array(n);
  routes.forEach(({ i }, v) => (budget[v] = H * d.token_storage_usd_per_h[i]));
  ineq.push({ a: budget, b: budgetLeft });
  if (average) {
    for (let i = 0; i < I; i++) {
      const t = inst.types[i];
      const delay = new Float64Array(n);
      const error = new Float64Array(n);
      routes.forEach((rt, v) => {
        if (rt.i !== i) return;
        delay[v] = d.delay_s[i * C + rt.c] - t.delay_slo_s;
        error[v] = d.errorOf(i, rt.c) - t.error_slo;
      });
      ineq.push({ a: delay, b: 0 }, { a: error, b: 0 });
    }
  }
  const eq = Array.from({ length: I }, (_, i) => {
    const a = new Float64Array(n);
    routes.forEach((rt, v) => rt.i === i && (a[v] = 1));
    a[routes.length + i] = 1;
    return a;
  });
  // u_i is the initial basic variable of demand row i (it appears in no other row).
  const sol = simplex(cost, eq, ineq, (row) => routes.length + row);
  const x = new Float64Array(I * C);
  routes.forEach(({ i, c }, v) => (x[i * C + c] = sol.z[v]));
  return { cost: sol.value, x, u: sol.z.slice(routes.length, routes.length + I) };
}

/**
 * Dense tableau simplex for min cᵀz, E z = 1, A z ≤ b (b ≥ 0), z ≥ 0, started from the feasible
 * basis {eqBasic(row) for the equality rows, slacks for the rest}; eqBasic(row) must be a unit
 * column of row `row`. Bland's rule, so degenerate SLO rows (b = 0) cannot make it cycle.
 */
export function simplex(
  cost: Float64Array,
  eq: Float64Array[],
  ineq: { a: Float64Array; b: number }[],
  eqBasic: (row: number) => number,
): { value: number; z: Float64Array } {
  const n = cost.length;
  const m = eq.length + ineq.length;
  const width = n + ineq.length; // structural columns then slacks
  const T = [
    ...eq.map((a) => [...a, ...new Array<number>(ineq.length).fill(0), 1]),
    ...ineq.map(({ a, b }, r) => {
      const row = [...a, ...new Array<number>(ineq.length).fill(0), b];
      row[n + r] = 1;
      return row;
    }),
  ];
  const basis = [...eq.map((_, r) => eqBasic(r)), ...ineq.map((_, r) => n + r)];
  const c = [...cost, ...new Array<number>(ineq.length).fill(0)];
  const eps = 1e-9 * Math.max(1, ...cost.map(Math.abs));

  for (let iter = 0; ; iter++) {
    if (iter > 100_000) throw new Error('simplex: iteration limit reached');
    // Reduced cost of column j: c_j − Σ_rows c_basic · T[row][j]; Bland: first negative one enters.
    let enter = -1;
    for (let j = 0; j < width && enter < 0; j++) {
      let rc = c[j];
      for (let r = 0; r < m; r++) rc -= c[basis[r]] * T[r][j];
      if (rc < -eps) enter = j;
    }
    if (enter < 0) break;
    let leave = -1;
    let ratio = Infinity;
    for (let r = 0; r < m; r++) {
      if (T[r][enter] <= 1e-12) continue;
      const q = T[r][width] / T[r][enter];
      if (q < ratio - 1e-12 || (Math.abs(q - ratio) <= 1e-12 && basis[r] < basis[leave])) {
        ratio = q;
        leave = r;
      }
    }
    if (leave < 0) throw new Error('simplex: unbounded LP (cannot happen with demand rows)');
    const p = T[leave][enter];
    for (let j = 0; j <= width; j++) T[leave][j] /= p;
    for (let r = 0; r < m; r++) {
      if (r === leave || T[r][enter] === 0) continue;
      const f = T[r][enter];
      for (let j = 0; j <= width; j++) T[r][j] -= f * T[leave][j];
    }
    basis[leave] = enter;
  }
  const z = new Float64Array(n);
  basis.forEach((col, r) => col < n && (z[col] = Math.max(0, T[r][width])));
  let value = 0;
  for (let j = 0; j < n; j++) value += cost[j] * z[j];
  return { value, z };
}
