import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson, cellKey } from './cell-key.ts';
import { SOLVE_COLUMNS } from './columns.ts';
import { rowsPerCell } from './cell.ts';
import { expandGrid, inShard, parseShard, readGridFile, resolveGrid, splitSolverList, upgradeConfig, type Cell } from './grid.ts';
import { PRESETS } from '../experiments/presets.ts';
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

  it('plan each solver at every headroom θ; θ > 0 cells have their own keys, θ = 0 cells the keys they had before θ existed', () => {
    const cells = expandGrid(resolveGrid({ ...input, seeds: [1], headrooms: [0, 0.25] }).config);
    expect(cells.map((c) => (c.config.kind === 'solve' ? `${c.config.solver.label} ${c.config.headroom ?? 0}` : ''))).toEqual(['agh:noM2 0', 'agh:noM2 0.25', 'gh 0', 'gh 0.25']);
    expect(new Set(cells.map((c) => c.key)).size).toBe(4);
    const bare = expandGrid(resolveGrid({ ...input, seeds: [1] }).config);
    expect(bare.map((c) => c.key)).toEqual([cells[0].key, cells[2].key]);
    // the key of a cell config as the previous version wrote it: no headroom field at all
    expect(bare.map((c) => 'headroom' in c.config)).toEqual([false, false]);
    expect(resolveGrid(input).config.blocks[0]).toMatchObject({ headrooms: [0] });
    expect(() => resolveGrid({ ...input, headrooms: [-0.1] })).toThrow(/grid: headrooms: headroom θ must be a number ≥ 0 \(such as 0\.25\), got -0\.1/);
    expect(() => resolveGrid({ ...input, headrooms: ['x'] })).toThrow(/got "x"/);
    expect(() => resolveGrid({ ...input, headrooms: [] })).toThrow(/headrooms: expected a non-empty list/);
  });

  it('read a manifest config written before headroom existed as planning at θ = 0', () => {
    const now = resolveGrid(input).config;
    const before = { ...now, blocks: now.blocks.map((b) => Object.fromEntries(Object.entries(b).filter(([k]) => k !== 'headrooms'))) } as typeof now;
    expect(upgradeConfig(before)).toEqual(now);
    expect(upgradeConfig(now)).toEqual(now);
  });

  it('mark the cells of an alone block, also when an earlier block lists them; alone is no part of the key', () => {
    const exact = { sizes: ['3,3,4'], seeds: [1], solvers: ['highs:time_limit_s=5'] };
    const plain = expandGrid(resolveGrid({ blocks: [input, exact] }).config);
    const marked = expandGrid(resolveGrid({ blocks: [input, { ...exact, alone: true }] }).config);
    expect(marked.map((c) => c.key)).toEqual(plain.map((c) => c.key));
    expect(plain.some((c) => c.alone)).toBe(false);
    expect(marked.filter((c) => c.alone).map((c) => c.index)).toEqual([4]);
    // a later alone block that repeats earlier cells marks them where they first stand
    const repeated = expandGrid(resolveGrid({ blocks: [input, { ...input, seeds: [2], alone: true }] }).config);
    expect(repeated.map((c) => c.alone === true)).toEqual([false, false, true, true]);
    // alone: false resolves like no field at all, so configs written before it stay equal
    expect(resolveGrid({ ...input, alone: false }).config).toEqual(resolveGrid(input).config);
    expect(() => resolveGrid({ ...input, alone: 'yes' })).toThrow(/grid: alone: expected true or false, got "yes"/);
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
  it('reads a file with the columns before headroom and the dropped/shed rates, upgrading its rows', () => {
    const dir = mkdtempSync(join(tmpdir(), 'raw-csv-'));
    const added = ['headroom', 'dropped_rate_mean', 'shed_rate_mean'];
    const names = SOLVE_COLUMNS.map((c) => c.name).filter((n) => !added.includes(n));
    const row = (over: Record<string, string>) => names.map((n) => over[n] ?? '').join(',');
    // a plan leaving 25% unmet that dropped or shed 10% more in stage 2 (old rate: 0.1); one without stage 2
    const served = row({ cell_key: 'a', unmet_rate: '0.25', kappa: '1.5', violation_rate_mean: '0.1', violation_rate_p5: '0', violation_rate_p95: '0.5', violation_any_share: '0.4' });
    const planned = row({ cell_key: 'b', unmet_rate: '0' });
    writeFileSync(join(dir, 'old.csv'), `${names.join(',')}\n${served}\n${planned}\n`);
    const [a, b] = readRawCsv(join(dir, 'old.csv'), SOLVE_COLUMNS).rows;
    expect(Object.keys(a)).toEqual(expect.arrayContaining(SOLVE_COLUMNS.map((c) => c.name)));
    expect(a).toMatchObject({ headroom: '0', violation_rate_mean: '0.35', violation_rate_p5: '0.25', violation_rate_p95: '0.75', violation_any_share: '1', dropped_rate_mean: '', shed_rate_mean: '' });
    expect(b).toMatchObject({ headroom: '0', violation_rate_mean: '', violation_any_share: '' });
    // a header of neither version is still refused
    writeFileSync(join(dir, 'other.csv'), `${names.slice(1).join(',')}\n`);
    expect(() => readRawCsv(join(dir, 'other.csv'), SOLVE_COLUMNS)).toThrow(/header does not match/);
  });

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

describe('hostile grids (issues 26 and 28)', () => {
  const input = { sizes: ['3,3,4'], seeds: [1], solvers: ['gh'] };
  const rolling = { kind: 'rolling' as const, sizes: ['3,3,4'], seeds: [1], sigmas: [0.1], policies: ['dm-24h', 'agh-5min'] };

  it('refuse experiment names that are paths, formulas or hold control characters', () => {
    for (const bad of ['../../../x', 'a/b', 'a\\b', '..', '=HYPERLINK("x")', '+1', '-cmd', '@SUM(A1)', 'e1\u001b[31m', '', 'x'.repeat(65)]) {
      expect(() => resolveGrid({ ...input, experiment: bad }), bad).toThrow(/^grid: experiment: expected (a name of 1–64 letters|text without control characters)/);
    }
    expect(resolveGrid({ ...input, experiment: 'e1_quick-2.b' }).config.experiment).toBe('e1_quick-2.b');
  });

  it('refuse control characters in any string of a grid, e.g. a solver spec (issue 26.3)', () => {
    expect(() => resolveGrid({ ...input, solvers: ['highs:warm=\u001b[2J'] })).toThrow('grid: solvers[0]: expected text without control characters, got "highs:warm=\\u001b[2J"');
    expect(() => resolveGrid({ ...input, blocks: [{ scenarios: ['S1\u0007'] }] })).toThrow(/^grid: blocks\[0\]: scenarios\[0\]: expected text without control characters/);
  });

  it('bound stage-2 scenarios and paths, and refuse a stage2 that is not an object', () => {
    expect(() => resolveGrid({ ...input, stage2: { scenarios: 1e9 } })).toThrow(/stage2\.scenarios: expected an integer ≥ 1 and ≤ 10000, got 1000000000/);
    expect(() => resolveGrid({ ...input, stage2: 'abc' as never })).toThrow(/grid: stage2: expected an object/);
    expect(() => resolveGrid({ ...input, stage2: { scenario: 5 } as never })).toThrow(/grid: stage2: unknown field "scenario"/);
    expect(() => resolveGrid({ ...rolling, paths: 1e9 })).toThrow(/paths: expected an integer ≥ 1 and ≤ 10000, got 1000000000/);
  });

  it('refuse time limits whose timers would overflow', () => {
    expect(() => resolveGrid({ ...input, heuristic_limit_s: 1e7 })).toThrow(/heuristic_limit_s: expected at most 604800 s/);
    expect(() => resolveGrid({ ...input, cell_overhead_s: 3e6 })).toThrow(/cell_overhead_s: expected at most/);
    expect(() => resolveGrid({ ...input, solvers: ['highs:time_limit_s=3000000'] })).toThrow(/time_limit_s: expected a number ≥ 0\.001 and ≤ 604800/);
  });

  it('name blocks and lists of the wrong shape instead of failing inside', () => {
    expect(() => resolveGrid({ ...input, inflations: 1.5 as never })).toThrow(/grid: inflations: expected a non-empty list/);
    expect(() => resolveGrid({ ...input, blocks: [null as never] })).toThrow(/grid block 1: expected an object of block fields, got null/);
  });

  it('read a grid file with a key given twice or nested 100,000 deep as an error naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'grid-hostile-'));
    writeFileSync(join(dir, 'dup.json'), '{"sizes": ["3,3,4"], "seeds": [1], "seeds": [2]}');
    expect(() => readGridFile(join(dir, 'dup.json'))).toThrow(/^config .*dup\.json: seeds: key given twice/);
    writeFileSync(join(dir, 'deep.json'), `{"blocks": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    expect(() => readGridFile(join(dir, 'deep.json'))).toThrow(/^config .*deep\.json: nested deeper than 64 levels at blocks/);
  });

  it('expand many paths of a static policy in linear time (a set, not a list scan)', () => {
    const cells = expandGrid(resolveGrid({ ...rolling, sigmas: [0.1, 0.2], paths: 3000, policies: ['dm-24h'] }).config);
    expect(cells).toHaveLength(1);
    expect(cells[0].config.kind === 'rolling' && cells[0].config.days).toHaveLength(6000);
  });
});
