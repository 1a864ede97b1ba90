import highsModule from 'highs';
import { describe, expect, it } from 'vitest';
import { toLpText } from './lp-format.ts';
import { buildModel, modelSize } from './model.ts';
import { testInstance, tinyInstance } from '../../testing/exact-instances.ts';

const highsLoader = highsModule as unknown as typeof highsModule.default;

describe('toLpText', () => {
  const model = buildModel(testInstance({ I: 6, J: 6, K: 10 }, 1, 'average'));
  const text = toLpText(model);
  const lines = text.split('\n');

  it('follows the LP subset that glpsol, cbc and HiGHS all read (docs/exact.md)', () => {
    expect(lines.filter((l) => /^[A-Z]/.test(l))).toEqual(['Minimize', 'Subject To', 'Bounds', 'General', 'Binary', 'End']);
    expect(text.endsWith('End\n')).toBe(true);
    for (const line of lines) {
      expect(line.length).toBeLessThanOrEqual(200);
      expect(line).not.toMatch(/[[\]]|Infinity|NaN/);
    }
    // One logical line per row (continuations start with a space and a sign): terms `± coef name`
    // with a space before the name, one relation, a number on the right — no constants on the
    // left, no ranged rows.
    const section = text.slice(text.indexOf('Subject To\n') + 11, text.indexOf('Bounds\n'));
    const rows = section.replace(/\n {2}(?=[+-] )/g, ' ').trim().split('\n');
    expect(rows).toHaveLength(model.rows.length);
    const term = String.raw`[+-] \d[\d.e+-]* [A-Za-z_][\w]*`;
    for (const row of rows) expect(row).toMatch(new RegExp(String.raw`^ ?\w+:( ${term})+ (<=|=) -?\d[\d.e+-]*$`));
  });

  it('writes models as large as (30,30,30) and beyond (no argument spread of all bound lines)', () => {
    // 400k continuous columns in one row: more bound lines than one call's arguments may hold.
    const n = 400_000;
    const cols = Array.from({ length: n }, (_, c) => ({ name: `x${c}`, kind: 'continuous' as const, lb: 0, ub: 1, cost: 1 }));
    const big = { ...model, cols, rows: [{ name: 'cap', sense: '<=' as const, rhs: 1, cols: [0, n - 1], coefs: [1, 1] }] };
    const bigLines = toLpText(big).split('\n');
    const bounds = bigLines.slice(bigLines.indexOf('Bounds') + 1, bigLines.indexOf('End'));
    expect(bounds).toHaveLength(n);
    expect(bounds[n - 1]).toBe(' 0 <= x399999 <= 1');
  });

  it('starts with a key of the variable names as `\\` comments', () => {
    const key = lines.slice(0, lines.indexOf('Minimize'));
    expect(key.every((l) => l.startsWith('\\ '))).toBe(true);
    expect(key).toContain('\\ types i: 0 Summarization, 1 Code_Gen, 2 Translation, 3 Math_Solving, 4 Image_Gen, 5 Video_Gen');
    // every configuration that has a replica column is named
    const named = new Set(key.flatMap((l) => /^\\ {3}c=(\d+) \S+@\S+ n\d m\d$/.exec(l)?.[1] ?? []));
    const replicaCols = model.cols.filter((c) => c.name.startsWith('r_')).map((c) => c.name.slice(2));
    expect(replicaCols.length).toBeGreaterThan(0);
    expect([...named].sort()).toEqual([...replicaCols].sort());
  });

  it('is read back by HiGHS with the same dimensions, its key comments included', async () => {
    const highs = await highsLoader();
    const m = highs.createModel({ format: 'lp', data: text });
    try {
      const dims = m.getDimensions();
      const size = modelSize(model);
      expect([dims.numRows, dims.numCols, dims.numNonzeros]).toEqual([size.rows, size.cols, size.nonzeros]);
    } finally {
      m.dispose();
    }
  });

  it('writes fixed columns as `name = 0` and skips zero costs', () => {
    const unreduced = toLpText(buildModel(tinyInstance(1, 'per-route', 'S1'), { reduce: false }));
    expect(unreduced).toMatch(/^ x_\d+_\d+ = 0$/m);
    const objective = unreduced.slice(unreduced.indexOf(' obj:'), unreduced.indexOf('Subject To'));
    expect(objective).not.toMatch(/\bw_\d+/);
  });
});
