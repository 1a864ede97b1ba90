/**
 * Quality of the heuristics (default `gh`, `agh`, `agh-lns`) against the exact optimum (HiGHS
 * through the registry), every plan scored by the evaluator. Options: `npx tsx bench/quality.ts
 * --help` (USAGE below).
 *
 * `--seeds` takes a range `a-b`, a list `1,4,7` or a count `n` (= 1-n). `--sizes` takes one or
 * more `I,J,K`. `--cache FILE` keeps the exact results in a JSON object mapping
 * `"<instance id>@<time limit s>"` to `{ status, cost, secs, instance_sha256 }`, with
 * instance_sha256 the sha256 hex of `JSON.stringify(instance)`; an entry whose hash differs from
 * the instance's (the generator changed) is ignored and recomputed. The file is read at start and
 * rewritten after every new exact solve. `--exact SPEC` names the exact solver (default `highs`;
 * `highs:reduce` from (12,12,12) up); a spec other than `highs` is part of the cache key. Each
 * entry also keeps the exact plan, so that a miss can be classified by what binds in the optimum
 * (bench/binding.ts). `--table` prints the breakdown per size × scenario × mode.
 *
 * Gap = (heuristic − optimum) / optimum, marked `*` where the exact solve did not prove
 * optimality (then it is against the incumbent and may be negative) and `n/a` without an exact
 * plan; summaries use proven optima only. Average-mode gaps include M1's structural handicap: it
 * admits only routes that meet Δ on their own, while the MILP may mix slow and fast routes.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { generateInstance, type Sizes } from '../generators/instance.ts';
import { evaluate } from '../solvers/problem/evaluator.ts';
import { InputError } from '../lib/errors.ts';
import type { Instance, ScenarioId, SloMode } from '../solvers/problem/types.ts';
import { listSolvers, parseSolverSpec, splitSolverList } from '../solvers/registry.ts';
import { DEFAULT_PROFILE_PATH, loadProfileBundle } from '../traces/profile.ts';
import { bindings, type Binding } from './binding.ts';
import type { Plan } from '../solvers/problem/types.ts';

export interface HeuristicResult {
  solver: string;
  cost_usd: number;
  /** Relative gap to the exact cost, null without an exact plan. */
  gap: number | null;
  /** Share of all requests left unmet (evaluator). */
  unmet_rate: number;
  secs: number;
  time_cap_hit: boolean;
}

export interface QualityRow {
  instance: string;
  sizes: Sizes;
  scenario: ScenarioId;
  mode: SloMode;
  seed: number;
  exact_status: string;
  exact_cost_usd: number | null;
  exact_s: number | null;
  exact_unmet_rate: number | null;
  proven: boolean;
  /** What binds in the exact plan (null without one). */
  exact_binds: Binding[] | null;
  heuristics: HeuristicResult[];
}

export interface ExactResult {
  status: string;
  cost: number | null;
  secs: number | null;
  instance_sha256: string;
  plan?: Plan;
}

export interface QualityOptions {
  seeds: number[];
  sizes: Sizes[];
  scenarios: ScenarioId[];
  modes: SloMode[];
  /** Solver specs to measure against the optimum. */
  solvers: string[];
  timeLimitS: number;
  /** Exact solver spec for the optima. */
  exact: string;
  /** JSON file caching exact results (format above). */
  cache?: string;
}

export const DEFAULTS: QualityOptions = {
  seeds: [1, 2, 3, 4, 5],
  sizes: [{ I: 6, J: 6, K: 10 }],
  scenarios: ['S1', 'S2', 'S3', 'S4', 'S5'],
  modes: ['average', 'per-route'],
  solvers: ['gh', 'agh', 'agh-lns'],
  timeLimitS: 120,
  exact: 'highs',
};

export const instanceSha256 = (inst: Instance): string => createHash('sha256').update(JSON.stringify(inst)).digest('hex');

async function run(inst: Instance, spec: string, extra: Record<string, number> = {}) {
  const { solver, options } = parseSolverSpec(spec, extra);
  const t0 = performance.now();
  const r = await solver.solve(inst, options);
  const secs = (performance.now() - t0) / 1000;
  const ev = r.plan ? evaluate(inst, r.plan) : null;
  return { status: r.status, plan: r.plan, ev, secs, capHit: r.diagnostics?.time_cap_hit === true };
}

function readCache(path: string | undefined): Record<string, ExactResult> {
  return path && existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : {};
}

/** The exact result for an instance: from the cache when its hash matches, else solved (and cached). */
async function exactResult(inst: Instance, opts: QualityOptions, cache: Record<string, ExactResult>): Promise<ExactResult & { unmet: number | null }> {
  const key = opts.exact === 'highs' ? `${inst.meta.id}@${opts.timeLimitS}` : `${inst.meta.id}@${opts.exact}@${opts.timeLimitS}`;
  const sha = instanceSha256(inst);
  const hit = cache[key];
  if (hit && hit.instance_sha256 === sha) return { ...hit, unmet: hit.plan ? evaluate(inst, hit.plan).unmet_rate : null };
  if (!listSolvers().some((s) => s.name === opts.exact.split(':')[0])) return { status: 'not registered', cost: null, secs: null, instance_sha256: sha, unmet: null };
  const r = await run(inst, opts.exact, { time_limit_s: opts.timeLimitS });
  const exact: ExactResult = { status: r.status, cost: r.ev?.cost_usd ?? null, secs: r.secs, instance_sha256: sha, ...(r.plan ? { plan: r.plan } : {}) };
  cache[key] = exact;
  if (opts.cache) writeFileSync(opts.cache, JSON.stringify({ ...readCache(opts.cache), [key]: exact }, null, 1));
  return { ...exact, unmet: r.ev?.unmet_rate ?? null };
}

export async function qualityRows(opts: QualityOptions, onRow?: (r: QualityRow) => void): Promise<QualityRow[]> {
  const profile = loadProfileBundle(DEFAULT_PROFILE_PATH);
  const cache = readCache(opts.cache);
  const rows: QualityRow[] = [];
  for (const sizes of opts.sizes) {
    for (const scenario of opts.scenarios) {
      for (const mode of opts.modes) {
        for (const seed of opts.seeds) {
          const inst = generateInstance({ sizes, seed, scenario, sloMode: mode, profile, profileName: 'default' });
          const exact = await exactResult(inst, opts, cache);
          const heuristics: HeuristicResult[] = [];
          for (const spec of opts.solvers) {
            const h = await run(inst, spec);
            const cost = h.ev!.cost_usd;
            heuristics.push({
              solver: spec, cost_usd: cost, gap: exact.cost === null ? null : (cost - exact.cost) / Math.max(1e-9, exact.cost),
              unmet_rate: h.ev!.unmet_rate, secs: h.secs, time_cap_hit: h.capHit,
            });
          }
          const row: QualityRow = {
            instance: inst.meta.id, sizes, scenario, mode, seed,
            exact_status: exact.status, exact_cost_usd: exact.cost, exact_s: exact.secs, exact_unmet_rate: exact.unmet,
            proven: exact.status === 'optimal', exact_binds: exact.plan ? bindings(inst, exact.plan) : null, heuristics,
          };
          rows.push(row);
          onRow?.(row);
        }
      }
    }
  }
  return rows;
}

const pct = (x: number | null, proven = true) => (x === null ? 'n/a' : `${(100 * x).toFixed(2)}%${proven ? '' : '*'}`);

export function header(solvers: string[]): string {
  return ['size', 'sc', 'mode     ', 'sd', 'exact status        ', '   exact $', 'exact s', ...solvers.map((s) => `${`${s} $`.padStart(10)}  ${'gap'.padStart(9)}  ${'unmet'.padStart(6)}  ${'s'.padStart(6)}`)].join('  ');
}

export function formatRow(r: QualityRow): string {
  return [
    `${r.sizes.I},${r.sizes.J},${r.sizes.K}`, r.scenario, r.mode.padEnd(9), String(r.seed).padStart(2), r.exact_status.padEnd(20),
    (r.exact_cost_usd?.toFixed(2) ?? '—').padStart(10), (r.exact_s?.toFixed(1) ?? '—').padStart(7),
    ...r.heuristics.map((h) => `${h.cost_usd.toFixed(2).padStart(10)}  ${pct(h.gap, r.proven).padStart(9)}  ${pct(h.unmet_rate).padStart(6)}  ${`${h.secs.toFixed(2)}${h.time_cap_hit ? '!' : ''}`.padStart(6)}`),
  ].join('  ');
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Per size (and over all sizes when there are several) and solver: instances within 1% / 5% of a
 * proven optimum, mean and max gap, mean demand left unmet, median and max solve time, runs that
 * hit the time cap.
 */
export function summary(rows: QualityRow[]): string {
  const lines: string[] = [];
  const sizeKey = (r: QualityRow) => `(${r.sizes.I},${r.sizes.J},${r.sizes.K})`;
  const groups = [...new Set(rows.map(sizeKey))];
  for (const g of groups.length > 1 ? [...groups, 'all'] : groups) {
    const sel = rows.filter((r) => g === 'all' || sizeKey(r) === g);
    const proven = sel.filter((r) => r.proven);
    const exactUnmet = proven.map((r) => r.exact_unmet_rate).filter((x): x is number => x !== null);
    lines.push(`${g}: ${sel.length} instances, ${proven.length} with a proven optimum` +
      (exactUnmet.length === proven.length && proven.length ? `; optimum leaves ${pct(exactUnmet.reduce((a, b) => a + b, 0) / exactUnmet.length)} unmet on average` : ''));
    for (const name of sel[0]?.heuristics.map((h) => h.solver) ?? []) {
      const hs = sel.map((r) => r.heuristics.find((h) => h.solver === name)!);
      const gaps = proven.map((r) => r.heuristics.find((h) => h.solver === name)!.gap!);
      const within = (x: number) => gaps.filter((v) => v <= x + 1e-12).length;
      const secs = hs.map((h) => h.secs);
      lines.push(`  ${name.padEnd(10)} within 1%: ${within(0.01)}/${gaps.length}, within 2%: ${within(0.02)}/${gaps.length}, within 5%: ${within(0.05)}/${gaps.length}, ` +
        (gaps.length ? `gap mean ${pct(gaps.reduce((a, b) => a + b, 0) / gaps.length)} max ${pct(Math.max(...gaps))}, ` : '') +
        `unmet mean ${pct(hs.reduce((a, h) => a + h.unmet_rate, 0) / hs.length)} max ${pct(Math.max(...hs.map((h) => h.unmet_rate)))}, ` +
        `time median ${median(secs).toFixed(2)} s max ${Math.max(...secs).toFixed(2)} s, time cap hit ${hs.filter((h) => h.time_cap_hit).length}/${hs.length}`);
    }
  }
  const unproven = rows.filter((r) => !r.proven).length;
  if (unproven) lines.push(`${unproven} instance(s) without a proven optimum are left out of the gap figures (gaps marked *).`);
  return lines.join('\n');
}

/**
 * Markdown table for one solver: per size × scenario × mode, instances with a proven optimum,
 * within 1% / 2% / 5%, mean and max gap, median and max seconds; then every miss above `missAt`
 * with what binds in the optimum.
 */
export function breakdown(rows: QualityRow[], solver: string, missAt = 0.02): string {
  const out = ['| size | scenario | mode | proven | within 1% | within 2% | within 5% | mean gap | max gap | median s | max s |', '|---|---|---|---|---|---|---|---|---|---|---|'];
  const groups = new Map<string, QualityRow[]>();
  for (const r of rows) {
    const key = `(${r.sizes.I},${r.sizes.J},${r.sizes.K}) | ${r.scenario} | ${r.mode}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const misses: string[] = [];
  for (const [key, sel] of groups) {
    const hs = sel.map((r) => r.heuristics.find((h) => h.solver === solver)!);
    const gaps = sel.filter((r) => r.proven).map((r) => r.heuristics.find((h) => h.solver === solver)!.gap!);
    const within = (x: number) => gaps.filter((v) => v <= x + 1e-12).length;
    const secs = hs.map((h) => h.secs);
    out.push(`| ${key} | ${gaps.length}/${sel.length} | ${within(0.01)} | ${within(0.02)} | ${within(0.05)} | ${gaps.length ? pct(gaps.reduce((a, b) => a + b, 0) / gaps.length) : 'n/a'} | ${gaps.length ? pct(Math.max(...gaps)) : 'n/a'} | ${median(secs).toFixed(2)} | ${Math.max(...secs).toFixed(2)} |`);
    for (const r of sel) {
      const h = r.heuristics.find((x) => x.solver === solver)!;
      if (h.gap !== null && h.gap > missAt) misses.push(`- ${key.replaceAll(' | ', ' ')} seed ${r.seed}: ${pct(h.gap, r.proven)} (unmet ${pct(h.unmet_rate)} vs ${pct(r.exact_unmet_rate)}; binds in the optimum: ${r.exact_binds?.join(', ') || (r.exact_binds ? 'nothing' : 'n/a')})`);
    }
  }
  return [...out, '', misses.length ? `Above ${pct(missAt)}:` : `None above ${pct(missAt)}.`, ...misses].join('\n');
}

/** `1-20`, `1,4,7` or a count `5` (= 1-5). */
export function parseSeeds(text: string): number[] {
  const range = /^(\d+)-(\d+)$/.exec(text);
  if (range) {
    const [a, b] = [Number(range[1]), Number(range[2])];
    if (b < a) throw new InputError(`--seeds ${text}: the range is empty`);
    return Array.from({ length: b - a + 1 }, (_, n) => a + n);
  }
  if (/^\d+$/.test(text)) return Array.from({ length: Number(text) }, (_, n) => n + 1);
  if (/^\d+(,\d+)+$/.test(text)) return text.split(',').map(Number);
  throw new InputError(`--seeds ${text}: expected a range a-b, a list a,b,c or a count n`);
}

export function parseSizes(items: string[]): Sizes[] {
  return items.map((s) => {
    const m = /^(\d+),(\d+),(\d+)$/.exec(s);
    if (!m) throw new InputError(`--sizes ${s}: expected I,J,K`);
    return { I: Number(m[1]), J: Number(m[2]), K: Number(m[3]) };
  });
}

/** Printed by `--help` and after a bad option. */
const USAGE = `Usage: npx tsx bench/quality.ts [options]

Heuristics against the exact optimum, every plan scored by the evaluator.

  --seeds a-b | a,b,c | n   seeds (default 5 = 1-5)
  --sizes I,J,K [I,J,K ...] sizes (default 6,6,10)
  --scenarios S1,S3         scenarios (default S1-S5)
  --modes average,per-route SLO modes (default both)
  --solvers gh,agh,agh-lns  heuristic specs (default gh,agh,agh-lns)
  --time-limit S            exact solve cap in seconds (default ${DEFAULTS.timeLimitS})
  --exact SPEC              exact solver (default ${DEFAULTS.exact}; highs:reduce from (12,12,12) up)
  --cache FILE              JSON cache of exact results, keyed by instance id and time limit
  --table                   breakdown per size x scenario x mode
  --json                    rows as JSON on stdout (each row's line still on stderr)
  -h, --help                this text`;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // `--sizes 6,6,10 8,8,10`: the sizes after the first come as positionals.
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h', default: false },
        seeds: { type: 'string', default: '5' },
        sizes: { type: 'string', multiple: true },
        'time-limit': { type: 'string', default: String(DEFAULTS.timeLimitS) },
        json: { type: 'boolean', default: false },
        table: { type: 'boolean', default: false },
        exact: { type: 'string', default: DEFAULTS.exact },
        cache: { type: 'string' },
        scenarios: { type: 'string' },
        modes: { type: 'string' },
        solvers: { type: 'string' },
      },
    });
  } catch (err) {
    // node:util's message names the unknown or malformed option.
    console.error(`quality: ${(err as Error).message.split('. ')[0]}\n\n${USAGE}`);
    process.exit(2);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  try {
    const opts: QualityOptions = {
      seeds: parseSeeds(values.seeds!),
      sizes: values.sizes ? parseSizes([...values.sizes, ...positionals]) : DEFAULTS.sizes,
      scenarios: (values.scenarios?.split(',') as ScenarioId[] | undefined) ?? DEFAULTS.scenarios,
      modes: (values.modes?.split(',') as SloMode[] | undefined) ?? DEFAULTS.modes,
      solvers: values.solvers ? splitSolverList(values.solvers) : DEFAULTS.solvers,
      timeLimitS: Number(values['time-limit']),
      exact: values.exact!,
      cache: values.cache,
    };
    const json = values.json === true;
    opts.solvers.forEach((s) => parseSolverSpec(s));
    // With --json stdout is the JSON alone; the row lines go to stderr, as progress.
    const say = json ? console.error : console.log;
    say(header(opts.solvers));
    const rows = await qualityRows(opts, (r) => say(formatRow(r)));
    console.log(json ? JSON.stringify(rows, null, 2) : `\n${summary(rows)}`);
    if (values.table) for (const spec of opts.solvers) console.log(`\n${spec}\n${breakdown(rows, spec)}`);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    console.error(`quality: ${err.message}`);
    process.exitCode = 2;
  }
}
