import { describe, expect, it } from 'vitest';
import { InputError } from '../solvers/problem/errors.ts';
import { parseSizes } from './sizes.ts';

describe('parseSizes', () => {
  it('reads I,J,K', () => {
    expect(parseSizes('6,6,10')).toEqual({ I: 6, J: 6, K: 10 });
    expect(parseSizes(' 50, 50 ,50 ')).toEqual({ I: 50, J: 50, K: 50 });
    expect(parseSizes('1,1,1')).toEqual({ I: 1, J: 1, K: 1 });
  });

  it.each(['6,6', '6,6,10,1', '0,6,10', '-1,6,10', '6,6,1.5', 'a,b,c', '', '6;6;10', '99999999999999999999,1,1'])(
    'rejects %j saying what it expects',
    (bad) => {
      expect(() => parseSizes(bad)).toThrow(InputError);
      expect(() => parseSizes(bad)).toThrow(
        `--size expects three positive integers I,J,K such as 6,6,10; got ${JSON.stringify(bad)}`,
      );
    },
  );
});
