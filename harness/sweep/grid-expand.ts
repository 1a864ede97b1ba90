/**
 * Grid expansion: a resolved config → its cells in a canonical order, which is the row order of
 * raw.csv. Within a block the loops nest, outermost first: sizes, seeds, scenarios, slo_modes, then
 * solvers and headrooms (solve) or sigmas, paths, policies (rolling). A cell repeated by a later
 * block is kept once, at its first position.
 *
 * Rolling cells: a re-solving policy's cell is one day (σ, path), but a static policy's cell is
 * (instance, policy) with every day of the grid, at the position of its first day. Its plan
 * depends on neither σ nor the path, so it is solved once per run — not once per day, which for
 * dm-24h meant 100 identical 600 s exact solves, and for a time-limited solver even different
 * plans for the same input. A cell, rather than a plan cache shared between cells, keeps shards,
 * --jobs and --resume as they are: cells stay independent of each other.
 */
import { hardLimitS as exactHardLimitS } from '../../solvers/exact/solvers.ts';
import { parseSolverSpec } from '../../solvers/registry.ts';
import { STATIC_POLICIES } from '../experiments/rolling-policies.ts';
import { cellKey } from './cell-key.ts';
import type { Cell, CellConfig, InstanceConfig, RollingCellConfig, SolveCellConfig, SweepConfig } from './grid-config.ts';

/** Every cell of the grid in canonical order, with its index and key. */
export function expandGrid(config: SweepConfig): Cell[] {
  // Rolling configs get their hard limit and key once every block has added its days.
  const configs: (SolveCellConfig | Omit<RollingCellConfig, 'hard_limit_s'>)[] = [];
  const alone = new Set<SolveCellConfig>();
  // A static cell and the (σ, path) days it holds, as a set: checking the list was quadratic in paths.
  const staticCells = new Map<string, { cell: Omit<RollingCellConfig, 'hard_limit_s'>; days: Set<string> }>();
  for (const block of config.blocks) {
    for (const sizes of block.sizes) for (const seed of block.seeds) for (const scenario of block.scenarios) for (const slo_mode of block.slo_modes) {
      const instance: InstanceConfig = { sizes, seed, scenario, slo_mode, demand_scale: config.demand_scale, profile_sha256: config.profile_sha256 };
      if ('solvers' in block) {
        for (const label of block.solvers) for (const theta of block.headrooms) {
          const cell = solveCell(config, instance, label, theta, block.inflations);
          configs.push(cell);
          if (block.alone) alone.add(cell);
        }
      } else {
        const exact = parseSolverSpec(block.exact_solver);
        for (const sigma of block.sigmas) for (let path = 0; path < block.paths; path++) for (const policy of block.policies) {
          const cell = {
            kind: 'rolling' as const, instance, days: [{ sigma, path }], path_seed: config.path_seed, policy,
            exact_solver: { label: exact.label, options: exact.options },
          };
          if (!STATIC_POLICIES.has(policy)) {
            configs.push(cell);
            continue;
          }
          const id = cellKey({ ...cell, days: [] });
          const shared = staticCells.get(id);
          const day = `${sigma}/${path}`;
          if (!shared) {
            staticCells.set(id, { cell, days: new Set([day]) });
            configs.push(cell);
          } else if (!shared.days.has(day)) {
            shared.days.add(day);
            shared.cell.days.push({ sigma, path });
          }
        }
      }
    }
  }
  const cells: Cell[] = [];
  const seen = new Map<string, Cell>();
  for (const c of configs) {
    const cfg: CellConfig = c.kind === 'solve' ? c : { ...c, hard_limit_s: config.rolling_limit_s + (c.days.length - 1) * config.cell_overhead_s };
    const key = cellKey(cfg);
    const isAlone = c.kind === 'solve' && alone.has(c);
    const repeated = seen.get(key);
    if (repeated) {
      // A repeated cell runs alone if any block listing it says so.
      if (isAlone) repeated.alone = true;
      continue;
    }
    const cell: Cell = { index: cells.length, key, config: cfg, ...(isAlone && { alone: true as const }) };
    seen.set(key, cell);
    cells.push(cell);
  }
  return cells;
}

function solveCell(config: SweepConfig, instance: InstanceConfig, label: string, theta: number, inflations: number[]): SolveCellConfig {
  const spec = parseSolverSpec(label);
  const ownLimit = spec.options.time_limit_s;
  // An exact solver enforces its own hard limit (time limit plus grace) in its own process; a
  // heuristic's cell holds a warm-up and a timed solve.
  const solveLimit = spec.solver.kind === 'exact' && typeof ownLimit === 'number' ? exactHardLimitS(ownLimit) : 2 * config.heuristic_limit_s;
  return {
    kind: 'solve',
    instance,
    solver: { name: spec.solver.name, label: spec.label, options: spec.options },
    ...(theta > 0 && { headroom: theta }),
    inflations,
    stage2: config.stage2,
    hard_limit_s: solveLimit + config.cell_overhead_s,
  };
}

