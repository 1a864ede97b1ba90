/**
 * One type's routing LP alone — the per-type part of re-deploy's SLO lower bound (redeploy.ts,
 * sloLowerBound) — by a bounded-variable simplex:
 *
 *   min Σ_v cost_v x_v + unmet·u   s.t.  Σ_v x_v + u = 1,  Σ_v delay_v x_v ≤ 0,  Σ_v error_v x_v ≤ 0,
 *                                        0 ≤ x_v ≤ cap_v,  u ≥ 0
 *
 * (delay_v, error_v: the route's excess over the type's SLO). A step computes thousands of these;
 * the general tableau simplex of routing-lp.ts needs a row per capacity below 1 and fresh arrays
 * each call, which made them a quarter of agh-lns's time. Here capacities are bounds, so the
 * tableau has three rows whatever the number of routes, and the arrays are reused. The start
 * {u, both slacks} with every route at 0 (all demand unmet) is feasible, so there is no phase 1.
 * Dantzig's rule, switching to Bland's after a run of degenerate pivots (the SLO rows start at 0).
 */
import { scratch } from '../../../lib/scratch.ts';

/** The optimal value of the LP above. */
export function typeLpValue(cost: Float64Array, delay: Float64Array, error: Float64Array, cap: Float64Array, n: number, unmet: number): number {
  const N = n + 3; // routes, then u, then the two slacks
  const { T, rc, upper, atUpper, colCost, basis, beta } = tableau(N);
  for (let v = 0; v < n; v++) {
    T[v] = 1;
    T[N + v] = delay[v];
    T[2 * N + v] = error[v];
    upper[v] = cap[v];
    colCost[v] = cost[v];
    rc[v] = cost[v] - unmet; // c_v − c_B·B⁻¹A_v with c_B = (unmet, 0, 0)
  }
  T.fill(0, n, N);
  T.fill(0, N + n, 2 * N);
  T.fill(0, 2 * N + n, 3 * N);
  T[n] = 1;
  T[N + n + 1] = 1;
  T[2 * N + n + 2] = 1;
  upper.fill(Infinity, n, N);
  colCost[n] = unmet;
  colCost[n + 1] = 0;
  colCost[n + 2] = 0;
  rc.fill(0, n, N);
  atUpper.fill(0, 0, N);
  basis[0] = n;
  basis[1] = n + 1;
  basis[2] = n + 2;
  beta[0] = 1;
  beta[1] = 0;
  beta[2] = 0;

  let scale = Math.max(1, Math.abs(unmet));
  for (let v = 0; v < n; v++) scale = Math.max(scale, Math.abs(cost[v]));
  const eps = 1e-9 * scale;
  let degenerate = 0;
  for (let iter = 0; ; iter++) {
    if (iter > 100_000) throw new Error('typeLpValue: iteration limit reached');
    const bland = degenerate > 50;
    let enter = -1;
    let most = eps;
    for (let j = 0; j < N; j++) {
      if (j === basis[0] || j === basis[1] || j === basis[2]) continue;
      // Improving: raise a variable at 0 with rc < 0, or lower one at its bound with rc > 0.
      const gain = atUpper[j] ? rc[j] : -rc[j];
      if (gain > most) {
        enter = j;
        if (bland) break;
        most = gain;
      }
    }
    if (enter < 0) break;
    const sigma = atUpper[enter] ? -1 : 1;
    // Ratio test: how far the entering variable moves before it reaches its other bound (leave
    // = −1, a bound flip) or a basic variable reaches one of its bounds.
    let ratio = upper[enter];
    let leave = -1;
    let leavesAtUpper = false;
    for (let r = 0; r < 3; r++) {
      const g = sigma * T[r * N + enter];
      let q: number;
      let toUpper: boolean;
      if (g > 1e-12) {
        q = beta[r] / g;
        toUpper = false;
      } else if (g < -1e-12 && upper[basis[r]] < Infinity) {
        q = (upper[basis[r]] - beta[r]) / -g;
        toUpper = true;
      } else continue;
      q = Math.max(0, q);
      if (q < ratio - 1e-12 || (leave >= 0 && Math.abs(q - ratio) <= 1e-12 && basis[r] < basis[leave])) {
        ratio = q;
        leave = r;
        leavesAtUpper = toUpper;
      }
    }
    if (ratio === Infinity) throw new Error('typeLpValue: unbounded (cannot happen: u is bounded by the demand row)');
    degenerate = ratio <= 1e-12 ? degenerate + 1 : 0;
    for (let r = 0; r < 3; r++) beta[r] -= sigma * ratio * T[r * N + enter];
    if (leave < 0) {
      atUpper[enter] = atUpper[enter] ? 0 : 1;
      continue;
    }
    const entering = (atUpper[enter] ? upper[enter] : 0) + sigma * ratio;
    atUpper[basis[leave]] = leavesAtUpper ? 1 : 0;
    atUpper[enter] = 0;
    beta[leave] = entering;
    basis[leave] = enter;
    const row = leave * N;
    const p = T[row + enter];
    for (let j = 0; j < N; j++) T[row + j] /= p;
    for (let r = 0; r < 3; r++) {
      if (r === leave) continue;
      const f = T[r * N + enter];
      if (f === 0) continue;
      for (let j = 0; j < N; j++) T[r * N + j] -= f * T[row + j];
    }
    const f = rc[enter];
    for (let j = 0; j < N; j++) rc[j] -= f * T[row + j];
  }
  let value = 0;
  for (let r = 0; r < 3; r++) value += colCost[basis[r]] * Math.max(0, beta[r]);
  for (let j = 0; j < N; j++) if (atUpper[j]) value += colCost[j] * upper[j];
  return value;
}

/** The tableau (three rows of N columns), reduced costs, bounds and basis, reused across calls. */
const tableau = scratch((N) => ({
  T: new Float64Array(3 * N),
  rc: new Float64Array(N),
  upper: new Float64Array(N),
  colCost: new Float64Array(N),
  atUpper: new Uint8Array(N),
  basis: new Int32Array(3),
  beta: new Float64Array(3),
}));
