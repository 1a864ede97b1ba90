/** The built-in heuristics, in the order `alloc-bench solvers` lists them. */
import type { Solver } from '../solver.ts';
import { agh } from './agh.ts';
import { aghLns } from './agh-lns.ts';
import { cheapest } from './cheapest.ts';
import { gh } from './gh.ts';

export const HEURISTICS: readonly Solver[] = [gh, agh, aghLns, cheapest];
