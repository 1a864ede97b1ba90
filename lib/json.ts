/**
 * JSON from a file the user controls: `JSON.parse` after a linear, non-recursive scan that refuses
 * what `JSON.parse` would accept silently or what would break code walking the value later —
 * nesting deeper than MAX_JSON_DEPTH (recursive checks overflow the stack), a key given twice in
 * one object (the last one would win unseen) and a `__proto__` key (it would escape
 * `additionalProperties: false` checks and reach object spreads), and an integer beyond 2^53 (it
 * would be rounded, and messages would quote another number). Every problem is an InputError
 * naming the source and, for keys, the key's path.
 */
import { InputError } from './errors.ts';

/** Deepest nesting of objects and arrays accepted (the project's files nest at most 6 deep). */
export const MAX_JSON_DEPTH = 64;

export function parseJson(text: string, source: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${source}: not valid JSON (${(err as Error).message})`);
  }
  checkStructure(text, source);
  return value;
}

/** A number literal at a position (sticky); one without fraction or exponent is an integer. */
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

interface Frame {
  /** Keys seen so far; null for an array. */
  keys: Set<string> | null;
  /** Path of this container, e.g. `types[3]`. */
  path: string;
  /** Array index of the next element, or the last key of an object. */
  index: number;
  key: string;
}

/** Depth, duplicate keys and `__proto__` of a text JSON.parse has accepted (so it is well formed). */
function checkStructure(text: string, source: string): void {
  const stack: Frame[] = [];
  const childPath = (f: Frame | undefined) => (f === undefined ? '' : f.keys === null ? `${f.path}[${f.index}]` : f.path ? `${f.path}.${f.key}` : f.key);
  let expectKey = false;
  for (let at = 0; at < text.length; at++) {
    const c = text[at];
    if (c === '"') {
      let end = at + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (expectKey && top?.keys) {
        const key = JSON.parse(text.slice(at, end + 1)) as string;
        const where = childPath({ ...top, key });
        if (key === '__proto__') throw new InputError(`${source}: ${where}: the key "__proto__" is not allowed`);
        if (top.keys.has(key)) throw new InputError(`${source}: ${where}: key given twice in one object; expected each key once`);
        top.keys.add(key);
        top.key = key;
        expectKey = false;
      }
      at = end;
    } else if (c === '{' || c === '[') {
      if (stack.length >= MAX_JSON_DEPTH) {
        throw new InputError(`${source}: nested deeper than ${MAX_JSON_DEPTH} levels at ${childPath(stack[stack.length - 1]) || '(root)'}; expected at most ${MAX_JSON_DEPTH}`);
      }
      stack.push({ keys: c === '{' ? new Set() : null, path: childPath(stack[stack.length - 1]), index: 0, key: '' });
      expectKey = c === '{';
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER.lastIndex = at;
      const token = NUMBER.exec(text)?.[0] ?? '';
      if (!/[.eE]/.test(token) && !Number.isSafeInteger(Number(token))) {
        throw new InputError(`${source}: ${childPath(stack[stack.length - 1]) || '(root)'}: the integer ${token} is beyond 2^53 and would be read as ${Number(token)}; expected an integer of at most ${Number.MAX_SAFE_INTEGER}`);
      }
      at += Math.max(0, token.length - 1);
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top.keys === null) top.index++;
      else expectKey = true;
    }
  }
}
