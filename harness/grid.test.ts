import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson, cellKey } from './cell-key.ts';
import { SOLVE_COLUMNS } from './columns.ts';
import { rowsPerCell } from './cell.ts';
import { expandGrid, inShard, parseShard, resolveGrid, splitSolverList, type Cell } from './grid.ts';
import { PRESETS } from './presets.ts';
import { readRawCsv } from './raw-csv.ts';

describe('cell keys', () => {
  it('do not depend on field order, and do depend on every value', () => {
    expect(canonicalJson({ b: [1, { y: 2, x: 1 }], a: 'z' })).toBe('{"a":"z","b":[1,{"x":1,"y":2}]}');
    expect(cellKey({ a: 1, b: 2 })).toBe(cellKey({ b: 2, a: 1 }));
    expect(cellKey({ a: 1, b: 2 })).not.toBe(cellKey({ a: 1, b: 3 }));
  });
});

describe('grids', () => {
  const input = { sizes: ['3,3,4'], seeds: [1, 2], solvers: ['agh:noM2', 'gh'], inflations: [1, 1.5] };

  it('expand in canonical order with canonical solver labels', () => {
    const cells = expandGrid(resolveGrid(input).config);
    expect(cells.map((c) => (c.config.kind === 'solve' ? `${c.config.instance.seed} ${c.config.solver.label}` : ''))).toEqual(['1 agh:noM2', '1 gh', '2 agh:noM2', '2 gh']);
    expect(cells.map((c) => c.index)).toEqual([0, 1, 2, 3]);
  });

  it('keep a cell repeated by a later block once, at its first position', () => {
    const cells = expandGrid(resolveGrid({ ...input, blocks: [{}, { seeds: [2, 3] }] }).config);
    expect(cells).toHaveLength(6);
  });

  it('key the same cell the same way whatever spells its solver', () => {
    const a = expandGrid(resolveGrid({ ...input, solvers: ['highs:time_limit_s=5,gap=0.0001'] }).config);
    const b = expandGrid(resolveGrid({ ...input, solvers: ['highs:time_limit_s=5'] }).config);
    expect(a.map((c) => c.key)).toEqual(b.map((c) => c.key));
  });

  it('split solver lists without breaking options', () => {
    expect(splitSolverList('gh,agh:noM1,noM2,highs:time_limit_s=30,gap=0.01,glpk')).toEqual(['gh', 'agh:noM1,noM2', 'highs:time_limit_s=30,gap=0.01', 'glpk']);
  });

  it('shard by index modulo n, covering every cell once', () => {
    const cells = expandGrid(resolveGrid(input).config);
    const shards = [parseShard('1/3'), parseShard('2/3'), parseShard('3/3')];
    expect(cells.map((c) => shards.filter((s) => inShard(c, s)).length)).toEqual([1, 1, 1, 1]);
    expect(cells.filter((c) => inShard(c, shards[1])).map((c) => c.index)).toEqual([1]);
    for (const bad of ['0/2', '3/2', '1/0', 'a/b', '1']) expect(() => parseShard(bad)).toThrow(/--shard/);
  });

  it('take the shard of a Slurm array task from its environment', () => {
    const task = (id: number, min: number, max: number, count: number) => ({
      SLURM_ARRAY_TASK_ID: String(id), SLURM_ARRAY_TASK_MIN: String(min), SLURM_ARRAY_TASK_MAX: String(max), SLURM_ARRAY_TASK_COUNT: String(count),
    });
    expect(parseShard('slurm', task(0, 0, 3, 4))).toEqual({ index: 1, count: 4 });
    expect(parseShard('slurm', task(3, 0, 3, 4))).toEqual({ index: 4, count: 4 });
    expect(parseShard('slurm', task(5, 1, 16, 16))).toEqual({ index: 5, count: 16 });
    expect(() => parseShard('slurm', {})).toThrow(/--shard slurm: SLURM_ARRAY_TASK_ID is not set; use it inside a Slurm array job/);
    // --array=0-12:4 and --array=2,5 have gaps: the task ids are not shards 1…n.
    expect(() => parseShard('slurm', task(4, 0, 12, 4))).toThrow(/consecutive task ids/);
    expect(() => parseShard('slurm', task(5, 2, 5, 2))).toThrow(/consecutive task ids/);
  });

  it('reject unknown fields and bad values, naming them', () => {
    expect(() => resolveGrid({ ...input, colour: 1 })).toThrow(/unknown field "colour"/);
    expect(() => resolveGrid({ ...input, seeds: [1, -1] })).toThrow(/seeds: expected an integer ≥ 0, got -1/);
    expect(() => resolveGrid({ ...input, inflations: [0.5] })).toThrow(/inflations must be numbers ≥ 1/);
    expect(() => resolveGrid({ ...input, blocks: [{ sigmas: [0.1] }] })).toThrow(/grid block 1: unknown field "sigmas"/);
  });

  it('resolve every preset, full and quick', () => {
    for (const p of PRESETS) {
      for (const g of [p.full, p.quick]) expect(expandGrid(resolveGrid(g).config).length).toBeGreaterThan(0);
    }
  });
});

describe('rolling grids', () => {
  const rolling = { kind: 'rolling' as const, sizes: ['3,3,4'], seeds: [1], sigmas: [0.01, 0.05], paths: 2, policies: ['agh-5min', 'agh-24h', 'dm-24h'] };
  const describeCell = (c: Cell) => (c.config.kind === 'rolling' ? `${c.config.policy} ${c.config.days.map((d) => `${d.sigma}/${d.path}`).join(' ')}` : '');

  it('give a static policy one cell with every day, at its first day; a re-solving policy a cell per day', () => {
    const cells = expandGrid(resolveGrid(rolling).config);
    expect(cells.map(describeCell)).toEqual([
      'agh-5min 0.01/0',
      'agh-24h 0.01/0 0.01/1 0.05/0 0.05/1',
      'dm-24h 0.01/0 0.01/1 0.05/0 0.05/1',
      'agh-5min 0.01/1',
      'agh-5min 0.05/0',
      'agh-5min 0.05/1',
    ]);
    expect(cells.map(rowsPerCell)).toEqual([1, 4, 4, 1, 1, 1]);
    // The hard limit covers one day plus the scoring of each further one.
    expect(cells.map((c) => c.config.hard_limit_s)).toEqual([3600, 3600 + 3 * 120, 3600 + 3 * 120, 3600, 3600, 3600]);
  });

  it('add the days of later blocks to the static cell, once', () => {
    const cells = expandGrid(resolveGrid({ ...rolling, blocks: [{}, { sigmas: [0.05, 0.1], paths: 1 }] }).config);
    expect(cells.map(describeCell)).toEqual([
      'agh-5min 0.01/0',
      'agh-24h 0.01/0 0.01/1 0.05/0 0.05/1 0.1/0',
      'dm-24h 0.01/0 0.01/1 0.05/0 0.05/1 0.1/0',
      'agh-5min 0.01/1',
      'agh-5min 0.05/0',
      'agh-5min 0.05/1',
      'agh-5min 0.1/0',
    ]);
  });
});

describe('raw.csv', () => {
  it('drops a torn last record and rejects a foreign header', () => {
    const dir = mkdtempSync(join(tmpdir(), 'raw-csv-'));
    const header = SOLVE_COLUMNS.map((c) => c.name).join(',');
    const row = SOLVE_COLUMNS.map((c) => (c.name === 'message' ? '"a, b"' : '1')).join(',');
    writeFileSync(join(dir, 'ok.csv'), `${header}\n${row}\n${row.slice(0, 20)}`);
    const read = readRawCsv(join(dir, 'ok.csv'), SOLVE_COLUMNS);
    expect(read.rows).toHaveLength(1);
    expect(read.rows[0].message).toBe('a, b');
    expect(read.droppedPartialBytes).toBe(20);
    writeFileSync(join(dir, 'foreign.csv'), `a,b\n1,2\n`);
    expect(() => readRawCsv(join(dir, 'foreign.csv'), SOLVE_COLUMNS)).toThrow(/header/);
  });
});
