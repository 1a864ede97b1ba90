/**
 * Cell identity: the key of a cell is the sha256 of the canonical JSON of its config, so that
 * resume, shard and merge recognise a cell by what it computes, not by where it sits in a list.
 */
import { createHash } from 'node:crypto';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json | undefined };

/** JSON with object keys sorted at every depth and `undefined` fields dropped. */
export function canonicalJson(value: Json | undefined): string {
  if (value === undefined) throw new Error('canonicalJson: undefined has no JSON form');
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`canonicalJson: ${value} has no JSON form`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const fields = Object.keys(value)
    .filter((k) => value[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`);
  return `{${fields.join(',')}}`;
}

export function sha256Hex(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** 16 hex digits (64 bits): ample for grids of thousands of cells, short enough to read in a CSV. */
export function cellKey(config: object): string {
  return sha256Hex(canonicalJson(config as Json)).slice(0, 16);
}
