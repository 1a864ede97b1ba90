import { InputError } from '../lib/errors.ts';

/** Instance dimensions: I query types, J models, K GPU tiers. */
export interface Sizes {
  I: number;
  J: number;
  K: number;
}

/**
 * The largest instance the generator builds: its reference cost visits every (type, model, tier)
 * route, so time and memory grow with I·J·K (80,80,80 takes about 0.4 GB). 100,100,100 is twice
 * the largest size any experiment uses; beyond it a typo would only exhaust memory.
 */
export const MAX_ROUTES = 100 ** 3;
/** And no one dimension beyond this: the instance JSON lists every type, model and tier. */
export const MAX_DIMENSION = 1000;

/** `"6,6,10"` → { I: 6, J: 6, K: 10 } (types, models, tiers); `what` names the flag or field in errors. */
export function parseSizes(text: string, what = '--size'): Sizes {
  const match = /^\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*$/.exec(text);
  const [I, J, K] = match ? match.slice(1).map(Number) : [];
  if (!match || ![I, J, K].every((v) => Number.isSafeInteger(v) && v >= 1)) {
    throw new InputError(`${what} expects three positive integers I,J,K such as 6,6,10; got ${JSON.stringify(text)}`);
  }
  const sizes = { I, J, K };
  checkSizeBound(sizes, `${what} ${text.trim()}`);
  return sizes;
}

/** Refuses sizes beyond what the generator can build, saying the limit. */
export function checkSizeBound(sizes: Sizes, what: string): void {
  const routes = sizes.I * sizes.J * sizes.K;
  const over = (['I', 'J', 'K'] as const).find((d) => sizes[d] > MAX_DIMENSION);
  if (routes > MAX_ROUTES || over) {
    const got = over ? `${over} = ${sizes[over].toLocaleString('en-US')} > ${MAX_DIMENSION}` : `I·J·K = ${routes.toLocaleString('en-US')}`;
    throw new InputError(
      `${what}: too large; the generator builds at most I, J, K ≤ ${MAX_DIMENSION} and I·J·K ≤ ${MAX_ROUTES.toLocaleString('en-US')} routes (e.g. 100,100,100), got ${got}`,
    );
  }
}
