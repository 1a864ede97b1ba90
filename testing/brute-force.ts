/**
 * True optimum of tiny instances by enumeration, written independently of `model.ts` so that the
 * tests can check the MILP against it. The integer part is enumerated: per (model, tier) pair no
 * layout or one layout with 0..R̄ replicas; a model is stored exactly when one of its layouts is
 * chosen (storing it otherwise only adds cost). For each integer choice that fits the pools, the
 * storage and the budget, the continuous part — routing x and unmet u — is an LP, solved by the
 * dense simplex of solvers/problem/routing-lp.ts. SLO rows are kept in seconds and error fractions, unscaled.
 *
 * Size: the product over pairs of (1 + Σ_layouts (R̄+1)); keep it to ~1e5 (I, J, K ≤ 2, two
 * layouts per pair, pools of a few GPUs).
 */
import { derive } from '../solvers/problem/derived.ts';
import { routingLp, type FixedDeployment } from '../solvers/problem/routing-lp.ts';
import type { Instance, Plan } from '../solvers/problem/types.ts';

export interface BruteForceResult {
  cost_usd: number;
  plan: Plan;
  /** Integer choices whose LP was solved. */
  lps_solved: number;
}

export function bruteForce(inst: Instance, maxFixedDeployments = 1e6): BruteForceResult {
  const d = derive(inst);
  const { I, configs } = d;
  const C = configs.length;
  const sys = inst.system;
  const H = sys.horizon_h;

  // Options per pair: null (no layout) or a layout with a replica count.
  const pairOptions: (FixedDeployment | null)[][] = d.pairConfigs
    .filter((list) => list.length > 0)
    .map((list) => [null, ...list.flatMap((c) => Array.from({ length: configs[c].max_replicas + 1 }, (_, r) => ({ c, replicas: r })))]);
  const total = pairOptions.reduce((n, opts) => n * opts.length, 1);
  if (total > maxFixedDeployments) throw new Error(`brute force: ${total} integer choices exceed the limit of ${maxFixedDeployments}`);

  let best: { cost: number; chosen: FixedDeployment[]; x: Float64Array; u: Float64Array } | null = null;
  let lps = 0;
  const pick = new Array<FixedDeployment | null>(pairOptions.length);
  const visit = (p: number) => {
    if (p < pairOptions.length) {
      for (const opt of pairOptions[p]) {
        pick[p] = opt;
        visit(p + 1);
      }
      return;
    }
    const chosen = pick.filter((o): o is FixedDeployment => o !== null);
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
  const found: { cost: number; chosen: FixedDeployment[]; x: Float64Array; u: Float64Array } = best;

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
