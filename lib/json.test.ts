import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, parseJson } from './json.ts';

describe('parseJson (issues 26 and 28: JSON the user controls)', () => {
  it('parses well-formed JSON as JSON.parse does', () => {
    const text = '{"a": [1, {"b": "x\\"y", "c": null}], "d": {"a": 2}}';
    expect(parseJson(text, 'f.json')).toEqual(JSON.parse(text));
  });

  it('refuses nesting deeper than the bound without overflowing the stack', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(() => parseJson(deep, 'deep.json')).toThrow(new RegExp(`^deep\\.json: nested deeper than ${MAX_JSON_DEPTH} levels`));
    const ok = `${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`;
    expect(() => parseJson(ok, 'ok.json')).not.toThrow();
  });

  it('refuses a key given twice, naming its path', () => {
    expect(() => parseJson('{"types": [{"n": 1}, {"rate": 1, "rate": 2}]}', 'i.json')).toThrow('i.json: types[1].rate: key given twice in one object; expected each key once');
    expect(() => parseJson('{"a": 1, "a": 1}', 'g.json')).toThrow(/^g\.json: a: key given twice/);
    // The same key in different objects is fine, and a key inside a string is no key.
    expect(() => parseJson('{"a": {"a": 1}, "b": [{"a": 1}, {"a": "\\"a\\": 1"}]}', 'x')).not.toThrow();
  });

  it('refuses __proto__ keys', () => {
    expect(() => parseJson('{"meta": {"__proto__": {"x": 1}}}', 'p.json')).toThrow('p.json: meta.__proto__: the key "__proto__" is not allowed');
  });

  it('refuses an integer a double would round, quoting it as written (issue 28)', () => {
    expect(() => parseJson('{"seeds": [1, 9007199254740993]}', 'g.json')).toThrow('g.json: seeds[1]: the integer 9007199254740993 is beyond 2^53 and would be read as 9007199254740992; expected an integer of at most 9007199254740991');
    expect(parseJson('[9007199254740991, -9007199254740991, 1e300, 12345678901234567890.5, 1.5e20, 0.12345678901234567890]', 'x')).toHaveLength(6);
  });

  it('reports invalid JSON with the source', () => {
    expect(() => parseJson('{"a": ', 'bad.json')).toThrow(/^bad\.json: not valid JSON/);
  });
});
