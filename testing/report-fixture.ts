/**
 * Test fixture: small synthetic run directories (manifest.json + raw.csv with the contract's
 * columns), so the summary, chart and report tests do not depend on a real sweep.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RAW_COLUMNS, type CellKind } from '../harness/sweep/columns.ts';
import type { SweepConfig } from '../harness/sweep/grid.ts';
import { MANIFEST_SCHEMA, writeManifest, type Manifest } from '../harness/sweep/manifest.ts';
import { encodeRow, writeRawCsv, type RawRow } from '../harness/sweep/raw-csv.ts';

const size = (i: number, j: number, k: number) => ({ size_i: i, size_j: j, size_k: k });

/** Defaults for every row of a solve cell; the cell key follows from the instance and the solver. */
export function solveRow(over: RawRow): RawRow {
  const row: RawRow = {
    experiment: 'e1', ...size(6, 6, 10), seed: 1, scenario: 'S1', slo_mode: 'average',
    instance_id: `I${over.size_i ?? 6}-seed${over.seed ?? 1}-${over.scenario ?? 'S1'}`,
    status: 'completed', solver_kind: 'heuristic', headroom: 0, has_plan: true, feasible: true, violated_families: '', violation_count: 0,
    rental_usd: 10, model_storage_usd: 1, token_storage_usd: 0.5, delay_penalty_usd: 2, unmet_penalty_usd: 0, gpus_total: 4, unmet_rate: 0,
    ...over,
  };
  return { cell_key: `${row.instance_id}|${row.solver_label}|${row.headroom}`, ...row };
}

export function rollingRow(over: RawRow): RawRow {
  const row: RawRow = {
    experiment: 'e5', ...size(6, 6, 10), seed: 1, scenario: 'S1', slo_mode: 'average', instance_id: 'I6-seed1-S1',
    status: 'completed', slots: 288, solver_calls: 288, unmet_rate: 0,
    rental_usd: 100, model_storage_usd: 5, token_storage_usd: 1, delay_penalty_usd: 10, unmet_penalty_usd: 0,
    ...over,
  };
  return { cell_key: `${row.instance_id}|${row.sigma}|${row.path}|${row.policy}`, ...row };
}

/** E1: two sizes × two seeds; GLPK proves both optima at the small size and times out at the large one. */
export function e1Rows(): RawRow[] {
  const rows: RawRow[] = [];
  const cells: [number, number, Record<string, RawRow>][] = [
    [6, 1, { glpk: { status: 'optimal', solve_time_s: 2, cost_usd: 100, bound_usd: 100 }, gh: { solve_time_s: 0.1, cost_usd: 110 }, agh: { solve_time_s: 0.5, cost_usd: 102 } }],
    [6, 2, { glpk: { status: 'optimal', solve_time_s: 8, cost_usd: 200, bound_usd: 200 }, gh: { solve_time_s: 0.2, cost_usd: 230 }, agh: { solve_time_s: 1, cost_usd: 200 } }],
    [20, 1, { glpk: { status: 'time_limit_feasible', solve_time_s: 30, cost_usd: 500, bound_usd: 400 }, gh: { solve_time_s: 0.3, cost_usd: 480 }, agh: { solve_time_s: 3, cost_usd: 440 } }],
    [20, 2, { glpk: { status: 'time_limit_no_solution', solve_time_s: 30, has_plan: false, feasible: false, cost_usd: null }, gh: { solve_time_s: 0.6, cost_usd: 900, feasible: false, violated_families: 'memory;delay_slo' }, agh: { solve_time_s: 2, cost_usd: 850 } }],
  ];
  for (const [s, seed, bySolver] of cells) {
    for (const [solver, over] of Object.entries(bySolver)) {
      const kind = solver === 'glpk' ? { solver_kind: 'exact', time_limit_s: 30 } : {};
      rows.push(solveRow({ ...size(s, s, s === 6 ? 10 : 20), seed, solver, solver_label: solver, ...kind, ...over }));
    }
  }
  return rows.map((r, i) => ({ ...r, cell_index: i }));
}

/**
 * E4: two sizes, one instance each, plans at κ 1.0 and 1.5 (planned columns repeat, stage-2
 * columns differ), each planner without headroom and with θ = 0.25 (which costs more to plan and
 * violates less at κ = 1.5).
 */
export function e4Rows(): RawRow[] {
  const stage2 = (kappa: number, cost: number, viol: number): RawRow => ({
    kappa, stage2_scenarios: 200, stage2_seed: 1, realised_cost_mean_usd: cost, realised_cost_p5_usd: cost * 0.9, realised_cost_p95_usd: cost * 1.2,
    violation_rate_mean: viol, violation_rate_p5: viol / 2, violation_rate_p95: viol * 2, dropped_rate_mean: viol / 4, shed_rate_mean: (3 * viol) / 4,
    violation_any_share: viol > 0 ? 1 : 0,
  });
  return [6, 8].flatMap((s) => {
    const at = { experiment: 'e4', ...size(s, s, 10), instance_id: `I${s}-seed1-S1` };
    const exact = { ...at, solver: 'glpk', solver_label: 'glpk', solver_kind: 'exact', status: 'optimal', solve_time_s: 3, cost_usd: 100 * s, bound_usd: 100 * s };
    const agh = { ...at, solver: 'agh', solver_label: 'agh', solve_time_s: 0.2, cost_usd: 104 * s };
    const roomy = { headroom: 0.25 };
    return [
      solveRow({ ...exact, ...stage2(1, 100 * s, 0) }),
      solveRow({ ...exact, ...stage2(1.5, 180 * s, 0.3) }),
      solveRow({ ...exact, ...roomy, cost_usd: 130 * s, bound_usd: 125 * s, ...stage2(1, 130 * s, 0) }),
      solveRow({ ...exact, ...roomy, cost_usd: 130 * s, bound_usd: 125 * s, ...stage2(1.5, 140 * s, 0.1) }),
      solveRow({ ...agh, ...stage2(1, 104 * s, 0) }),
      solveRow({ ...agh, ...stage2(1.5, 120 * s, 0.05) }),
      solveRow({ ...agh, ...roomy, cost_usd: 120 * s, ...stage2(1, 120 * s, 0) }),
      solveRow({ ...agh, ...roomy, cost_usd: 120 * s, ...stage2(1.5, 125 * s, 0.02) }),
    ];
  });
}

/** E2: two scenarios × GH and AGH, evaluated at κ 1.2 and 1.5. */
export function e2Rows(): RawRow[] {
  return ['S1', 'S3'].flatMap((scenario, si) =>
    ['gh', 'agh'].flatMap((solver, vi) =>
      [1.2, 1.5].map((kappa) => {
        const cost = 100 * (1 + si) * (2 - vi) * kappa;
        return solveRow({
          experiment: 'e2', scenario, solver, solver_label: solver, solve_time_s: 0.1, cost_usd: 100, kappa,
          realised_cost_mean_usd: cost, realised_cost_p5_usd: cost * 0.9, realised_cost_p95_usd: cost * 1.1, violation_rate_mean: cost / 1000,
        });
      })));
}

/** E3: AGH and its ablations on two seeds. */
export function e3Rows(): RawRow[] {
  const variants: [string, RawRow][] = [
    ['agh', { cost_usd: 100 }],
    ['agh:noM1', { cost_usd: 90, feasible: false, violated_families: 'memory' }],
    ['agh:noM2', { cost_usd: 150 }],
    ['agh:noM3', { cost_usd: 95, feasible: false, violated_families: 'delay_slo' }],
  ];
  return [1, 2].flatMap((seed) => variants.map(([label, over]) => solveRow({ experiment: 'e3', seed, solver: 'agh', solver_label: label, solve_time_s: 0.4, ...over })));
}

/** E5: two σ, two policies, three paths each; day costs chosen so the std is easy by hand. */
export function e5Rows(): RawRow[] {
  const costs: Record<string, number[]> = { '0.01|agh-5min': [100, 110, 120], '0.01|dm-24h': [150, 150, 150], '0.05|agh-5min': [130, 140, 150], '0.05|dm-24h': [200, 260, 230] };
  return Object.entries(costs).flatMap(([key, days]) => {
    const [sigma, policy] = key.split('|');
    return days.map((day_cost_usd, path) => rollingRow({
      sigma: Number(sigma), policy, path, path_seed: 1000 + path, solver_label: policy.startsWith('agh') ? 'agh' : 'glpk',
      day_cost_usd, violation_rate: day_cost_usd / 1000, solve_time_total_s: 10 + path, solve_time_max_s: 0.1 * (path + 1),
    }));
  });
}

export function manifestFor(experiment: string, kind: CellKind, cells: number): Manifest {
  return {
    schema: MANIFEST_SCHEMA,
    command_line: ['alloc-bench', 'run', experiment, '--quick'],
    preset: experiment,
    quick: true,
    config: { experiment, kind, blocks: [] } as unknown as SweepConfig,
    profile_path: 'traces/profiles/azure-2023.json',
    shard: null,
    cells_total: cells,
    cells_in_run: cells,
    cells_done: cells,
    seeds: { instance: [1, 2], stage2: 1, path_seeds: [] },
    timing_policy: { jobs: 2, description: 'Heuristic solve cells first, one at a time.' },
    environment: {
      git_commit: '0123456789abcdef0123456789abcdef01234567', git_dirty: false, package: 'llm-alloc-bench@0.1.0', dependencies: {},
      node: 'v20.19.0', platform: 'linux', cpu_model: 'Test CPU @ 2.0GHz', cpu_count: 2, memory_gb: 8,
    },
    started_at: '2026-01-01T00:00:00.000Z',
    resumed_at: [],
    finished_at: '2026-01-01T00:05:00.000Z',
  };
}

/** A run directory in a fresh temp dir holding these raw rows. */
export function writeRun(experiment: string, kind: CellKind, rows: RawRow[]): string {
  const dir = mkdtempSync(join(tmpdir(), `alloc-report-${experiment}-`));
  writeManifest(dir, manifestFor(experiment, kind, rows.length));
  writeRawCsv(join(dir, 'raw.csv'), RAW_COLUMNS[kind], rows.map((r) => encodeRow(r, RAW_COLUMNS[kind])));
  return dir;
}
