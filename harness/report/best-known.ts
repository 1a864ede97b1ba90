/**
 * The best-known solutions table, like MIPLIB's: per instance, the cheapest plan any run found
 * (its file kept beside the table, so its cost can be re-scored), the best lower bound any run
 * proved, and whether they meet. Reports compute heuristics' gaps against it: certified where the
 * entry is proven, "≤" (an upper bound on the gap) otherwise.
 *
 * `alloc-bench best-known RUN...` folds run directories into the table and keeps, per instance,
 * the cheaper plan and the higher bound.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { InputError } from '../../lib/errors.ts';
import { makeDirs, writeFileAtomic } from '../../lib/files.ts';
import { listSolvers } from '../../solvers/registry.ts';
import { PLANS_DIR } from '../sweep/cell.ts';
import { RAW_COLUMNS } from '../sweep/columns.ts';
import { readManifest } from '../sweep/manifest.ts';
import { readRawCsv, type StoredRow } from '../sweep/raw-csv.ts';
import type { KnownLookup } from './summary.ts';

/** The committed table: reports measure gaps against it. */
export const BEST_KNOWN_PATH = fileURLToPath(new URL('../../results/reference/best-known.csv', import.meta.url));

/** A gap at or below this is proven optimal: HiGHS's default relative MIP gap, the solvers' `gap`. */
export const PROVEN_GAP = 1e-4;

export interface BestKnown {
  instance_id: string;
  size_i: number;
  size_j: number;
  size_k: number;
  seed: number;
  scenario: string;
  slo_mode: string;
  demand_scale: number;
  profile_sha256: string;
  best_cost_usd: number;
  best_bound_usd: number;
  gap: number;
  proven: boolean;
  cost_solver: string;
  cost_commit: string;
  bound_solver: string;
  bound_commit: string;
  /** The plan's file, relative to the table. */
  plan: string;
}

const COLUMNS: (keyof BestKnown)[] = [
  'instance_id', 'size_i', 'size_j', 'size_k', 'seed', 'scenario', 'slo_mode', 'demand_scale', 'profile_sha256',
  'best_cost_usd', 'best_bound_usd', 'gap', 'proven', 'cost_solver', 'cost_commit', 'bound_solver', 'bound_commit', 'plan',
];
const NUMERIC = new Set<keyof BestKnown>(['size_i', 'size_j', 'size_k', 'seed', 'demand_scale', 'best_cost_usd', 'best_bound_usd', 'gap']);

/** Entries are per instance and profile: the id names the generator flags, not the profile. */
export const keyOf = (e: Pick<BestKnown, 'instance_id' | 'profile_sha256'>) => `${e.instance_id}@${e.profile_sha256}`;

export function readBestKnown(path: string): Map<string, BestKnown> {
  const table = new Map<string, BestKnown>();
  if (!existsSync(path)) return table;
  const records = parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  records.forEach((r, n) => {
    const missing = COLUMNS.filter((c) => !(c in r));
    if (missing.length) throw new InputError(`${path}: row ${n + 2} lacks ${missing.join(', ')}; expected the columns ${COLUMNS.join(', ')}`);
    const e = Object.fromEntries(COLUMNS.map((c) => [c, NUMERIC.has(c) ? Number(r[c]) : c === 'proven' ? r[c] === 'true' : r[c]])) as unknown as BestKnown;
    const bad = COLUMNS.filter((c) => NUMERIC.has(c) && !Number.isFinite(e[c] as number));
    if (bad.length) throw new InputError(`${path}: row ${n + 2}: ${bad.join(', ')} must be finite numbers`);
    table.set(keyOf(e), e);
  });
  return table;
}

export function writeBestKnown(path: string, table: Map<string, BestKnown>): void {
  const rows = [...table.values()].sort((a, b) =>
    a.size_i - b.size_i || a.size_j - b.size_j || a.size_k - b.size_k || a.seed - b.seed || a.instance_id.localeCompare(b.instance_id));
  writeFileAtomic(path, stringify(rows.map((e) => COLUMNS.map((c) => String(e[c]))), { header: true, columns: COLUMNS }));
}

/** The table's entries for a run's profile, as the summary's gap references. */
export function knownLookup(profileSha256: string, path = BEST_KNOWN_PATH): KnownLookup {
  const table = readBestKnown(path);
  const relaxation = (label: string) => listSolvers().find((s) => s.name === label.split(':')[0])?.kind === 'heuristic';
  return (instance_id) => {
    const e = table.get(keyOf({ instance_id, profile_sha256: profileSha256 }));
    return e && { best_cost_usd: e.best_cost_usd, proven: e.proven, best_bound_usd: e.best_bound_usd, bound_relaxation: relaxation(e.bound_solver) };
  };
}

const gapOf = (cost: number, bound: number) => Math.max(0, (cost - bound) / Math.max(Math.abs(cost), 1e-10));

interface Candidate {
  entry: Omit<BestKnown, 'plan'>;
  /** Plan file of the cheapest row, if any row had a plan. */
  planFile?: string;
}

/** What one run knows per instance: its cheapest feasible plan with a file, and its best bound. */
export function runCandidates(dir: string): Candidate[] {
  const manifest = readManifest(dir);
  if (manifest.config.kind !== 'solve') return [];
  const commit = manifest.environment.git_commit ?? 'unknown';
  const { rows } = readRawCsv(join(dir, 'raw.csv'), RAW_COLUMNS.solve);
  const byInstance = new Map<string, StoredRow[]>();
  for (const r of rows) {
    const list = byInstance.get(r.instance_id);
    if (list) list.push(r);
    else byInstance.set(r.instance_id, [r]);
  }
  const out: Candidate[] = [];
  for (const [instance_id, list] of byInstance) {
    const first = list[0];
    const nominal = (r: StoredRow) => r.headroom === '' || Number(r.headroom) === 0;
    // A bound is one of the instance it was computed on: rows planned with headroom solved another.
    const bounds = list.filter((r) => nominal(r) && r.status !== 'error' && r.bound_usd !== '' && Number.isFinite(Number(r.bound_usd)));
    const plans = list.filter((r) => r.feasible === 'true' && existsSync(join(dir, PLANS_DIR, `${r.cell_key}.json`)));
    const bound = bounds.reduce<StoredRow | undefined>((b, r) => (!b || Number(r.bound_usd) > Number(b.bound_usd) ? r : b), undefined);
    const cheapest = plans.reduce<StoredRow | undefined>((b, r) => (!b || Number(r.cost_usd) < Number(b.cost_usd) ? r : b), undefined);
    if (!bound && !cheapest) continue;
    const cost = cheapest ? Number(cheapest.cost_usd) : Infinity;
    const lower = bound ? Number(bound.bound_usd) : -Infinity;
    out.push({
      entry: {
        instance_id,
        size_i: Number(first.size_i), size_j: Number(first.size_j), size_k: Number(first.size_k), seed: Number(first.seed),
        scenario: first.scenario, slo_mode: first.slo_mode, demand_scale: manifest.config.demand_scale, profile_sha256: manifest.config.profile_sha256,
        best_cost_usd: cost, best_bound_usd: lower, gap: gapOf(cost, lower), proven: gapOf(cost, lower) <= PROVEN_GAP,
        cost_solver: cheapest?.solver_label ?? '', cost_commit: cheapest ? commit : '',
        bound_solver: bound?.solver_label ?? '', bound_commit: bound ? commit : '',
      },
      ...(cheapest ? { planFile: join(dir, PLANS_DIR, `${cheapest.cell_key}.json`) } : {}),
    });
  }
  return out;
}

/**
 * Folds the runs into the table at `tablePath`, keeping per instance the cheaper plan (copied next
 * to the table) and the higher bound; returns how many entries changed.
 */
export function updateBestKnown(tablePath: string, runDirs: string[]): { changed: number; entries: number } {
  const table = readBestKnown(tablePath);
  const planDir = join(dirname(tablePath), 'best-known');
  let changed = 0;
  for (const dir of runDirs) {
    for (const { entry, planFile } of runCandidates(dir)) {
      const old = table.get(keyOf(entry));
      const next: BestKnown = old ? { ...old } : { ...entry, best_cost_usd: Infinity, best_bound_usd: -Infinity, cost_solver: '', cost_commit: '', bound_solver: '', bound_commit: '', plan: '' };
      let moved = false;
      if (planFile && entry.best_cost_usd < next.best_cost_usd) {
        makeDirs(planDir);
        const target = join(planDir, `${entry.instance_id}-${entry.profile_sha256.slice(0, 12)}.json`);
        writeFileAtomic(target, readFileSync(planFile));
        Object.assign(next, { best_cost_usd: entry.best_cost_usd, cost_solver: entry.cost_solver, cost_commit: entry.cost_commit, plan: relative(dirname(tablePath), target) });
        moved = true;
      }
      if (entry.best_bound_usd > next.best_bound_usd) {
        Object.assign(next, { best_bound_usd: entry.best_bound_usd, bound_solver: entry.bound_solver, bound_commit: entry.bound_commit });
        moved = true;
      }
      if (!moved) continue;
      // A bound above a feasible plan's cost is a wrong bound or a wrong cost: never file it.
      if (next.best_bound_usd > next.best_cost_usd * (1 + 1e-6) + 1e-6) {
        throw new InputError(`best-known: ${entry.instance_id}: bound $${next.best_bound_usd} (${next.bound_solver}) is above the plan cost $${next.best_cost_usd} (${next.cost_solver}); one of the runs is wrong`);
      }
      next.gap = gapOf(next.best_cost_usd, next.best_bound_usd);
      next.proven = next.gap <= PROVEN_GAP;
      table.set(keyOf(next), next);
      changed++;
    }
  }
  // An instance with a bound but no plan yet has no entry to cite.
  for (const [k, e] of table) if (!Number.isFinite(e.best_cost_usd)) table.delete(k);
  writeBestKnown(tablePath, table);
  return { changed, entries: table.size };
}
