import { describe, expect, it } from 'vitest';
import { abortMessage } from './highs.ts';

const abort = (what: string) => new WebAssembly.RuntimeError(`Aborted(${what}). Build with -sASSERTIONS for more info.`);

describe('abortMessage', () => {
  it('calls a reasonless abort from a heap past half the 2 GiB cap out of memory, with the heap size', () => {
    expect(abortMessage(abort(''), 1900 * 2 ** 20)).toBe('out of memory (WebAssembly heap 1900 MiB of 2048 MiB)');
  });

  it('keeps the reason of any other abort and still names the heap', () => {
    expect(abortMessage(abort(''), 300 * 2 ** 20)).toBe('HiGHS aborted: Aborted() (WebAssembly heap 300 MiB of 2048 MiB)');
    expect(abortMessage(abort('Assertion failed: x'), 1900 * 2 ** 20)).toBe('HiGHS aborted: Aborted(Assertion failed: x) (WebAssembly heap 1900 MiB of 2048 MiB)');
  });
});
