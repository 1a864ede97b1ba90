// `alloc-bench solvers`: the registry — each solver's name, kind, description and options.
import type { CommandModule } from 'yargs';
import { listSolvers } from '../../../solvers/registry.ts';

export const solversCommand: CommandModule<object, { json: boolean }> = {
  command: 'solvers',
  describe: 'List the registered solvers with their options and defaults',
  builder: (y) => y.option('json', { type: 'boolean', default: false, describe: 'print the list as JSON' }),
  handler: async (args) => {
    const solvers = listSolvers();
    if (args.json) {
      const list = solvers.map((s) => ({ name: s.name, kind: s.kind, description: s.description, deterministic: s.deterministic, options: s.options }));
      process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
      return;
    }
    const lines: string[] = [];
    for (const s of solvers) {
      lines.push(`${s.name}  (${s.kind})  ${s.description}`);
      for (const [key, o] of Object.entries(s.options)) {
        const range = [o.min !== undefined ? `≥ ${o.min}` : '', o.max !== undefined ? `≤ ${o.max}` : '', o.choices ? `one of ${o.choices.join('|')}` : ''].filter(Boolean).join(', ');
        lines.push(`    ${key}=${o.default}  ${o.type}${range ? ` ${range}` : ''} — ${o.description}`);
      }
    }
    lines.push('', 'Spec: name[:option=value,…], e.g. highs:time_limit_s=30,seed=2');
    process.stdout.write(`${lines.join('\n')}\n`);
  },
};
