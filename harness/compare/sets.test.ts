import { describe, expect, it } from 'vitest';
import { seriesName } from '../report/chart-style.ts';
import { resolveGrid } from '../sweep/grid.ts';
import { compareGrid, comparedSolvers, instanceSet, withSetLimit } from './sets.ts';

describe('compare instance sets and grids', () => {
  it('gives exact solvers the set\'s time limit unless their spec names one', () => {
    const quick = instanceSet('quick');
    expect(withSetLimit('highs', quick)).toBe('highs:time_limit_s=30');
    expect(withSetLimit('cbc:threads=2', quick)).toBe('cbc:threads=2,time_limit_s=30');
    expect(withSetLimit('highs:time_limit_s=5', quick)).toBe('highs:time_limit_s=5');
    expect(withSetLimit('agh', quick)).toBe('agh');
  });

  it('puts the solvers under test in the first block of each group and reads them back from the resolved config', () => {
    const grid = resolveGrid(compareGrid(['gh', 'agh'], ['agh', 'highs'], instanceSet('tiny')));
    expect(grid.config.experiment).toBe('compare');
    expect(grid.config.blocks.map((b) => ('solvers' in b ? b.solvers : []))).toEqual([['gh', 'agh'], ['highs:time_limit_s=10']]);
    // agh is under test, so it is not also compared against
    expect(comparedSolvers(grid.config, seriesName)).toEqual({ solvers: ['gh', 'agh'], against: ['highs'] });
  });

  it('builds the reference set from the best-known table: a block per size, with its seeds', () => {
    const grid = resolveGrid(compareGrid(['gh'], [], instanceSet('reference')));
    const sizes = grid.config.blocks.map((b) => `${b.sizes[0].I},${b.sizes[0].J},${b.sizes[0].K}:${b.seeds.join('')}`);
    expect(sizes).toContain('6,6,10:12345');
    expect(sizes).toContain('50,50,50:12345');
  });

  it('refuses an unknown set, naming the known ones', () => {
    expect(() => instanceSet('huge')).toThrow(/tiny, quick, reference, scale/);
  });
});
