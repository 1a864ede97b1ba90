/**
 * Query types from the trace calibration profile (docs/model.md §6): the six named types first,
 * then, for I > 6, one type per cell of the profile's log2 (h, f) shape grid.
 */
import { InputError } from '../lib/errors.ts';
import type { QueryType } from '../solvers/problem/types.ts';
import type { ProfileBundle, TraceProfile } from '../traces/profile.ts';
import { EXTRA_TYPE, NAMED_TYPES, delaySloS, type NamedTypeSpec } from './catalog.ts';
import { stream } from '../lib/random.ts';
import { sig6, uniform } from './random.ts';

/** A cell of the shape grid pooled over the code and conversation traces. */
export interface PooledCell {
  log2_h: number;
  log2_f: number;
  count: number;
  /** Of all requests of both traces. */
  share: number;
  mean_h: number;
  mean_f: number;
}

export function textTraces(profile: ProfileBundle): { code: TraceProfile; conv: TraceProfile } {
  const get = (role: string): TraceProfile => {
    const t = profile.traces[role];
    if (!t) {
      const have = Object.keys(profile.traces).join(', ') || 'none';
      throw new InputError(`the profile has no "${role}" trace (roles present: ${have}); instance generation needs code and conv`);
    }
    return t;
  };
  return { code: get('code'), conv: get('conv') };
}

/** Total text rate, requests/hour: both traces' rates times the demand scale. */
export function textRatePerH(profile: ProfileBundle, demandScale: number): number {
  const { code, conv } = textTraces(profile);
  return (code.rate_per_hour + conv.rate_per_hour) * demandScale;
}

/**
 * Pools the two traces' grids by cell, weighting each trace by its request count: a cell's share
 * is its pooled count over both traces' requests (so the shares sum to 1 over the union). Sorted
 * by count, largest first, ties by (log2_h, log2_f) so the order never depends on input order.
 */
export function pooledShapeCells(profile: ProfileBundle): PooledCell[] {
  const { code, conv } = textTraces(profile);
  const total = code.requests + conv.requests;
  const cells = new Map<string, { log2_h: number; log2_f: number; count: number; sumH: number; sumF: number }>();
  for (const trace of [code, conv]) {
    for (const c of trace.shape_grid) {
      const key = `${c.log2_h},${c.log2_f}`;
      const acc = cells.get(key) ?? { log2_h: c.log2_h, log2_f: c.log2_f, count: 0, sumH: 0, sumF: 0 };
      acc.count += c.count;
      acc.sumH += c.count * c.mean_h;
      acc.sumF += c.count * c.mean_f;
      cells.set(key, acc);
    }
  }
  return [...cells.values()]
    .filter((c) => c.count > 0)
    .map((c) => ({
      log2_h: c.log2_h,
      log2_f: c.log2_f,
      count: c.count,
      share: c.count / total,
      mean_h: c.sumH / c.count,
      mean_f: c.sumF / c.count,
    }))
    .sort((a, b) => b.count - a.count || a.log2_h - b.log2_h || a.log2_f - b.log2_f);
}

/** Token means rounded to integers; every request has at least one token each way. */
const tokens = (mean: number): number => Math.max(1, Math.round(mean));

export function buildTypes(I: number, seed: number, profile: ProfileBundle, demandScale: number): QueryType[] {
  const types = NAMED_TYPES.slice(0, I).map((spec) => namedType(spec, seed, profile, demandScale));
  if (I > NAMED_TYPES.length) {
    const cells = pooledShapeCells(profile);
    if (cells.length === 0) throw new InputError('the profile has an empty shape_grid: cannot make types beyond the six named ones');
    const textRate = textRatePerH(profile, demandScale);
    for (let x = 0; x < I - NAMED_TYPES.length; x++) types.push(extraType(cells, x, seed, textRate));
  }
  return types;
}

function namedType(spec: NamedTypeSpec, seed: number, profile: ProfileBundle, demandScale: number): QueryType {
  const { code, conv } = textTraces(profile);
  const src = spec.source;
  const [h, f, rate] =
    src.kind === 'slice'
      ? [conv.slices[src.slice].mean_h, conv.slices[src.slice].mean_f, conv.slices[src.slice].share * conv.rate_per_hour * demandScale]
      : src.kind === 'trace'
        ? [code.context_tokens.mean, code.generated_tokens.mean, code.rate_per_hour * demandScale]
        : [src.input_tokens, src.output_tokens, src.text_rate_share * textRatePerH(profile, demandScale)];
  // One stream per type name: a type's draws do not depend on which other types exist.
  const rng = stream(seed, 'type', spec.name);
  const base_error = uniform(rng, spec.base_error);
  const rho = uniform(rng, spec.delay_penalty_usd_per_req_s);
  const phi = uniform(rng, spec.unmet_penalty_usd_per_req);
  return queryType(spec.name, tokens(h), tokens(f), rate, spec.error_slo, base_error, rho, phi, spec.storage_gb_per_token);
}

/**
 * Type 7 + x: the x-th pooled cell (further services with the traces' request shapes, so total
 * demand grows with I); past the last cell the list repeats with a `#2`, `#3` suffix.
 */
function extraType(cells: PooledCell[], x: number, seed: number, textRate: number): QueryType {
  const cell = cells[x % cells.length];
  const round = Math.floor(x / cells.length);
  const name = `Shape-h${2 ** cell.log2_h}-f${2 ** cell.log2_f}${round === 0 ? '' : `#${round + 1}`}`;
  const rng = stream(seed, 'type', name);
  const base_error = uniform(rng, EXTRA_TYPE.base_error);
  const error_slo = uniform(rng, EXTRA_TYPE.error_slo);
  const rho = uniform(rng, EXTRA_TYPE.delay_penalty_usd_per_req_s);
  const phi = uniform(rng, EXTRA_TYPE.unmet_penalty_usd_per_req);
  const theta = uniform(rng, EXTRA_TYPE.storage_gb_per_token);
  return queryType(name, tokens(cell.mean_h), tokens(cell.mean_f), cell.share * textRate, error_slo, base_error, rho, phi, theta);
}

function queryType(
  name: string, h: number, f: number, rate: number, errorSlo: number,
  baseError: number, rho: number, phi: number, theta: number,
): QueryType {
  return {
    name,
    input_tokens: h,
    output_tokens: f,
    rate_per_h: sig6(rate),
    delay_slo_s: sig6(delaySloS(h, f)),
    error_slo: sig6(errorSlo),
    base_error: sig6(baseError),
    delay_penalty_usd_per_req_s: sig6(rho),
    unmet_penalty_usd_per_req: sig6(phi),
    storage_gb_per_token: sig6(theta),
  };
}
