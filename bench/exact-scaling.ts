/**
 * Scaling study of the exact back-ends: for each size, generates one instance, reports the model
 * size before and after reduction, solves it with each back-end under the time limit and scores
 * the plan with the evaluator. Prints a markdown table, one row per (size, solver) as it finishes.
 *
 *   npx tsx bench/exact-scaling.ts --sizes 6,6,10 10,10,10 15,15,15 20,20,20 --time-limit 60
 */
import { existsSync } from 'node:fs';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { generateInstance } from '../generators/instance.ts';
import { evaluate } from '../solvers/problem/evaluator.ts';
import type { ScenarioId, SloMode } from '../solvers/problem/types.ts';
import { parseSolverSpec } from '../solvers/registry.ts';
import type { ModelSize } from '../solvers/solver.ts';
import { DEFAULT_PROFILE_PATH, loadProfileBundle } from '../traces/profile.ts';
import { modelSizes } from '../solvers/exact/model.ts';

const args = await yargs(hideBin(process.argv))
  .option('sizes', { type: 'string', array: true, default: ['6,6,10', '10,10,10', '15,15,15', '20,20,20'], describe: 'I,J,K per instance' })
  .option('time-limit', { type: 'number', default: 60, describe: 'Seconds per solve' })
  .option('solvers', { type: 'string', array: true, default: ['glpk', 'highs'] })
  .option('seed', { type: 'number', default: 1 })
  .option('scenario', { type: 'string', default: 'S1' })
  .option('slo-mode', { choices: ['average', 'per-route'], default: 'average' })
  .option('profile', { type: 'string', default: DEFAULT_PROFILE_PATH })
  .strict()
  .parseAsync();

if (!existsSync(args.profile)) {
  process.stderr.write(`profile ${args.profile} not found; make one with 'alloc-bench traces calibrate' and pass --profile\n`);
  process.exit(2);
}
const profile = loadProfileBundle(args.profile);
const size = (s: ModelSize) => `${s.rows} / ${s.cols} / ${s.integer_cols} / ${s.nonzeros}`;
const fmt = (v: number | undefined, digits: number) => (v === undefined ? '–' : v.toFixed(digits));

console.log(`Seed ${args.seed}, scenario ${args.scenario}, ${args['slo-mode']} SLO mode, time limit ${args['time-limit']} s, ${new Date().toISOString().slice(0, 10)}.`);
console.log('Model size as rows / cols / integer cols (binaries included) / nonzeros.\n');
console.log('| I,J,K | before reduction | after reduction | solver | status | wall s | gap | bound $ | evaluator cost $ | feasible |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const spec of args.sizes) {
  const [I, J, K] = spec.split(',').map(Number);
  const inst = generateInstance({
    sizes: { I, J, K },
    seed: args.seed,
    scenario: args.scenario as ScenarioId,
    sloMode: args['slo-mode'] as SloMode,
    profile,
    profileName: args.profile,
  });
  const sizes = modelSizes(inst);
  for (const name of args.solvers) {
    const { solver, options } = parseSolverSpec(name, { time_limit_s: args['time-limit'] });
    const r = await solver.solve(inst, options);
    const ev = r.plan ? evaluate(inst, r.plan) : undefined;
    const status = r.status === 'error' ? `error: ${r.message}` : r.status;
    console.log(
      `| ${spec} | ${size(sizes.before)} | ${size(sizes.after)} | ${name} | ${status} | ${r.wall_time_s.toFixed(1)} | ` +
        `${r.gap === undefined ? '–' : `${(100 * r.gap).toFixed(2)}%`} | ${fmt(r.bound_usd, 2)} | ${fmt(ev?.cost_usd, 2)} | ${ev ? (ev.feasible ? 'yes' : `no (${ev.violated_families.join(', ')})`) : '–'} |`,
    );
  }
}
