/**
 * The routing LP of a plan whose layouts and replica counts are fixed: the continuous part of
 * the MILP — routes x and unmet u — with the objective's routing and unmet terms, subject to
 * demand, throughput, KV memory, the budget left after the fixed costs and (average mode) the
 * SLO means; per-route mode admits only SLO-feasible routes. Written from docs/model.md and
 * `derive()`, independently of the MILP builder (solvers/exact/model.ts), so the brute-force
 * check can use it; AGH's re-route move uses it too. SLO rows are in seconds and error
 * fractions, unscaled; the dense simplex suits the few hundred columns of one plan.
 */
import { derive } from './derived.ts';
import type { Instance } from './types.ts';

/** One deployed layout (config index of `derive().configs`) with its replica count. */
export interface FixedDeployment {
  c: number;
  replicas: number;
}

export interface RoutingLpResult {
  /** Routing + unmet cost over the horizon, $. */
  cost: number;
  /** x[i·C + c]: share of type i on config c. */
  x: Float64Array;
  u: Float64Array;
}

/**
 * The LP over (x, u) for fixed layouts and replicas: min routing cost + unmet penalty subject to
 * demand, throughput, KV memory, the budget left and (average mode) the SLO means.
 */
export function routingLp(inst: Instance, chosen: readonly FixedDeployment[], budgetLeft: number): RoutingLpResult {
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
 * column of row `row`. Dantzig's rule (most negative reduced cost, kept as a tableau row) for
 * speed — AGH's re-deploy move solves thousands of these — switching to Bland's rule after a run
 * of degenerate pivots, so that the degenerate SLO rows (b = 0) cannot make it cycle.
 */
export function simplex(
  cost: Float64Array,
  eq: Float64Array[],
  ineq: { a: Float64Array; b: number }[],
  eqBasic: (row: number) => number,
): { value: number; z: Float64Array } {
  const n = cost.length;
  const m = eq.length + ineq.length;
  const width = n + ineq.length; // structural columns then slacks; column `width` is the RHS
  const T: Float64Array[] = [];
  for (const a of eq) {
    const row = new Float64Array(width + 1);
    row.set(a);
    row[width] = 1;
    T.push(row);
  }
  ineq.forEach(({ a, b }, r) => {
    const row = new Float64Array(width + 1);
    row.set(a);
    row[n + r] = 1;
    row[width] = b;
    T.push(row);
  });
  const basis = Int32Array.from([...eq.map((_, r) => eqBasic(r)), ...ineq.map((_, r) => n + r)]);
  // Reduced costs: c_j − Σ_rows c_basic · T[row][j] (slacks cost 0).
  const rc = new Float64Array(width + 1);
  rc.set(cost);
  for (let r = 0; r < m; r++) {
    const cb = basis[r] < n ? cost[basis[r]] : 0;
    if (cb === 0) continue;
    const row = T[r];
    for (let j = 0; j <= width; j++) rc[j] -= cb * row[j];
  }
  let scale = 1;
  for (let j = 0; j < n; j++) scale = Math.max(scale, Math.abs(cost[j]));
  const eps = 1e-9 * scale;
  const nz = new Int32Array(width + 1);

  let degenerate = 0;
  for (let iter = 0; ; iter++) {
    if (iter > 100_000) throw new Error('simplex: iteration limit reached');
    const bland = degenerate > 50;
    let enter = -1;
    let most = -eps;
    for (let j = 0; j < width; j++) {
      if (rc[j] < most) {
        enter = j;
        if (bland) break;
        most = rc[j];
      }
    }
    if (enter < 0) break;
    let leave = -1;
    let ratio = Infinity;
    for (let r = 0; r < m; r++) {
      const t = T[r][enter];
      if (t <= 1e-12) continue;
      const q = T[r][width] / t;
      if (q < ratio - 1e-12 || (Math.abs(q - ratio) <= 1e-12 && basis[r] < basis[leave])) {
        ratio = q;
        leave = r;
      }
    }
    if (leave < 0) throw new Error('simplex: unbounded LP (cannot happen with demand rows)');
    degenerate = ratio <= 1e-12 ? degenerate + 1 : 0;
    const pivotRow = T[leave];
    const p = pivotRow[enter];
    let count = 0;
    for (let j = 0; j <= width; j++) {
      if (pivotRow[j] === 0) continue;
      pivotRow[j] /= p;
      nz[count++] = j;
    }
    for (let r = 0; r < m; r++) {
      const row = T[r];
      const f = row[enter];
      if (r === leave || f === 0) continue;
      for (let q = 0; q < count; q++) row[nz[q]] -= f * pivotRow[nz[q]];
    }
    const f = rc[enter];
    for (let q = 0; q < count; q++) rc[nz[q]] -= f * pivotRow[nz[q]];
    basis[leave] = enter;
  }
  const z = new Float64Array(n);
  basis.forEach((col, r) => col < n && (z[col] = Math.max(0, T[r][width])));
  let value = 0;
  for (let j = 0; j < n; j++) value += cost[j] * z[j];
  return { value, z };
}
