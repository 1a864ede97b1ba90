import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../lib/errors.ts';
import { CONSTRAINT_FAMILIES, evaluate } from '../../solvers/problem/evaluator.ts';
import { tinyInstance, tinyPlan } from '../../testing/problem-fixtures.ts';
import { loadInstance, loadPlan } from '../../solvers/problem/schema.ts';
import { summarizeInstance } from '../../generators/summary.ts';
import { formatSummary } from './commands/inspect.ts';
import { formatEvaluation, rowUnit, usd } from './format.ts';

describe('formatEvaluation', () => {
  it('says the cost is over the horizon', () => {
    const text = formatEvaluation(evaluate(tinyInstance(), tinyPlan()), 24);
    expect(text.split('\n')[0]).toMatch(/^cost {8}\$[\d,]+\.\d\d per 24 h horizon {2}\(rental/);
  });

  it('lists every constraint family on a feasible plan too (README: every family), and writes money with thousands separators', () => {
    const ev = evaluate(tinyInstance(), tinyPlan());
    expect(ev.feasible).toBe(true);
    const families = formatEvaluation(ev, 24).split('\n').find((l) => l.startsWith('families'));
    expect(families).toBe(`families    ${CONSTRAINT_FAMILIES.map((f) => `${f} ok`).join(', ')}`);
    expect([usd(6515.2), usd(1234567.891), usd(12), usd(-1500)]).toEqual(['$6,515.20', '$1,234,567.89', '$12.00', '−$1,500.00']);
  });

  it('prints every violated row with the unit of its sides', () => {
    const inst = tinyInstance();
    inst.types[0].rate_per_h *= 50; // far more than one replica serves
    const ev = evaluate(inst, tinyPlan());
    const lines = formatEvaluation(ev, 24).split('\n').filter((l) => l.startsWith('  violated'));
    expect(lines.length).toBe(Math.min(ev.violations.length, 10));
    const throughput = lines.find((l) => l.includes('throughput['));
    expect(throughput).toMatch(/: [\d.]+ replicas > 1 replicas \(by [\d.]+ replicas\)$/);
    for (const v of ev.violations) expect(rowUnit(v.constraint), v.constraint).not.toBe('');
  });
});

describe('swapped instance and plan files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'alloc-bench-swap-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const instPath = join(dir, 'instance.json');
  const planPath = join(dir, 'plan.json');
  writeFileSync(instPath, JSON.stringify(tinyInstance()));
  writeFileSync(planPath, JSON.stringify(tinyPlan()));

  it('a plan where an instance is expected, and the reverse, are named as such', () => {
    expect(() => loadInstance(planPath)).toThrow(InputError);
    expect(() => loadInstance(planPath)).toThrow(`${planPath}: this looks like a plan, not an instance (schema llm-alloc-bench/plan@1); are the arguments swapped?`);
    expect(() => loadPlan(instPath, tinyInstance())).toThrow(/this looks like an instance, not a plan/);
    expect(loadPlan(planPath, loadInstance(instPath)).instance_id).toBe('tiny');
  });
});

describe('inspect', () => {
  it('explains the columns of its type table', () => {
    const text = formatSummary(summarizeInstance(tinyInstance()));
    expect(text).toMatch(/^ {2}type +λ \/h +h +f +Δ s/m);
    expect(text).toContain('h, f: input and output tokens per request');
    // the footnote explains the column the table has ($/h), not one it does not ($/req)
    expect(text).toMatch(/ \$\/h\n/);
    expect(text).toContain("$/h: that route's rental cost per hour");
    expect(text).not.toContain('$/req');
  });
});
