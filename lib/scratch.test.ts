import { describe, expect, it } from 'vitest';
import { scratch } from './scratch.ts';

describe('scratch', () => {
  it('hands back the same arrays while they are large enough, and rebuilds them at double the capacity', () => {
    const made: number[] = [];
    const take = scratch((n) => (made.push(n), new Float64Array(n)));
    const a = take(5);
    expect(a.length).toBe(5);
    expect(take(3)).toBe(a);
    expect(take(5)).toBe(a);
    const b = take(6);
    expect(b).not.toBe(a);
    expect(b.length).toBe(10);
    expect(take(21).length).toBe(21);
    expect(made).toEqual([0, 5, 10, 21]);
  });
});
