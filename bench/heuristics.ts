/**
 * Timing of solvers (the heuristics by default) with tinybench: for each size, one generated
 * instance; per solver a warm-up, then timed solves; latency mean / p50 / p99 and relative margin
 * of error, plus the evaluator's cost of the plan (so a fast but useless change shows up).
 */
import { Bench } from 'tinybench';
import { generateInstance, type Sizes } from '../generators/instance.ts';
import { evaluate } from '../solvers/problem/evaluator.ts';
import type { ScenarioId, SloMode } from '../solvers/problem/types.ts';
import { parseSolverSpec } from '../solvers/registry.ts';
import { DEFAULT_PROFILE_PATH, loadProfileBundle } from '../traces/profile.ts';

export const DEFAULT_BENCH_SIZES: readonly Sizes[] = [
  { I: 6, J: 6, K: 10 },
  { I: 20, J: 20, K: 20 },
  { I: 50, J: 50, K: 50 },
];
export const DEFAULT_BENCH_SOLVERS: readonly string[] = ['gh', 'agh', 'agh-lns', 'cheapest'];

export interface BenchOptions {
  sizes?: readonly Sizes[];
  solvers?: readonly string[];
  seed?: number;
  scenario?: ScenarioId;
  sloMode?: SloMode;
  /** Minimum measured time and samples per (solver, size). */
  timeMs?: number;
  minSamples?: number;
}

export interface BenchRow {
  solver: string;
  size: string;
  instance_id: string;
  samples: number;
  mean_ms: number;
  p50_ms: number;
  p99_ms: number;
  /** Relative margin of error of the mean, percent. */
  rme_pct: number;
  cost_usd: number;
  feasible: boolean;
}

export async function runBench(opts: BenchOptions = {}): Promise<BenchRow[]> {
  const profile = loadProfileBundle(DEFAULT_PROFILE_PATH);
  const specs = (opts.solvers ?? DEFAULT_BENCH_SOLVERS).map((s) => parseSolverSpec(s));
  const rows: BenchRow[] = [];
  for (const sizes of opts.sizes ?? DEFAULT_BENCH_SIZES) {
    const inst = generateInstance({
      sizes, seed: opts.seed ?? 1, scenario: opts.scenario ?? 'S1', sloMode: opts.sloMode ?? 'average',
      profile, profileName: 'traces/profiles/azure-2023.json',
    });
    for (const spec of specs) {
      // One bench per row keeps a slow solver's samples from being bounded by a fast one's settings.
      const bench = new Bench({ time: opts.timeMs ?? 1000, iterations: opts.minSamples ?? 5, warmupIterations: 2, warmupTime: 0 });
      bench.add(spec.label, async () => {
        await spec.solver.solve(inst, spec.options);
      }, { async: true });
      await bench.run();
      const task = bench.tasks[0];
      const r = task.result;
      if (r.state !== 'completed') throw new Error(`bench of ${spec.label} on ${inst.meta.id}: ${r.state}${'error' in r ? `: ${String(r.error)}` : ''}`);
      const plan = (await spec.solver.solve(inst, spec.options)).plan;
      const ev = plan ? evaluate(inst, plan) : null;
      rows.push({
        solver: spec.label,
        size: `${sizes.I},${sizes.J},${sizes.K}`,
        instance_id: inst.meta.id,
        samples: r.latency.samplesCount,
        mean_ms: r.latency.mean,
        p50_ms: r.latency.p50,
        p99_ms: r.latency.p99,
        rme_pct: r.latency.rme,
        cost_usd: ev ? ev.cost_usd : NaN,
        feasible: ev ? ev.feasible : false,
      });
    }
  }
  return rows;
}

export function formatBenchTable(rows: readonly BenchRow[]): string {
  const head = ['solver', 'size', 'samples', 'mean ms', 'p50 ms', 'p99 ms', '±rme', 'cost $', 'feasible'];
  const body = rows.map((r) => [
    r.solver, r.size, String(r.samples), r.mean_ms.toFixed(2), r.p50_ms.toFixed(2), r.p99_ms.toFixed(2),
    `${r.rme_pct.toFixed(1)}%`, r.cost_usd.toFixed(2), r.feasible ? 'yes' : 'NO',
  ]);
  const widths = head.map((h, n) => Math.max(h.length, ...body.map((b) => b[n].length)));
  const line = (cells: string[]) => cells.map((c, n) => (n < 2 ? c.padEnd(widths[n]) : c.padStart(widths[n]))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
