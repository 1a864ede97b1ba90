/** Human-readable views of evaluator output, shared by the `evaluate` and `solve` commands. */
import { CONSTRAINT_FAMILIES, type Evaluation } from '../../solvers/problem/evaluator.ts';

/** Dollars with cents and thousands separators: $12,345.67. */
export const usd = (x: number): string => `${x < 0 ? '−' : ''}$${Math.abs(x).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/**
 * The unit of a violated row's sides, by its constraint name (solvers/problem/evaluator.ts): the
 * throughput and KV rows are in replicas (the load over one replica's capacity), the average-mode
 * SLO rows are demand-weighted (seconds or error × the type's share of demand).
 */
const ROW_UNITS: [prefix: string, unit: string][] = [
  ['weights_per_gpu', 'GB per GPU'], ['route_on_invalid_layout', 'GB per GPU'],
  ['r<=Rbar', 'replicas'], ['x<=w', 'share of demand'], ['w<=s', '(0/1)'], ['one_layout', 'layouts'],
  ['route_delay', 's'], ['route_error', '(error rate)'], ['mean_delay', 's × share of demand'], ['mean_error', 'error × share of demand'],
  ['demand', 'share of demand'], ['throughput', 'replicas'], ['kv_memory', 'replicas'], ['pool', 'GPUs'],
  ['storage', 'GB'], ['budget', 'USD'],
];

export const rowUnit = (constraint: string): string => ROW_UNITS.find(([p]) => constraint.startsWith(p))?.[1] ?? '';

/** Cost over the horizon with its five terms, feasibility and the violated rows (at most `maxViolations`), each with its unit. */
export function formatEvaluation(ev: Evaluation, horizonH: number, maxViolations = 10): string {
  const t = ev.terms;
  const lines = [
    `cost        ${usd(ev.cost_usd)} per ${horizonH} h horizon  (rental ${usd(t.rental_usd)}, model storage ${usd(t.model_storage_usd)}, ` +
      `token storage ${usd(t.token_storage_usd)}, delay penalty ${usd(t.delay_penalty_usd)}, unmet penalty ${usd(t.unmet_penalty_usd)})`,
    `feasible    ${ev.feasible ? 'yes' : `no — ${ev.violated_families.join(', ')}`}`,
    `GPUs        ${ev.gpus_total}   unmet demand ${(100 * ev.unmet_rate).toFixed(2)}%`,
    // Every family, also on a feasible plan: what was checked, not only what broke.
    `families    ${CONSTRAINT_FAMILIES.map((f) => {
      const n = ev.violations.filter((v) => v.family === f).length;
      return `${f} ${n ? `${n} broken` : 'ok'}`;
    }).join(', ')}`,
  ];
  for (const v of ev.violations.slice(0, maxViolations)) {
    const unit = rowUnit(v.constraint);
    const u = unit ? ` ${unit}` : '';
    lines.push(`  violated  ${v.constraint}: ${fmt(v.lhs)}${u} ${v.family === 'demand' ? '≠' : '>'} ${fmt(v.rhs)}${u} (by ${fmt(v.magnitude)}${u})`);
  }
  if (ev.violations.length > maxViolations) lines.push(`  … and ${ev.violations.length - maxViolations} more violated rows`);
  return lines.join('\n');
}

function fmt(x: number): string {
  return Number.isFinite(x) ? Number(x.toPrecision(6)).toString() : String(x);
}
