import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tinyInstance, tinyPlan } from '../../testing/problem-fixtures.ts';
import { loadInstance, loadPlan, parseInstance, parsePlan } from './schema.ts';

describe('instance schema', () => {
  it('accepts a well-formed instance', () => {
    expect(parseInstance(tinyInstance()).meta.id).toBe('tiny');
  });

  const broken: [string, (x: any) => void, RegExp][] = [
    ['a negative rate', (x) => { x.types[0].rate_per_h = -1; }, /types\[0\]\.rate_per_h: expected a number ≥ 0 and ≤ 1000000000, got -1/],
    ['a string where a number belongs', (x) => { x.models[1].params_b = '70'; }, /models\[1\]\.params_b: expected a number > 0 and ≤ 100000, got "70"/],
    ['a missing field', (x) => { delete x.system.budget_usd; }, /system\.budget_usd: required field is missing/],
    ['an unknown field', (x) => { x.system.budget = 3; }, /system\.budget: unknown field/],
    ['a bad SLO mode', (x) => { x.system.slo_mode = 'mean'; }, /system\.slo_mode: expected one of "average", "per-route", got "mean"/],
    ['a fractional layer count', (x) => { x.models[0].layers = 3.5; }, /models\[0\]\.layers: expected an integer ≥ 1 and ≤ 10000, got 3.5/],
    ['sizes that disagree with the lists', (x) => { x.meta.sizes.J = 3; }, /meta\.sizes\.J: is 3 but models has 2 entries/],
    ['a tier on a GPU that does not exist', (x) => { x.tiers[1].gpu = 4; }, /tiers\[1\]\.gpu: expected an index below 1, got 4/],
    ['duplicate names', (x) => { x.tiers[1].name = x.tiers[0].name; }, /tiers\[1\]\.name: duplicate name/],
    // Issues 26.6 and 28: 1e308 gave "$Infinity … feasible yes" and LP files with Infinity.
    ['a rate of 1e308', (x) => { x.types[0].rate_per_h = 1e308; }, /types\[0\]\.rate_per_h: expected a number ≥ 0 and ≤ 1000000000, got 1e\+308/],
    ['a token count of 1e308', (x) => { x.types[0].input_tokens = 1e308; }, /types\[0\]\.input_tokens: expected an integer ≥ 0 and ≤ 10000000, got 1e\+308/],
    ['a GPU price of 1e300', (x) => { x.gpus[0].price_usd_per_gpu_h = 1e300; }, /gpus\[0\]\.price_usd_per_gpu_h: expected a number ≥ 0 and ≤ 10000/],
    ['an error SLO above 1', (x) => { x.types[0].error_slo = 2; }, /types\[0\]\.error_slo: expected a number > 0 and ≤ 1, got 2/],
    // Issue 28: inspect on 700k types overflowed the stack in a spread.
    ['700,000 types', (x) => { x.meta.sizes.I = 700_000; }, /meta\.sizes\.I: expected an integer ≥ 1 and ≤ 10000, got 700000/],
    ['the wrong schema tag', (x) => { x.schema = 'v0'; }, /schema: expected "llm-alloc-bench\/instance@1"/],
  ];
  for (const [what, mutate, message] of broken) {
    it(`rejects ${what}, naming the field`, () => {
      const x = tinyInstance();
      mutate(x);
      expect(() => parseInstance(x, 'inst.json')).toThrow(message);
      expect(() => parseInstance(x, 'inst.json')).toThrow(/^inst\.json: /);
    });
  }
});

describe('plan schema', () => {
  const inst = tinyInstance();
  it('accepts a well-formed plan', () => {
    expect(parsePlan(tinyPlan(), inst).routes).toHaveLength(1);
  });
  const broken: [string, (p: any) => void, RegExp][] = [
    ['a share above 1', (p) => { p.routes[0].share = 1.5; }, /routes\[0\]\.share: expected a number ≥ 0 and ≤ 1, got 1.5/],
    ['fractional replicas', (p) => { p.deployments[0].replicas = 1.5; }, /deployments\[0\]\.replicas: expected an integer ≥ 0/],
    ['a type index out of range', (p) => { p.routes[0].i = 1; }, /routes\[0\]\.i: expected a type index below 1, got 1/],
    ['a TP degree not in the instance', (p) => { p.deployments[0].n = 3; }, /deployments\[0\]\.n: expected a TP degree in \[1,2,4,8\], got 3/],
    ['a wrong-length unmet vector', (p) => { p.unmet = [0, 0]; }, /unmet: expected 1 entries/],
    ['a missing list', (p) => { delete p.routes; }, /routes: required field is missing/],
  ];
  for (const [what, mutate, message] of broken) {
    it(`rejects ${what}, naming the field`, () => {
      const p = tinyPlan();
      mutate(p);
      expect(() => parsePlan(p, inst, 'plan.json')).toThrow(message);
    });
  }
});

describe('loading files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'schema-'));
  it('names the file when it is missing or not JSON', () => {
    expect(() => loadInstance(join(dir, 'none.json'))).toThrow(/none\.json: cannot read file \(ENOENT\)/);
    writeFileSync(join(dir, 'bad.json'), '{"schema": ');
    expect(() => loadInstance(join(dir, 'bad.json'))).toThrow(/bad\.json: not valid JSON/);
  });
  it('refuses an instance nested 100,000 deep, duplicate keys and __proto__ keys (issues 26, 28)', () => {
    writeFileSync(join(dir, 'deep.json'), `{"schema": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    expect(() => loadInstance(join(dir, 'deep.json'))).toThrow(/deep\.json: nested deeper than 64 levels at schema/);
    const text = JSON.stringify(tinyInstance());
    writeFileSync(join(dir, 'dup.json'), text.replace('"rate_per_h":3600', '"rate_per_h":3600,"rate_per_h":1'));
    expect(() => loadInstance(join(dir, 'dup.json'))).toThrow(/dup\.json: types\[0\]\.rate_per_h: key given twice/);
    writeFileSync(join(dir, 'p.json'), JSON.stringify(tinyPlan()).replace('{', '{"__proto__": {"x": 1},'));
    expect(() => loadPlan(join(dir, 'p.json'), tinyInstance())).toThrow(/p\.json: __proto__: the key "__proto__" is not allowed/);
  });
  it('round-trips an instance and a plan', () => {
    writeFileSync(join(dir, 'i.json'), JSON.stringify(tinyInstance()));
    writeFileSync(join(dir, 'p.json'), JSON.stringify(tinyPlan()));
    const inst = loadInstance(join(dir, 'i.json'));
    expect(loadPlan(join(dir, 'p.json'), inst)).toEqual(tinyPlan());
  });
});
