import { describe, expect, it } from 'vitest';
import { getSolver, listSolvers, parseSolverSpec, resolveOptions } from './registry.ts';
import type { Solver } from './solver.ts';

const fake: Solver = {
  name: 'fake',
  description: 'test double',
  kind: 'heuristic',
  options: {
    noM2: { type: 'boolean', default: false, description: 'ablation' },
    restarts: { type: 'integer', default: 16, min: 0, description: 'random starts' },
    rule: { type: 'string', default: 'best', choices: ['best', 'first'], description: 'move rule' },
  },
  deterministic: true,
  claimsFeasibility: () => true,
  solve: async () => { throw new Error('not called'); },
};

describe('solver options', () => {
  it('fills defaults and builds a canonical label from the non-default options', () => {
    expect(resolveOptions(fake, {}).label).toBe('fake');
    const s = resolveOptions(fake, { restarts: '32', noM2: true });
    expect(s.options).toEqual({ noM2: true, restarts: 32, rule: 'best' });
    expect(s.label).toBe('fake:noM2,restarts=32');
  });

  it('rejects unknown options and ill-typed values with a message naming them', () => {
    expect(() => resolveOptions(fake, { nom2: true }, 'fake:nom2')).toThrow(/unknown option "nom2" for fake \(options: noM2, restarts, rule\)/);
    expect(() => resolveOptions(fake, { restarts: '2.5' })).toThrow(/option restarts: expected an integer ≥ 0, got "2.5"/);
    expect(() => resolveOptions(fake, { noM2: 'yes' })).toThrow(/option noM2: expected true or false/);
    expect(() => resolveOptions(fake, { rule: 'worst' })).toThrow(/expected one of best, first/);
  });
});

describe('solver specs from hostile input (issue 28)', () => {
  it('refuses options named like Object.prototype members instead of accepting them', () => {
    expect(() => parseSolverSpec('gh:__proto__=1')).toThrow(/solver spec "gh:__proto__=1": unknown option "__proto__" for gh/);
    expect(() => parseSolverSpec('highs:constructor=5')).toThrow(/solver spec "highs:constructor=5": unknown option "constructor" for highs/);
    expect(() => parseSolverSpec('agh:toString')).toThrow(/unknown option "toString" for agh/);
  });

  it('bounds an exact solver\'s time limit so that its timers stay in range (issue 28.1)', () => {
    expect(() => parseSolverSpec('highs:time_limit_s=3000000')).toThrow(/option time_limit_s: expected a number ≥ 0\.001 and ≤ 604800, got "3000000"/);
    expect(parseSolverSpec('highs:time_limit_s=604800').options.time_limit_s).toBe(604800);
  });
});

describe('registry', () => {
  it('rejects an unknown solver and lists the registered ones', () => {
    expect(() => getSolver('gurobi')).toThrow(/unknown solver "gurobi"; registered: /);
    expect(() => parseSolverSpec('gurobi:time_limit_s=5')).toThrow(/unknown solver "gurobi"/);
  });

  it('rejects an option with an empty value instead of reading it as 0', () => {
    expect(() => parseSolverSpec('agh:seed=')).toThrow('solver spec "agh:seed=": option seed has an empty value; expected seed=<value> (or seed alone for a boolean option)');
    expect(() => parseSolverSpec('agh:seed= ,restarts=2')).toThrow(/option seed has an empty value/);
  });

  it('has unique names and sane option defaults for every registered solver', () => {
    const names = listSolvers().map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const s of listSolvers()) {
      // Resolving with no options must accept every declared default.
      expect(parseSolverSpec(s.name).label).toBe(s.name);
    }
  });
});
