/**
 * The instance sets of `alloc-bench compare` and the grid a comparison runs as. A comparison is an
 * ordinary solve sweep (experiment `compare`), so it resumes, shards, merges and runs on Slurm
 * like any other; its grid holds, per group of instances, one block with the solvers under test
 * and one with the solvers they are compared against. The report reads the two lists back from
 * the manifest (comparedSolvers): the first block's solvers are the ones under test.
 */
import { InputError } from '../../lib/errors.ts';
import { parseSolverSpec } from '../../solvers/registry.ts';
import { BEST_KNOWN_PATH, readBestKnown } from '../report/best-known.ts';
import type { BlockInput, GridInput, SolveBlock, SweepConfig } from '../sweep/grid.ts';

export const COMPARE_EXPERIMENT = 'compare';

export interface InstanceSet {
  name: string;
  describe: string;
  /** The exact solvers' time limit when their spec sets none, s. */
  exact_time_limit_s: number;
  /** Hard wall-clock limit of a heuristic solve (grid `heuristic_limit_s`), s. */
  heuristic_limit_s: number;
  /** Instance groups (a block each); demand scale when not the default. */
  groups(): { blocks: BlockInput[]; demand_scale?: number };
}

const product = (sizes: string[], seeds: number[], scenarios = ['S1'], slo_modes = ['average']): BlockInput => ({ sizes, seeds, scenarios, slo_modes });

export const INSTANCE_SETS: readonly InstanceSet[] = [
  {
    name: 'tiny', describe: '4 tiny instances, (2,3,2) and (3,4,5) × seeds 1–2, S1 average: seconds; for tests and trying the command',
    exact_time_limit_s: 10, heuristic_limit_s: 60, groups: () => ({ blocks: [product(['2,3,2', '3,4,5'], [1, 2])] }),
  },
  {
    name: 'quick', describe: '12 small instances, (6,6,10) and (8,8,10) × seeds 1–3 × S1 and S3 (the critical budget), average mode: minutes',
    exact_time_limit_s: 30, heuristic_limit_s: 120, groups: () => ({ blocks: [product(['6,6,10', '8,8,10'], [1, 2, 3], ['S1', 'S3'])] }),
  },
  {
    name: 'reference', describe: 'the instances of the best-known table (results/reference/best-known.csv: E1\'s sizes (6,6,10)…(50,50,50) × seeds 1–5): gaps certified where the table proves the optimum; hours with an exact solver',
    exact_time_limit_s: 60, heuristic_limit_s: 600, groups: referenceGroups,
  },
  {
    name: 'scale', describe: '9 larger instances, (15,15,15), (20,20,20), (30,30,30) × seeds 1–3, S1 average: where exact solvers stop at their limit',
    exact_time_limit_s: 120, heuristic_limit_s: 600, groups: () => ({ blocks: [product(['15,15,15', '20,20,20', '30,30,30'], [1, 2, 3])] }),
  },
];

export const SET_NAMES = INSTANCE_SETS.map((s) => s.name);

export function instanceSet(name: string): InstanceSet {
  const set = INSTANCE_SETS.find((s) => s.name === name);
  if (!set) throw new InputError(`--set: unknown instance set ${JSON.stringify(name)}; expected one of ${SET_NAMES.join(', ')}`);
  return set;
}

/** The best-known table's instances, a block per (size, scenario, SLO mode) with their seeds. */
function referenceGroups(path = BEST_KNOWN_PATH): { blocks: BlockInput[]; demand_scale?: number } {
  const entries = [...readBestKnown(path).values()];
  if (entries.length === 0) throw new InputError(`--set reference: the best-known table ${path} is empty or missing`);
  const scales = [...new Set(entries.map((e) => e.demand_scale))];
  if (scales.length > 1) throw new InputError(`--set reference: the best-known table mixes demand scales (${scales.join(', ')}); a comparison runs one`);
  const groups = new Map<string, BlockInput>();
  for (const e of entries) {
    const key = `${e.size_i},${e.size_j},${e.size_k}|${e.scenario}|${e.slo_mode}`;
    const g = groups.get(key) ?? { sizes: [`${e.size_i},${e.size_j},${e.size_k}`], seeds: [], scenarios: [e.scenario], slo_modes: [e.slo_mode] };
    if (!g.seeds!.includes(e.seed)) g.seeds!.push(e.seed);
    groups.set(key, g);
  }
  return { blocks: [...groups.values()].map((g) => ({ ...g, seeds: (g.seeds as number[]).sort((a, b) => a - b) })), demand_scale: scales[0] };
}

/** An exact solver's spec gets the set's time limit unless it names one (`highs` → `highs:time_limit_s=30`). */
export function withSetLimit(spec: string, set: InstanceSet): string {
  const { solver } = parseSolverSpec(spec);
  if (solver.kind !== 'exact' || !('time_limit_s' in solver.options) || /(^|[:,])time_limit_s=/.test(spec)) return spec;
  return `${spec}${spec.includes(':') ? ',' : ':'}time_limit_s=${set.exact_time_limit_s}`;
}

/**
 * The grid of a comparison: per instance group, a block of the solvers under test, then a block of
 * the solvers compared against (those not under test). Solver specs are checked here.
 */
export function compareGrid(solvers: readonly string[], against: readonly string[], set: InstanceSet): GridInput {
  if (solvers.length === 0) throw new InputError('compare: name at least one solver to compare');
  const tested = [...new Set(solvers.map((s) => withSetLimit(s, set)))];
  const others = [...new Set(against.map((s) => withSetLimit(s, set)))].filter((s) => !tested.includes(s));
  const { blocks, demand_scale } = set.groups();
  return {
    experiment: COMPARE_EXPERIMENT,
    heuristic_limit_s: set.heuristic_limit_s,
    ...(demand_scale !== undefined ? { demand_scale } : {}),
    blocks: blocks.flatMap((b) => [{ ...b, solvers: tested }, ...(others.length ? [{ ...b, solvers: others }] : [])]),
  };
}

/**
 * The solvers under test and the ones they are compared against, as canonical series names, from
 * a comparison's resolved config: the first block's solvers are under test (compareGrid). A run
 * that is not a comparison compares every solver with every other.
 */
export function comparedSolvers(config: SweepConfig, seriesOf: (label: string) => string): { solvers: string[]; against: string[] } {
  const blocks = config.blocks.filter((b): b is SolveBlock => 'solvers' in b);
  const all = [...new Set(blocks.flatMap((b) => b.solvers.map(seriesOf)))];
  if (config.experiment !== COMPARE_EXPERIMENT || blocks.length === 0) return { solvers: all, against: all };
  const tested = [...new Set(blocks[0].solvers.map(seriesOf))];
  return { solvers: tested, against: all.filter((s) => !tested.includes(s)) };
}
