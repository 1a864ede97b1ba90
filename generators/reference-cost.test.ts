import { describe, expect, it } from 'vitest';
import { tinyInstance } from '../testing/problem-fixtures.ts';
import type { Instance } from '../solvers/problem/types.ts';
import { ownReplicaRoutes, referenceCost } from './reference-cost.ts';

/**
 * The tiny fixture (one type: h=2048, f=28, Δ=2 s, ε=0.05, e0=0.1; Llama-3.1-8B q=3 and
 * Llama-3.1-70B; RTX-4090 24 GB, 1008 GB/s, $0.35/GPU-h, FP16 165 TF and INT8 330 TF) at
 * λ = 36 000 requests/h (10 req/s), TP ∈ {1,2}, PP = 1. Everything below is worked out by hand from
 * docs/model.md §2 and §6.
 *
 * Memory validity (≤ 0.9·24 = 21.6 GB per GPU): 8B FP16 16.06 GB and 8B INT8 8.03 GB fit at n = 1
 * and 2; 70B needs 141.2 GB (FP16) or 70.6 GB (INT8): ≥ 4 GPUs, so no 70B configuration exists.
 * Errors: 0.1/3 = 0.0333 (FP16), ·1.15 = 0.0383 (INT8), both ≤ 0.05.
 * Work ω = 2·8.03e9·2076 = 3.334056e13 FLOP; load = 10·ω/Φ with Φ = n·TF·1e12·0.35.
 * Delay D = 2048·16.06e9/(n·TF·1e12·0.5) + 28·(P·b/(n·1008·0.7) + τ_tp), τ_tp(2) = 2·32·8e-6 = 5.12e-4:
 *   FP16 n=1: 0.39868 + 28·0.022761 = 1.03598 s   load 3.334056e14/5.775e13 = 5.7733 → 6 replicas · $0.35 = $2.10
 *   FP16 n=2: 0.19934 + 28·0.011892 = 0.53233 s   load 2.8866 → 3 · $0.70 = $2.10
 *   INT8 n=1: 0.19934 + 28·0.011380 = 0.51799 s   load 2.8866 → 3 · $0.35 = $1.05
 *   INT8 n=2: 0.09967 + 28·0.006202 = 0.27333 s   load 1.4433 → 2 · $0.70 = $1.40
 * All meet Δ = 2 s. KV: κ = 131072·2076/1e9 = 0.272105 GB; free = n·21.6 − P·b (5.54, 27.14, 13.57,
 * 35.17 GB); kv = 10·D·κ/free = 0.509, 0.053, 0.104, 0.021 replicas — below the load everywhere.
 * So the own-replica route is INT8 n=1 with 3 replicas, $1.05/h.
 * B_fluid = λ·min p/μ = min over configs of price·load: INT8 n=1 and n=2 tie at 0.35·2.886628 = $1.010320/h.
 * Token storage p_s·τ_ret·θ·(h+f)·λ = 0.002·1·1e-6·2076·36000 = $0.149472/h; storage of the 8B model
 * the route uses p_s·2·8.03 = $0.03212/h. B_ref = 1.05 + 0.149472 + 0.03212 = $1.231592/h.
 */
function handInstance(): Instance {
  const inst = tinyInstance();
  inst.parallelism = { tp_degrees: [1, 2], pp_depths: [1] };
  inst.types[0].rate_per_h = 36000;
  return inst;
}

describe('referenceCost (own-replica reference, docs/model.md §6 Revision 2)', () => {
  it('matches the hand computation on the tiny instance', () => {
    const r = referenceCost(handInstance());
    expect(r.own_rental_usd_per_h).toBeCloseTo(1.05, 12);
    expect(r.fluid_rental_usd_per_h).toBeCloseTo(1.01032, 5);
    expect(r.token_storage_usd_per_h).toBeCloseTo(0.149472, 9);
    expect(r.model_storage_usd_per_h).toBeCloseTo(0.03212, 9);
    expect(r.reference_cost_usd_per_h).toBeCloseTo(1.231592, 9);
    expect(r.unservable_types).toEqual([]);
  });

  it('picks the INT8 TP1 route with 3 whole replicas', () => {
    const inst = handInstance();
    const [route] = ownReplicaRoutes(inst);
    expect(route).not.toBeNull();
    expect(route!.replicas).toBe(3);
    expect(route!.rental_usd_per_h).toBeCloseTo(1.05, 12);
    const cfg = route!.config;
    // Configurations in derive() order: FP16 n=1, FP16 n=2, INT8 n=1, INT8 n=2.
    expect(cfg).toBe(2);
  });

  it('lists a type with no SLO-feasible route as unservable and adds only its token storage', () => {
    // Δ = 0.2 s: every delay above (≥ 0.273 s) breaks it.
    const inst = handInstance();
    inst.types[0].delay_slo_s = 0.2;
    const r = referenceCost(inst);
    expect(r.unservable_types).toEqual(['Code']);
    expect(r.own_rental_usd_per_h).toBe(0);
    expect(r.model_storage_usd_per_h).toBe(0);
    expect(r.reference_cost_usd_per_h).toBeCloseTo(0.149472, 9);
  });
});
