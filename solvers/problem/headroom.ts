/**
 * Planning with headroom θ (docs/model.md §9): the instance a planner solves when it is to stay
 * whole up to stage-2 inflation κ = 1 + θ. Every route's delay D_ic, error e_ijk and work per
 * request ω_ij are multiplied by 1 + θ (KV residence grows with the delay, as in stage 2);
 * everything else — demand, prices, budget, SLOs, pools, memory — is unchanged.
 *
 * The one place the transform is made: the harness and `solve --headroom` hand its result to any
 * solver, exact or heuristic, so all plan on exactly the same data; the plan is then scored on
 * the nominal instance. It works on the instance's own coefficients (docs/model.md §2), so derive()
 * of the result gives the scaled quantities to the last few bits:
 *   D = h·2P/(n·F·η_pre) + f·(P·b/(n·W·η_bw) + τ_tp + τ_pp)  → η_pre, η_bw ÷ (1+θ); τ_tp, τ_pp coefficients × (1+θ)
 *   e = e0/q·π                                               → e0 × (1+θ)
 *   load = λ·ω/Φ with Φ = n·m·F·u_mfu                         → u_mfu ÷ (1+θ)
 * (Φ also bounds nothing else, and ω appears only in the load, so scaling Φ down is scaling ω up.)
 */
import { InputError } from '../../lib/errors.ts';
import type { Instance } from './types.ts';

/** Checks a headroom value from the user: a finite number ≥ 0. */
export function checkHeadroom(theta: unknown, what: string): number {
  if (typeof theta !== 'number' || !Number.isFinite(theta) || theta < 0) {
    throw new InputError(`${what}: headroom θ must be a number ≥ 0 (such as 0.25), got ${JSON.stringify(theta)}`);
  }
  return theta;
}

/** The instance to plan on with headroom θ; θ = 0 returns `inst` itself. */
export function withHeadroom(inst: Instance, theta: number): Instance {
  checkHeadroom(theta, 'withHeadroom');
  if (theta === 0) return inst;
  const f = 1 + theta;
  const c = inst.constants;
  return {
    ...inst,
    constants: { ...c, eta_pre: c.eta_pre / f, eta_bw: c.eta_bw / f, tp_allreduce_s: c.tp_allreduce_s * f, pp_hop_s: c.pp_hop_s * f, u_mfu: c.u_mfu / f },
    types: inst.types.map((t) => ({ ...t, base_error: t.base_error * f })),
  };
}
