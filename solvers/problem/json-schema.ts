/**
 * A small validator for the JSON Schema subset the project's schemas use (type, properties,
 * required, additionalProperties, items, enum, const, minimum, exclusiveMinimum, maximum,
 * minItems, minLength). It exists so that every error names the offending field by its path
 * (`types[3].rate_per_h`) and says what was expected, without a heavy dependency.
 */
export interface Schema {
  type?: 'object' | 'array' | 'number' | 'integer' | 'string' | 'boolean';
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: Schema;
  enum?: readonly (string | number)[];
  const?: string | number;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  minItems?: number;
  minLength?: number;
}

/** Returns the first violation as `path: expected …, got …`, or null when the value conforms. */
export function firstSchemaError(value: unknown, schema: Schema, path = ''): string | null {
  const at = path || '(root)';
  const got = describe(value);
  if (schema.const !== undefined && value !== schema.const) return `${at}: expected ${JSON.stringify(schema.const)}, got ${got}`;
  if (schema.enum && !schema.enum.includes(value as string | number)) {
    return `${at}: expected one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}, got ${got}`;
  }
  switch (schema.type) {
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${at}: expected an object, got ${got}`;
      const obj = value as Record<string, unknown>;
      for (const key of schema.required ?? []) {
        if (!(key in obj)) return `${join(path, key)}: required field is missing`;
      }
      for (const [key, v] of Object.entries(obj)) {
        const sub = schema.properties?.[key];
        if (sub) {
          const e = firstSchemaError(v, sub, join(path, key));
          if (e) return e;
        } else if (schema.additionalProperties === false) {
          return `${join(path, key)}: unknown field (allowed: ${Object.keys(schema.properties ?? {}).join(', ')})`;
        }
      }
      return null;
    }
    case 'array': {
      if (!Array.isArray(value)) return `${at}: expected an array, got ${got}`;
      if (schema.minItems !== undefined && value.length < schema.minItems) {
        return `${at}: expected at least ${schema.minItems} item(s), got ${value.length}`;
      }
      if (schema.items) {
        for (let n = 0; n < value.length; n++) {
          const e = firstSchemaError(value[n], schema.items, `${path}[${n}]`);
          if (e) return e;
        }
      }
      return null;
    }
    case 'number':
    case 'integer': {
      const kind = schema.type === 'integer' ? 'an integer' : 'a number';
      if (typeof value !== 'number' || !Number.isFinite(value) || (schema.type === 'integer' && !Number.isInteger(value))) {
        return `${at}: expected ${kind}${range(schema)}, got ${got}`;
      }
      const low = schema.minimum !== undefined && value < schema.minimum;
      const lowEx = schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum;
      const high = schema.maximum !== undefined && value > schema.maximum;
      return low || lowEx || high ? `${at}: expected ${kind}${range(schema)}, got ${got}` : null;
    }
    case 'string':
      if (typeof value !== 'string') return `${at}: expected a string, got ${got}`;
      if (schema.minLength !== undefined && value.length < schema.minLength) return `${at}: expected a non-empty string`;
      return null;
    case 'boolean':
      return typeof value === 'boolean' ? null : `${at}: expected true or false, got ${got}`;
    default:
      return null;
  }
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function range(s: Schema): string {
  const parts: string[] = [];
  if (s.minimum !== undefined) parts.push(`≥ ${s.minimum}`);
  if (s.exclusiveMinimum !== undefined) parts.push(`> ${s.exclusiveMinimum}`);
  if (s.maximum !== undefined) parts.push(`≤ ${s.maximum}`);
  return parts.length ? ` ${parts.join(' and ')}` : '';
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
