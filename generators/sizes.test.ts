import { describe, expect, it } from 'vitest';
import { InputError } from '../lib/errors.ts';
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

describe('size bound', () => {
  it.each(['1000000000,1,1', '101,100,100', '1001,1,1'])('refuses %s, saying the limit', (big) => {
    expect(() => parseSizes(big)).toThrow(
      new RegExp(`^--size ${big}: too large; the generator builds at most I, J, K ≤ 1000 and I·J·K ≤ 1,000,000 routes \\(e\\.g\\. 100,100,100\\)`),
    );
  });

  it('names the flag or field it was given and the dimension over its bound (issue 26.7)', () => {
    expect(() => parseSizes('1001,1,1', 'grid: sizes:')).toThrow(/^grid: sizes: 1001,1,1: too large; .* got I = 1,001 > 1000$/);
    expect(() => parseSizes('1,1,x', 'grid: sizes:')).toThrow(/^grid: sizes: expects three positive integers/);
  });

  it('accepts the largest sizes within the limit', () => {
    expect(parseSizes('100,100,100')).toEqual({ I: 100, J: 100, K: 100 });
    expect(parseSizes('1000,1000,1')).toEqual({ I: 1000, J: 1000, K: 1 });
  });
});
