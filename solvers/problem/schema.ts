/**
 * JSON schemas of the instance and the plan, and the loaders that enforce them. A file that
 * breaks the schema is rejected with the file name, the field path and what was expected.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../../lib/errors.ts';
import { parseJson } from '../../lib/json.ts';
import { firstSchemaError, type Schema } from './json-schema.ts';
import type { Instance, Plan } from './types.ts';

// Numbers are non-negative unless a field says otherwise (an exclusive minimum replaces the default).
// Physical quantities also have a plausible maximum, orders of magnitude above anything real or
// generated (docs/model.md, "Plausible ranges"), so that a typo such as a rate of 1e308 is refused
// instead of giving costs of $Infinity reported as feasible and LP files glpsol rejects.
const HOURS_PER_YEAR = 8784;
/** Most types, models or tiers of an instance: 10× what the generator builds (generators/sizes.ts). */
const MAX_LIST = 10_000;
const num = (description: string, extra: Partial<Schema> = {}): Schema =>
  'exclusiveMinimum' in extra ? { type: 'number', description, ...extra } : { type: 'number', description, minimum: 0, ...extra };
const int = (description: string, extra: Partial<Schema> = {}): Schema => ({ type: 'integer', description, minimum: 0, ...extra });
const str: Schema = { type: 'string', minLength: 1 };
const obj = (properties: Record<string, Schema>, description?: string): Schema => ({
  type: 'object',
  description,
  properties,
  required: Object.keys(properties),
  additionalProperties: false,
});
const list = (items: Schema, minItems = 0): Schema => ({ type: 'array', items, minItems });

export const INSTANCE_SCHEMA: Schema = obj({
  schema: { type: 'string', const: 'llm-alloc-bench/instance@1' },
  meta: obj({
    id: str,
    seed: int('instance seed'),
    sizes: obj({ I: int('query types', { minimum: 1, maximum: MAX_LIST }), J: int('models', { minimum: 1, maximum: MAX_LIST }), K: int('tiers', { minimum: 1, maximum: MAX_LIST }) }),
    scenario: { type: 'string', enum: ['S1', 'S2', 'S3', 'S4', 'S5'] },
    demand_scale: num('multiplier of trace rates', { exclusiveMinimum: 0, maximum: 1e6 }),
    budget_factor: num('δ / (ΔT·B_ref)', { maximum: 1e6 }),
    profile: str,
    generator: str,
    reference_cost_usd_per_h: num('B_ref', { maximum: 1e12 }),
    fluid_rental_usd_per_h: num('B_fluid', { maximum: 1e12 }),
    unservable_types: list(str),
  }),
  constants: obj({
    eta_pre: num('prefill efficiency', { exclusiveMinimum: 0, maximum: 1 }),
    eta_bw: num('bandwidth efficiency', { exclusiveMinimum: 0, maximum: 1 }),
    tp_allreduce_s: num('TP all-reduce s per layer', { maximum: 10 }),
    pp_hop_s: num('PP hop s', { maximum: 10 }),
    u_mfu: num('sustained utilisation', { exclusiveMinimum: 0, maximum: 1 }),
    r_mem: num('memory reserve', { maximum: 0.99 }),
    tau_ret_h: num('token retention hours', { maximum: HOURS_PER_YEAR }),
  }),
  parallelism: obj({
    tp_degrees: list(int('TP degree', { minimum: 1, maximum: 1024 }), 1),
    pp_depths: list(int('PP depth', { minimum: 1, maximum: 1024 }), 1),
  }),
  system: obj({
    slo_mode: { type: 'string', enum: ['average', 'per-route'] },
    horizon_h: num('ΔT', { exclusiveMinimum: 0, maximum: HOURS_PER_YEAR }),
    budget_usd: num('δ', { maximum: 1e12 }),
    storage_capacity_gb: num('S', { maximum: 1e9 }),
    storage_price_usd_per_gb_h: num('p_s', { maximum: 1e3 }),
  }),
  types: list(
    obj({
      name: str,
      input_tokens: int('h', { maximum: 1e7 }),
      output_tokens: int('f', { maximum: 1e7 }),
      rate_per_h: num('λ', { maximum: 1e9 }),
      delay_slo_s: num('Δ', { exclusiveMinimum: 0, maximum: 1e6 }),
      error_slo: num('ε', { exclusiveMinimum: 0, maximum: 1 }),
      base_error: num('e0', { maximum: 1 }),
      delay_penalty_usd_per_req_s: num('ρ', { maximum: 1e3 }),
      unmet_penalty_usd_per_req: num('φ', { maximum: 1e6 }),
      storage_gb_per_token: num('θ', { maximum: 1 }),
    }),
    1,
  ),
  models: list(
    obj({
      name: str,
      params_b: num('P', { exclusiveMinimum: 0, maximum: 1e5 }),
      layers: int('L', { minimum: 1, maximum: 1e4 }),
      kv_bytes_per_token: num('β', { maximum: 1e9 }),
      capability: num('q', { exclusiveMinimum: 0, maximum: 1e6 }),
    }),
    1,
  ),
  gpus: list(
    obj({
      name: str,
      memory_gb: num('C', { exclusiveMinimum: 0, maximum: 1e5 }),
      bandwidth_gb_s: num('W', { exclusiveMinimum: 0, maximum: 1e6 }),
      price_usd_per_gpu_h: num('p', { maximum: 1e4 }),
      pool_gpus: int('A', { maximum: 1e6 }),
    }),
    1,
  ),
  tiers: list(
    obj({
      name: str,
      gpu: int('index into gpus'),
      precision: { type: 'string', enum: ['FP16', 'INT8', 'INT4'] },
      tflops: num('F', { exclusiveMinimum: 0, maximum: 1e6 }),
      bytes_per_param: num('b', { exclusiveMinimum: 0, maximum: 16 }),
      error_factor: num('π', { exclusiveMinimum: 0, maximum: 100 }),
    }),
    1,
  ),
});

const configKey = { j: int('model index'), k: int('tier index'), n: int('TP degree', { minimum: 1 }), m: int('PP depth', { minimum: 1 }) };

export const PLAN_SCHEMA: Schema = obj({
  schema: { type: 'string', const: 'llm-alloc-bench/plan@1' },
  instance_id: str,
  solver: str,
  stored_models: list(int('model index')),
  deployments: list(obj({ ...configKey, replicas: int('replicas r_c', { maximum: 1e6 }) })),
  routes: list(obj({ i: int('type index'), ...configKey, share: num('x_ic', { maximum: 1 }) })),
  unmet: list(num('u_i', { maximum: 1 })),
});

/** Checks an instance object; `source` names the file in messages. */
export function parseInstance(value: unknown, source = 'instance'): Instance {
  const fail = (msg: string) => {
    throw new InputError(`${source}: ${msg}`);
  };
  const e = firstSchemaError(value, INSTANCE_SCHEMA);
  if (e) fail(e);
  const inst = value as Instance;
  const { I, J, K } = inst.meta.sizes;
  if (inst.types.length !== I) fail(`meta.sizes.I: is ${I} but types has ${inst.types.length} entries`);
  if (inst.models.length !== J) fail(`meta.sizes.J: is ${J} but models has ${inst.models.length} entries`);
  if (inst.tiers.length !== K) fail(`meta.sizes.K: is ${K} but tiers has ${inst.tiers.length} entries`);
  inst.tiers.forEach((t, k) => {
    if (t.gpu >= inst.gpus.length) fail(`tiers[${k}].gpu: expected an index below ${inst.gpus.length}, got ${t.gpu}`);
  });
  for (const [field, items] of [['types', inst.types], ['models', inst.models], ['gpus', inst.gpus], ['tiers', inst.tiers]] as const) {
    const seen = new Set<string>();
    items.forEach((it, n) => {
      if (seen.has(it.name)) fail(`${field}[${n}].name: duplicate name ${JSON.stringify(it.name)}`);
      seen.add(it.name);
    });
  }
  return inst;
}

/** Checks a plan object against the schema and against the instance's index ranges. */
export function parsePlan(value: unknown, inst: Instance, source = 'plan'): Plan {
  const fail = (msg: string) => {
    throw new InputError(`${source}: ${msg}`);
  };
  const e = firstSchemaError(value, PLAN_SCHEMA);
  if (e) fail(e);
  const plan = value as Plan;
  const I = inst.types.length;
  const J = inst.models.length;
  const K = inst.tiers.length;
  const { tp_degrees, pp_depths } = inst.parallelism;
  if (plan.unmet.length !== I) fail(`unmet: expected ${I} entries (one per type), got ${plan.unmet.length}`);
  plan.stored_models.forEach((j, n) => {
    if (j >= J) fail(`stored_models[${n}]: expected a model index below ${J}, got ${j}`);
  });
  const checkKey = (field: string, c: { j: number; k: number; n: number; m: number }) => {
    if (c.j >= J) fail(`${field}.j: expected a model index below ${J}, got ${c.j}`);
    if (c.k >= K) fail(`${field}.k: expected a tier index below ${K}, got ${c.k}`);
    if (!tp_degrees.includes(c.n)) fail(`${field}.n: expected a TP degree in [${tp_degrees}], got ${c.n}`);
    if (!pp_depths.includes(c.m)) fail(`${field}.m: expected a PP depth in [${pp_depths}], got ${c.m}`);
  };
  plan.deployments.forEach((d, n) => checkKey(`deployments[${n}]`, d));
  plan.routes.forEach((r, n) => {
    if (r.i >= I) fail(`routes[${n}].i: expected a type index below ${I}, got ${r.i}`);
    checkKey(`routes[${n}]`, r);
  });
  return plan;
}

export function loadInstance(path: string): Instance {
  return parseInstance(expectKind(readJson(path), path, 'instance'), path);
}

export function loadPlan(path: string, inst: Instance): Plan {
  return parsePlan(expectKind(readJson(path), path, 'plan'), inst, path);
}

const KINDS = { instance: 'llm-alloc-bench/instance@1', plan: 'llm-alloc-bench/plan@1' } as const;

/** A plan given where an instance is expected (or the reverse) — swapped arguments — is named as such. */
function expectKind(json: unknown, path: string, want: keyof typeof KINDS): unknown {
  const schema = typeof json === 'object' && json !== null ? (json as { schema?: unknown }).schema : undefined;
  const other = want === 'instance' ? 'plan' : 'instance';
  if (schema === KINDS[other]) {
    throw new InputError(`${path}: this looks like ${other === 'instance' ? 'an instance' : 'a plan'}, not ${want === 'instance' ? 'an instance' : 'a plan'} (schema ${KINDS[other]}); are the arguments swapped?`);
  }
  return json;
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError(`${path}: cannot read file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return parseJson(text, path);
}
