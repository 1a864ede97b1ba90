// `alloc-bench evaluate`: the nominal evaluation of a plan and, with --inflation, its stage-2
// stress statistics (docs/model.md §8).
import type { Argv, CommandModule } from 'yargs';
import { evaluate } from '../../../solvers/problem/evaluator.ts';
import { InputError } from '../../../lib/errors.ts';
import { loadInstance, loadPlan } from '../../../solvers/problem/schema.ts';
import { checkStressOptions, DEFAULT_SCENARIOS, MAX_SCENARIOS, PROGRESS_EVERY_SCENARIOS, stressTest, type Stat, type StressResult } from '../../../solvers/problem/stress.ts';
import { formatEvaluation, usd } from '../format.ts';

interface Args {
  instance: string;
  plan: string;
  json: boolean;
  inflation?: string;
  scenarios?: string;
  seed?: string;
}

export const evaluateCommand: CommandModule<object, Args> = {
  command: 'evaluate <instance> <plan>',
  describe: 'Score a plan against an instance with the independent evaluator (cost terms, feasibility, violations); with --inflation, also its stage-2 stress test',
  builder: (y) =>
    y
      .positional('instance', { type: 'string', demandOption: true, describe: 'instance JSON' })
      .positional('plan', { type: 'string', demandOption: true, describe: 'plan JSON' })
      .option('json', { type: 'boolean', default: false, describe: 'print the full evaluation as JSON' })
      .option('inflation', { type: 'string', describe: 'Stage-2 inflation κ ≥ 1: delays and errors × U(1, κ) per route and scenario' })
      .option('scenarios', { type: 'string', implies: 'inflation', defaultDescription: String(DEFAULT_SCENARIOS), describe: `Stage-2 scenarios S, at most ${MAX_SCENARIOS}; above ${PROGRESS_EVERY_SCENARIOS}, progress goes to stderr` })
      .option('seed', { type: 'string', implies: 'inflation', defaultDescription: '1', describe: 'Stage-2 sampler seed' }) as Argv<Args>,
  // Async so that an InputError reaches the CLI's one-line error report (a sync throw escapes it).
  handler: async (args) => {
    const inst = loadInstance(args.instance);
    const plan = loadPlan(args.plan, inst);
    if (plan.instance_id !== inst.meta.id) {
      throw new InputError(`${args.plan}: instance_id: the plan is for ${JSON.stringify(plan.instance_id)} but ${args.instance} is ${JSON.stringify(inst.meta.id)}; expected a plan made for this instance`);
    }
    const nominal = evaluate(inst, plan);
    if (args.inflation === undefined) {
      process.stdout.write(args.json ? `${JSON.stringify(nominal, null, 2)}\n` : `${formatEvaluation(nominal, inst.system.horizon_h)}\n`);
      return;
    }
    const options = checkStressOptions({
      inflation: number(args.inflation, '--inflation'),
      scenarios: number(args.scenarios ?? String(DEFAULT_SCENARIOS), '--scenarios'),
      seed: number(args.seed ?? '1', '--seed'),
    });
    // Long runs say how far they are, on stderr (stdout holds the result).
    const stage2 = stressTest(inst, plan, options, (done, total) => process.stderr.write(`stage 2: ${done}/${total} scenarios\n`));
    process.stdout.write(
      args.json
        ? `${JSON.stringify({ nominal, stage2 }, null, 2)}\n`
        : `${formatEvaluation(nominal, inst.system.horizon_h)}\n\n${formatStress(stage2, inst.system.horizon_h)}\n`,
    );
  },
};

function number(text: string, flag: string): number {
  const x = Number(text);
  if (text.trim() === '' || Number.isNaN(x)) throw new InputError(`${flag} expects a number; got ${JSON.stringify(text)}`);
  return x;
}

/** Stage-2 statistics as a small table: mean, p5, p95 of the cost, its terms and the violation rate. */
function formatStress(s: StressResult, horizonH: number): string {
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  const row = (label: string, st: Stat, f: (x: number) => string) =>
    `  ${label.padEnd(15)}${[st.mean, st.p5, st.p95].map((x) => f(x).padStart(13)).join('')}`;
  return [
    `stage 2     κ = ${s.inflation}, ${s.scenarios} scenarios, seed ${s.seed} (${s.slo_mode} SLO mode); costs per ${horizonH} h horizon`,
    `  ${''.padEnd(15)}${['mean', 'p5', 'p95'].map((h) => h.padStart(13)).join('')}`,
    row('cost', s.cost_usd, usd),
    row('rental', s.terms.rental_usd, usd),
    row('model storage', s.terms.model_storage_usd, usd),
    row('token storage', s.terms.token_storage_usd, usd),
    row('delay penalty', s.terms.delay_penalty_usd, usd),
    row('unmet penalty', s.terms.unmet_penalty_usd, usd),
    row('violation rate', s.violation_rate, pct),
    `  of which (means) planned unmet ${pct(s.planned_unmet_rate)}, dropped ${pct(s.dropped_rate_mean)}, shed ${pct(s.shed_rate_mean)}   scenarios with any violation ${pct(s.violating_scenario_share)}`,
  ].join('\n');
}
