import { InputError } from '../solvers/problem/errors.ts';
import type { Sizes } from './instance.ts';

/** `"6,6,10"` → { I: 6, J: 6, K: 10 } (types, models, tiers). */
export function parseSizes(text: string): Sizes {
  const match = /^\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*$/.exec(text);
  const [I, J, K] = match ? match.slice(1).map(Number) : [];
  if (!match || ![I, J, K].every((v) => Number.isSafeInteger(v) && v >= 1)) {
    throw new InputError(`--size expects three positive integers I,J,K such as 6,6,10; got ${JSON.stringify(text)}`);
  }
  return { I, J, K };
}
