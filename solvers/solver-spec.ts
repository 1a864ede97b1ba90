/**
 * The spec-string grammar that names a solver on the command line, `name[:option[=value][,option…]]`,
 * e.g. `agh`, `agh:noM2`, `agh:restarts=32,seed=3`, `glpk:time_limit_s=60` (a bare option means
 * `true`), checked against a solver's option schema. Which solvers exist is the registry's business:
 * every function here takes the list it resolves names against.
 */
import { InputError } from '../lib/errors.ts';
import type { OptionValue, Solver, SolveOptions } from './solver.ts';

export interface SolverSpec {
  solver: Solver;
  /** Options with every default filled in. */
  options: SolveOptions;
  /** Canonical spec string: name plus the non-default options in sorted order. */
  label: string;
}

export function findSolver(name: string, solvers: readonly Solver[]): Solver {
  const s = solvers.find((x) => x.name === name);
  if (!s) throw new InputError(`unknown solver ${JSON.stringify(name)}; registered: ${solvers.map((x) => x.name).join(', ')}`);
  return s;
}

/** Parses `name[:opt[=value],…]` against `solvers`, checks every option against the solver's schema, fills defaults. */
export function parseSpec(spec: string, solvers: readonly Solver[], overrides: SolveOptions = {}): SolverSpec {
  const [name, rest] = splitOnce(spec.trim(), ':');
  const solver = findSolver(name, solvers);
  // No prototype: an option named __proto__ or constructor is just an unknown option.
  const given: Record<string, string | OptionValue> = Object.create(null);
  if (rest) {
    for (const part of rest.split(',').filter(Boolean)) {
      const [key, value] = splitOnce(part, '=');
      if (value !== undefined && value.trim() === '') {
        throw new InputError(`solver spec ${JSON.stringify(spec)}: option ${key} has an empty value; expected ${key}=<value> (or ${key} alone for a boolean option)`);
      }
      given[key] = value === undefined ? true : value;
    }
  }
  Object.assign(given, overrides);
  return resolveOptions(solver, given, spec);
}

export function resolveOptions(solver: Solver, given: Record<string, string | OptionValue>, spec = solver.name): SolverSpec {
  const options: SolveOptions = {};
  for (const [key, opt] of Object.entries(solver.options)) options[key] = opt.default;
  for (const [key, raw] of Object.entries(given)) {
    const opt = Object.hasOwn(solver.options, key) ? solver.options[key] : undefined;
    if (!opt) {
      throw new InputError(`solver spec ${JSON.stringify(spec)}: unknown option ${JSON.stringify(key)} for ${solver.name} (options: ${Object.keys(solver.options).join(', ') || 'none'})`);
    }
    options[key] = coerce(raw, opt.type, `solver spec ${JSON.stringify(spec)}: option ${key}`, opt);
  }
  const nonDefault = Object.keys(options)
    .filter((k) => options[k] !== solver.options[k].default)
    .sort()
    .map((k) => (options[k] === true ? k : `${k}=${options[k]}`));
  return { solver, options, label: nonDefault.length ? `${solver.name}:${nonDefault.join(',')}` : solver.name };
}

function coerce(raw: string | OptionValue, type: string, what: string, opt: { min?: number; max?: number; choices?: readonly string[] }): OptionValue {
  if (type === 'boolean') {
    if (raw === true || raw === 'true' || raw === '1') return true;
    if (raw === false || raw === 'false' || raw === '0') return false;
    throw new InputError(`${what}: expected true or false, got ${JSON.stringify(raw)}`);
  }
  if (type === 'string') {
    const s = String(raw);
    if (opt.choices && !opt.choices.includes(s)) throw new InputError(`${what}: expected one of ${opt.choices.join(', ')}, got ${JSON.stringify(s)}`);
    return s;
  }
  const v = typeof raw === 'number' ? raw : Number(raw);
  const ok = Number.isFinite(v) && (type !== 'integer' || Number.isInteger(v)) && (opt.min === undefined || v >= opt.min) && (opt.max === undefined || v <= opt.max);
  if (!ok) {
    const range = [opt.min !== undefined ? `≥ ${opt.min}` : '', opt.max !== undefined ? `≤ ${opt.max}` : ''].filter(Boolean).join(' and ');
    throw new InputError(`${what}: expected ${type === 'integer' ? 'an integer' : 'a number'}${range ? ` ${range}` : ''}, got ${JSON.stringify(raw)}`);
  }
  return v;
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const at = s.indexOf(sep);
  return at < 0 ? [s, undefined] : [s.slice(0, at), s.slice(at + 1)];
}

/**
 * Splits `--solvers gh,agh:noM1,noM2,highs:time_limit_s=30` into specs: after a spec with
 * options, a piece continues it unless it names a registered solver, so options keep their commas.
 */
export function splitSpecList(text: string, solvers: readonly Solver[]): string[] {
  const names = new Set(solvers.map((s) => s.name));
  const specs: string[] = [];
  for (const piece of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const name = piece.split(':')[0];
    const last = specs.length - 1;
    if (names.has(name) || last < 0 || !specs[last].includes(':')) specs.push(piece);
    else specs[last] += `,${piece}`;
  }
  return specs;
}
