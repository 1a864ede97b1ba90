/**
 * Demand over one day for the rolling horizon (docs/experiments.md, E5): 288 five-minute slots,
 * λ_i(t) = λ_i · profile(t) · exp(σ·Z_t − σ²/2), Z a stationary AR(1) with coefficient 0.5 and unit
 * variance. One Z per path is shared by all query types (a common demand shock: the day is busy or
 * quiet for every service at once), so a path is one multiplier per slot.
 */
import { stream } from '../../lib/random.ts';
import { InputError } from '../../lib/errors.ts';

export const SLOTS_PER_DAY = 288;
export const SLOT_H = 5 / 60;
export const AR_COEFFICIENT = 0.5;

/**
 * The diurnal curve 1 + 0.5·sin(2πt/288 − π/2): phase chosen so that slot 0 (midnight) is the
 * trough (0.5) and slot 144 (noon) the peak (1.5); its mean over the day is 1.
 */
export function diurnalProfile(): Float64Array {
  return Float64Array.from({ length: SLOTS_PER_DAY }, (_, t) => 1 + 0.5 * Math.sin((2 * Math.PI * t) / SLOTS_PER_DAY - Math.PI / 2));
}

/**
 * A trace's arrival counts per 5 minutes as a profile: tiled (a shorter trace repeats) or
 * truncated (a longer one keeps its first day) to 288 slots, then scaled to mean 1 over them.
 */
export function traceProfile(countsPer5Min: readonly number[]): Float64Array {
  if (countsPer5Min.length === 0 || countsPer5Min.some((c) => !(c >= 0))) {
    throw new InputError('a trace profile needs at least one non-negative 5-minute arrival count');
  }
  const day = Float64Array.from({ length: SLOTS_PER_DAY }, (_, t) => countsPer5Min[t % countsPer5Min.length]);
  const mean = day.reduce((a, b) => a + b, 0) / SLOTS_PER_DAY;
  if (mean === 0) throw new InputError('a trace profile with no arrivals cannot scale demand');
  return day.map((c) => c / mean);
}

export interface DemandPath {
  /** Z_t: stationary AR(1), Z_0 ~ N(0, 1). */
  z: Float64Array;
  /** λ_i(t) / λ_i = profile(t) · exp(σ·Z_t − σ²/2), the same for every type. */
  multiplier: Float64Array;
}

/**
 * Path `path` of volatility σ, drawn from the stream `seed/demand-path/path`: a path does not
 * depend on how many others are drawn, and path p shares its Z series across σ (common random
 * numbers), so cost-vs-σ differences come from σ, not from different draws. Z_t = 0.5·Z_{t−1} + √(1 − 0.25)·ε_t keeps Var Z_t = 1, and
 * E exp(σZ − σ²/2) = 1, so the noise leaves the mean demand unchanged.
 */
export function demandPath(seed: number, sigma: number, path: number, profile: ArrayLike<number>): DemandPath {
  if (!(sigma >= 0)) throw new InputError(`σ must be a number ≥ 0; got ${sigma}`);
  const rng = stream(seed, 'demand-path', path);
  // Box–Muller; 1 − u ∈ (0, 1] keeps the logarithm finite.
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const innovation = Math.sqrt(1 - AR_COEFFICIENT ** 2);
  const z = new Float64Array(profile.length);
  const multiplier = new Float64Array(profile.length);
  for (let t = 0; t < profile.length; t++) {
    z[t] = t === 0 ? normal() : AR_COEFFICIENT * z[t - 1] + innovation * normal();
    multiplier[t] = profile[t] * Math.exp(sigma * z[t] - (sigma * sigma) / 2);
  }
  return { z, multiplier };
}
