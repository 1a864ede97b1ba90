/**
 * AGH — the adaptive greedy heuristic as docs/heuristics.md ("AGH — adaptive greedy heuristic")
 * describes it, and nothing more: the GH construction under the five fixed type orderings plus R
 * seeded random permutations, the cheapest start kept (greedy/multistart.ts); then rounds of
 * relocate (greedy/relocate.ts) and consolidation (greedy/consolidate.ts) until a round improves
 * nothing or the iteration cap is reached (greedy/local-search.ts). This is the paper's method;
 * this project's search beyond it is `agh-lns` (agh-lns.ts), which shares the greedy/ machinery
 * and adds the moves of lns/ — none of which this file or its imports use.
 *
 * Stopping: the rule is machine-independent (no improvement, or `max_iterations` rounds); the time
 * budget is only a safety cap, set far above the step-bounded effort so that a slower machine does
 * not reach it, and `diagnostics.time_cap_hit` says when it cut a run short — only then does the
 * result depend on the machine's speed. (The paper stops on a time budget, default 1 s; a 1 s cap
 * would make results depend on the machine, so the cap is a guard, not the stopping rule — see
 * docs/heuristics.md, "AGH — adaptive greedy heuristic".)
 */
import type { Instance } from '../problem/types.ts';
import type { Solver, SolveOptions, SolveResult } from '../solver.ts';
import { mechanismsOf } from './ablations.ts';
import { AGH_PASSES, localSearch, newStats } from './greedy/local-search.ts';
import { AGH_FAMILY, AGH_OPTIONS, aghResult, multiStart, newSearch, startsOf } from './greedy/multistart.ts';
import { yieldToEventLoop } from '../../lib/yield.ts';

export const agh: Solver = {
  ...AGH_FAMILY,
  name: 'agh',
  description: "The paper's adaptive greedy heuristic (AGH): multi-start GH constructions (5 fixed orders + R seeded), relocate local search, consolidation",
  options: AGH_OPTIONS,
  async solve(inst: Instance, options: SolveOptions): Promise<SolveResult> {
    await yieldToEventLoop();
    const t0 = performance.now();
    const mech = mechanismsOf(options);
    const search = newSearch(inst, mech, t0, options);
    const run = await multiStart(inst, search, startsOf(inst, options, mech), 1);
    const stats = newStats();
    const best = run.elite[0];
    localSearch(best.state, search, Number(options.max_iterations ?? 50), stats, AGH_PASSES);
    return aghResult('agh', inst, t0, best, run, stats, search, {});
  },
};

