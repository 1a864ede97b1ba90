/**
 * What binds in a plan — which constraint family sits at its limit — to classify where a heuristic
 * misses the optimum (bench/quality.ts): the misses differ in kind (a budget spent to the cent, a
 * GPU pool drained, a type's SLO mean at its limit, the model storage full) and so do their fixes.
 */
import { derive } from '../solvers/problem/derived.ts';
import { evaluate } from '../solvers/problem/evaluator.ts';
import type { Instance, Plan } from '../solvers/problem/types.ts';

export type Binding = 'budget' | 'pool' | 'slo' | 'storage';

/** Share of a limit at which it counts as binding. */
const AT_LIMIT = 0.98;

export function bindings(inst: Instance, plan: Plan): Binding[] {
  const d = derive(inst);
  const ev = evaluate(inst, plan);
  const sys = inst.system;
  const out: Binding[] = [];
  const { rental_usd, model_storage_usd, token_storage_usd } = ev.terms;
  if (rental_usd + model_storage_usd + token_storage_usd >= AT_LIMIT * sys.budget_usd) out.push('budget');
  // A pool binds when not one more replica of the smallest layout on that GPU fits.
  const smallest = inst.gpus.map((_, g) => Math.min(...d.configs.filter((c) => c.gpu === g).map((c) => c.gpus)));
  if (ev.gpus_by_model.some((used, g) => used > 0 && used + smallest[g] > inst.gpus[g].pool_gpus)) out.push('pool');
  if (sys.slo_mode === 'average' && ev.types.some((t, i) => t.served_share > 0 &&
    (t.mean_delay_s >= AT_LIMIT * inst.types[i].delay_slo_s || t.mean_error >= AT_LIMIT * inst.types[i].error_slo))) out.push('slo');
  const storedGb = plan.stored_models.reduce((sum, j) => sum + d.model_storage_gb[j], 0);
  const smallestModel = Math.min(...d.model_storage_gb);
  if (storedGb + smallestModel > sys.storage_capacity_gb) out.push('storage');
  return out;
}
