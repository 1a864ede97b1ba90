import { describe, expect, it } from 'vitest';
import { resolveGrid } from '../sweep/grid.ts';
import { numberOrText } from './flag-values.ts';

describe('numberOrText', () => {
  it('keeps numbers as numbers and other text as text', () => {
    expect(numberOrText('2')).toBe(2);
    expect(numberOrText('1.5')).toBe(1.5);
    expect(numberOrText('abc')).toBe('abc');
  });

  it('keeps an integer beyond 2^53 as written, so that the error quotes it (issue 28: "got 9007199254740992")', () => {
    expect(numberOrText('9007199254740993')).toBe('9007199254740993');
    expect(() => resolveGrid({ sizes: ['3,3,4'], seeds: [numberOrText('9007199254740993')], solvers: ['gh'] })).toThrow(
      'grid: seeds: expected an integer ≥ 0, got "9007199254740993"',
    );
  });
});
