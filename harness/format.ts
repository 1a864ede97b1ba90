/** Human-readable views of evaluator output, shared by the `evaluate` and `solve` commands. */
import type { Evaluation } from '../solvers/problem/evaluator.ts';

export const usd = (x: number): string => `$${x.toFixed(2)}`;

/** Cost with its five terms, feasibility and the violated rows (at most `maxViolations`). */
export function formatEvaluation(ev: Evaluation, maxViolations = 10): string {
  const t = ev.terms;
  const lines = [
    `cost        ${usd(ev.cost_usd)}  (rental ${usd(t.rental_usd)}, model storage ${usd(t.model_storage_usd)}, ` +
      `token storage ${usd(t.token_storage_usd)}, delay penalty ${usd(t.delay_penalty_usd)}, unmet penalty ${usd(t.unmet_penalty_usd)})`,
    `feasible    ${ev.feasible ? 'yes' : `no — ${ev.violated_families.join(', ')}`}`,
    `GPUs        ${ev.gpus_total}   unmet demand ${(100 * ev.unmet_rate).toFixed(2)}%`,
  ];
  for (const v of ev.violations.slice(0, maxViolations)) {
    lines.push(`  violated  ${v.constraint}: ${fmt(v.lhs)} > ${fmt(v.rhs)} (by ${fmt(v.magnitude)})`);
  }
  if (ev.violations.length > maxViolations) lines.push(`  … and ${ev.violations.length - maxViolations} more violated rows`);
  return lines.join('\n');
}

function fmt(x: number): string {
  return Number.isFinite(x) ? Number(x.toPrecision(6)).toString() : String(x);
}
