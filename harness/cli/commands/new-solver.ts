// `alloc-bench new-solver NAME`: a heuristic's file, its registry line and its conformance test (../new-solver.ts).
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Argv, CommandModule } from 'yargs';
import { newSolver } from '../new-solver.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

interface Args {
  name: string;
  root: string;
}

export const newSolverCommand: CommandModule<object, Args> = {
  command: 'new-solver <name>',
  describe: 'Start a heuristic: write solvers/heuristics/NAME.ts (the Solver contract filled in, a simple working first-fit rule to edit), add it to solvers/heuristics/index.ts (the registry) and write NAME.test.ts (its conformance checks)',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'Solver name: lower-case letters and digits, words joined by "-" (e.g. first-fit); its spec string and file name' })
      .option('root', { type: 'string', default: REPO, defaultDescription: 'this repository', describe: 'Repository root to write into (the folder holding solvers/)' })
      .epilogue('Then: edit solvers/heuristics/NAME.ts; check it with `npx vitest run solvers/heuristics/NAME.test.ts` (the full suite, solvers/conformance.test.ts, covers it too once registered); compare it with `npx alloc-bench compare NAME --against agh --set tiny` (docs/compare.md).')
      .example('$0 new-solver first-fit', 'solvers/heuristics/first-fit.ts, first-fit.test.ts and its line in index.ts') as Argv<Args>,
  handler: (args) => {
    const files = newSolver(args.name, args.root);
    const show = (f: string) => relative(process.cwd(), f) || f;
    process.stderr.write(`wrote ${show(files.solver)} and ${show(files.test)}; registered in ${show(files.index)}\n` +
      `next: edit ${show(files.solver)}, then \`npx vitest run ${show(files.test)}\` and \`npx alloc-bench compare ${args.name} --against agh --set tiny\`\n`);
  },
};
