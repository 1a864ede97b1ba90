// `alloc-bench inspect`: a human-readable sanity view of an instance (or its summary as JSON).
import type { Argv, CommandModule } from 'yargs';
import { summarizeInstance, type InstanceSummary } from '../../../generators/summary.ts';
import { loadInstance } from '../../../solvers/problem/schema.ts';
import { printableDeep } from '../errors.ts';

interface InspectArgs {
  instance: string;
  json: boolean;
}

export const inspectCommand: CommandModule<object, InspectArgs> = {
  command: 'inspect <instance>',
  describe: 'Summarise an instance: budget, reference cost, feasible routes per type, GPU pools',
  builder: (y) =>
    y
      .positional('instance', { type: 'string', demandOption: true, describe: 'Instance JSON file' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the summary as JSON' }) as Argv<InspectArgs>,
  // Async so that an InputError (bad file) reaches the CLI's one-line error report.
  handler: async (args) => {
    const summary = summarizeInstance(loadInstance(args.instance));
    // JSON escapes control characters itself; the text table gets them made visible.
    process.stdout.write(args.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(printableDeep(summary)));
  },
};

const usd = (x: number, digits = 2) => `$${x.toFixed(digits)}`;
const count = (x: number) => Math.round(x).toLocaleString('en-US');

export function formatSummary(s: InstanceSummary): string {
  const lines = [
    `${s.id}`,
    `  profile      ${s.profile}`,
    `  sizes        I=${s.sizes.I} types, J=${s.sizes.J} models, K=${s.sizes.K} tiers on ${s.gpus.length} GPU models`,
    `  scenario     ${s.scenario}, SLO mode ${s.slo_mode}, demand scale ${s.demand_scale}`,
    `  budget       ${usd(s.budget_usd)} over ${s.horizon_h} h = ${s.budget_factor} × ΔT × B_ref`,
    `  B_ref        ${usd(s.reference_cost_usd_per_h, 4)}/h = ${usd(s.reference_cost_usd_per_horizon)} per ${s.horizon_h} h ` +
      `(own-replica reference; fluid rental B_fluid ${usd(s.fluid_rental_usd_per_h, 4)}/h for information)`,
    `  configs      ${s.memory_valid_configs} memory-valid; ${s.slo_feasible_routes} SLO-feasible (type, config) routes`,
    `  demand       ${count(s.total_rate_per_h)} requests/h`,
    '',
    table(
      ['type', 'λ /h', 'h', 'f', 'Δ s', 'ε', 'routes', 'own-replica route (cheapest alone, whole replicas)', 'replicas', '$/h'],
      s.types.map((t) => [
        t.name, count(t.rate_per_h), String(t.input_tokens), String(t.output_tokens),
        t.delay_slo_s.toFixed(2), t.error_slo.toFixed(3), String(t.feasible_routes),
        t.own_route ? `${t.own_route.model} on ${t.own_route.tier} n=${t.own_route.n} m=${t.own_route.m}` : '—',
        t.own_route ? String(t.own_route.replicas) : '—',
        t.own_route ? t.own_route.rental_usd_per_h.toFixed(4) : '—',
      ]),
    ),
    '  (λ: arrival rate; h, f: input and output tokens per request; Δ: delay SLO, s per request; ε: error SLO;',
    '   routes: (type, configuration) routes that meet both SLOs on their own; $/h: that route\'s rental cost per hour with its whole replicas)',
    `  unservable on its own: ${s.unservable_types.length ? s.unservable_types.join(', ') : 'none'}`,
    '',
    table(['GPU', '$/GPU-h', 'pool', 'tiers'], s.gpus.map((g) => [g.name, g.price_usd_per_gpu_h.toFixed(4), String(g.pool_gpus), String(g.tiers)])),
  ];
  return `${lines.join('\n')}\n`;
}

/** Left-aligned text columns, right-aligned numbers. */
function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const numeric = head.map((_, c) => rows.length > 0 && rows.every((r) => /^[\d.,e+-]+$|^—$/.test(r[c])));
  const line = (cells: string[]) =>
    `  ${cells.map((v, c) => (numeric[c] ? v.padStart(widths[c]) : v.padEnd(widths[c]))).join('  ')}`.trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}
