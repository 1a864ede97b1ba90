/**
 * Quality of GH and AGH against the exact optimum on base-size (6,6,10) instances:
 * `npx tsx solvers/heuristics/quality.ts [--seeds 5] [--time-limit 120] [--json] [--cache FILE]
 *  [--scenarios S1,S3] [--modes average,per-route] [--agh SPEC]`.
 *
 * `--cache FILE` keeps the exact results in a JSON file keyed by instance id and time limit (they
 * depend only on the instance), so the heuristics can be re-measured in seconds; the file is read
 * at start and rewritten after every new exact solve.
 *
 * For every scenario S1–S5 × SLO mode × seed: HiGHS (through the registry, when registered) and
 * GH / AGH, all scored by the evaluator. Gap = (heuristic − optimum) / optimum, marked `*` where
 * the exact solve did not prove optimality (then the gap is against its incumbent and may be
 * negative) and `n/a` without an exact plan. Average-mode gaps include M1's structural handicap:
 * it admits only routes that meet Δ on their own, while the MILP may mix slow and fast routes.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { generateInstance } from '../../generators/instance.ts';
import { evaluate } from '../problem/evaluator.ts';
import type { Instance, ScenarioId, SloMode } from '../problem/types.ts';
import { listSolvers, parseSolverSpec } from '../registry.ts';
import { DEFAULT_PROFILE_PATH, loadProfileBundle } from '../../traces/profile.ts';

export interface QualityRow {
  instance: string;
  scenario: ScenarioId;
  mode: SloMode;
  seed: number;
  exact_status: string;
  exact_cost_usd: number | null;
  exact_s: number | null;
  gh_cost_usd: number;
  agh_cost_usd: number;
  agh_s: number;
  /** Relative gaps, null without an exact plan. */
  gh_gap: number | null;
  agh_gap: number | null;
  proven: boolean;
}

const SCENARIOS: ScenarioId[] = ['S1', 'S2', 'S3', 'S4', 'S5'];
const MODES: SloMode[] = ['average', 'per-route'];

async function cost(inst: Instance, spec: string, extra: Record<string, number> = {}) {
  const { solver, options } = parseSolverSpec(spec, extra);
  const t0 = performance.now();
  const r = await solver.solve(inst, options);
  const secs = (performance.now() - t0) / 1000;
  return { status: r.status, cost: r.plan ? evaluate(inst, r.plan).cost_usd : null, secs };
}

type ExactResult = { status: string; cost: number | null; secs: number | null };

export interface QualityOptions {
  /** JSON file caching exact results per instance id and time limit. */
  cache?: string;
  scenarios?: ScenarioId[];
  modes?: SloMode[];
  /** AGH spec to measure, e.g. `agh:restarts=32` (default `agh`). */
  agh?: string;
}

export async function qualityRows(seeds: number, timeLimitS: number, onRow?: (r: QualityRow) => void, opts: QualityOptions = {}): Promise<QualityRow[]> {
  const profile = loadProfileBundle(DEFAULT_PROFILE_PATH);
  const haveExact = listSolvers().some((s) => s.name === 'highs');
  const cache: Record<string, ExactResult> = opts.cache && existsSync(opts.cache) ? JSON.parse(readFileSync(opts.cache, 'utf8')) : {};
  const rows: QualityRow[] = [];
  for (const scenario of opts.scenarios ?? SCENARIOS) {
    for (const mode of opts.modes ?? MODES) {
      for (let seed = 1; seed <= seeds; seed++) {
        const inst = generateInstance({ sizes: { I: 6, J: 6, K: 10 }, seed, scenario, sloMode: mode, profile, profileName: 'default' });
        const key = `${inst.meta.id}@${timeLimitS}`;
        let exact: ExactResult;
        if (cache[key]) exact = cache[key];
        else {
          exact = haveExact ? await cost(inst, 'highs', { time_limit_s: timeLimitS }) : { status: 'not registered', cost: null, secs: null };
          if (opts.cache && haveExact) {
            const onDisk = existsSync(opts.cache) ? JSON.parse(readFileSync(opts.cache, 'utf8')) : {};
            writeFileSync(opts.cache, JSON.stringify({ ...onDisk, ...cache, [key]: exact }, null, 1));
          }
          cache[key] = exact;
        }
        const g = await cost(inst, 'gh');
        const a = await cost(inst, opts.agh ?? 'agh');
        const gap = (h: number) => (exact.cost === null ? null : (h - exact.cost) / Math.max(1e-9, exact.cost));
        const row: QualityRow = {
          instance: inst.meta.id, scenario, mode, seed,
          exact_status: exact.status, exact_cost_usd: exact.cost, exact_s: exact.secs,
          gh_cost_usd: g.cost!, agh_cost_usd: a.cost!, agh_s: a.secs,
          gh_gap: gap(g.cost!), agh_gap: gap(a.cost!),
          proven: exact.status === 'optimal',
        };
        rows.push(row);
        onRow?.(row);
      }
    }
  }
  return rows;
}

const pct = (x: number | null, proven: boolean) => (x === null ? 'n/a' : `${(100 * x).toFixed(2)}%${proven ? '' : '*'}`);

export function formatRow(r: QualityRow): string {
  return [
    r.scenario, r.mode.padEnd(9), String(r.seed).padStart(2), r.exact_status.padEnd(20),
    (r.exact_cost_usd?.toFixed(2) ?? '—').padStart(10), (r.exact_s?.toFixed(1) ?? '—').padStart(6),
    r.gh_cost_usd.toFixed(2).padStart(10), pct(r.gh_gap, r.proven).padStart(10),
    r.agh_cost_usd.toFixed(2).padStart(10), pct(r.agh_gap, r.proven).padStart(9), r.agh_s.toFixed(3).padStart(6),
  ].join('  ');
}

export const HEADER = 'sc  mode       sd  exact status              exact $  exact s       GH $      GH gap      AGH $   AGH gap  AGH s';

export function summary(rows: QualityRow[]): string {
  const lines: string[] = [];
  for (const mode of [...MODES, 'all'] as const) {
    const sel = rows.filter((r) => r.proven && (mode === 'all' || r.mode === mode));
    if (!sel.length) continue;
    const stat = (k: 'gh_gap' | 'agh_gap') => {
      const v = sel.map((r) => r[k]!);
      return `max ${(100 * Math.max(...v)).toFixed(2)}%, mean ${(100 * v.reduce((a, b) => a + b, 0) / v.length).toFixed(2)}%`;
    };
    lines.push(`${mode.padEnd(9)} (${sel.length} proven): AGH gap ${stat('agh_gap')}; GH gap ${stat('gh_gap')}`);
  }
  const unproven = rows.filter((r) => !r.proven).length;
  if (unproven) lines.push(`${unproven} instance(s) without a proven optimum are left out of the summary (gaps marked *).`);
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string', default: '5' },
      'time-limit': { type: 'string', default: '120' },
      json: { type: 'boolean', default: false },
      cache: { type: 'string' },
      scenarios: { type: 'string' },
      modes: { type: 'string' },
      agh: { type: 'string', default: 'agh' },
    },
  });
  const json = values.json === true;
  if (!json) console.log(HEADER);
  const rows = await qualityRows(Number(values.seeds), Number(values['time-limit']), json ? undefined : (r) => console.log(formatRow(r)), {
    cache: values.cache,
    scenarios: values.scenarios?.split(',') as ScenarioId[] | undefined,
    modes: values.modes?.split(',') as SloMode[] | undefined,
    agh: values.agh,
  });
  console.log(json ? JSON.stringify(rows, null, 2) : `\n${summary(rows)}`);
}
