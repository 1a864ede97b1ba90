import { describe, expect, it } from 'vitest';
import { abortMessage, modelData } from './highs.ts';
import type { MilpModel } from './model.ts';
import { backendOptions } from './backend.ts';
import { solveExact } from './run-exact.ts';
import { testInstance } from '../../testing/exact-instances.ts';

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

describe('modelData', () => {
  const highs = { infinity: 1e30 };
  const model = {
    name: 'm',
    cols: [
      { name: 'a', kind: 'continuous' as const, lb: 0, ub: Infinity, cost: 2 },
      { name: 'b', kind: 'binary' as const, lb: 0, ub: 1, cost: 0 },
      { name: 'c', kind: 'integer' as const, lb: 0, ub: 7, cost: 5 },
    ],
    rows: [
      { name: 'eq', sense: '=' as const, rhs: 1, cols: [0, 2], coefs: [1, 3] },
      { name: 'le', sense: '<=' as const, rhs: 4, cols: [1], coefs: [-2] },
    ],
  } as unknown as MilpModel;

  it('passes rows as CSR, = rows with both bounds, <= rows open below, infinite bounds as HiGHS infinity', () => {
    const data = modelData(highs, model);
    expect(data.matrix).toMatchObject({ format: 'csr', numRows: 2, numCols: 3 });
    expect([...data.matrix.starts]).toEqual([0, 2, 3]);
    expect([...data.matrix.indices]).toEqual([0, 2, 1]);
    expect([...data.matrix.values]).toEqual([1, 3, -2]);
    expect([...data.rowLower]).toEqual([1, -1e30]);
    expect([...data.rowUpper]).toEqual([1, 4]);
    expect([...data.colUpper]).toEqual([1e30, 1, 7]);
    expect([...data.colCost]).toEqual([2, 0, 5]);
    expect([...data.integrality!]).toEqual([0, 1, 1]);
  });

  it('gives a model without integer columns no integrality vector, so HiGHS solves it as an LP', () => {
    const lp = { ...model, cols: model.cols.map((c) => ({ ...c, kind: 'continuous' as const })) };
    expect(modelData(highs, lp).integrality).toBeUndefined();
  });
});

describe('the memory guard', () => {
  it('stops a MIP past the guard as at a time limit, keeping the incumbent, and says why', async () => {
    const inst = testInstance({ I: 6, J: 6, K: 10 }, 1, 'average');
    const reply = await solveExact({
      backend: { module: new URL('./highs.ts', import.meta.url).href, name: 'solveWithHighs' },
      label: 'highs',
      instance: inst,
      options: { ...backendOptions(60, 0), heap_guard_bytes: 0 },
      warm: 'agh',
    });
    expect(reply.status).toBe('time_limit_feasible');
    expect(reply.message).toMatch(/^stopped before its time limit by the memory guard \(WebAssembly heap \d+ MiB of 2048 MiB\)$/);
    expect(reply.plan).not.toBeNull();
    expect(reply.objective!).toBeLessThanOrEqual(reply.warm!.warm_cost_usd * (1 + 1e-9));
  });
});
