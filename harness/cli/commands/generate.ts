// `alloc-bench generate`: one instance (docs/model.md §6) as JSON, on stdout or into a file.
import { relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Argv, CommandModule } from 'yargs';
import { SCENARIOS, SYSTEM_DEFAULTS } from '../../../generators/catalog.ts';
import { generateInstance } from '../../../generators/instance.ts';
import { parseSizes } from '../../../generators/sizes.ts';
import { InputError } from '../../../lib/errors.ts';
import { writeFileAtomic } from '../../../lib/files.ts';
import type { ScenarioId, SloMode } from '../../../solvers/problem/types.ts';
import { DEFAULT_PROFILE_PATH, loadProfileBundle, type ProfileBundle } from '../../../traces/profile.ts';
import { printable } from '../errors.ts';

interface GenerateArgs {
  size: string;
  seed: string;
  scenario: ScenarioId;
  'slo-mode': SloMode;
  profile: string;
  'demand-scale': string;
  out?: string;
}

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export const generateCommand: CommandModule<object, GenerateArgs> = {
  command: 'generate',
  describe: 'Generate a problem instance from the trace profile (docs/model.md §6)',
  builder: (y) =>
    y
      .option('size', { type: 'string', demandOption: true, describe: 'I,J,K: query types, models, tiers (e.g. 6,6,10)' })
      .option('seed', { type: 'string', default: '1', describe: 'Instance seed (non-negative integer)' })
      .option('scenario', { choices: Object.keys(SCENARIOS), default: 'S1', describe: 'S1 baseline, S2 tight SLOs, S3 critical budget, S4 high penalty, S5 = S3 + S4' })
      .option('slo-mode', { choices: ['average', 'per-route'], default: 'average', describe: 'average: mean delay and error per type within the SLO; per-route: every used route meets both SLOs on its own (docs/model.md §4)' })
      .option('profile', { type: 'string', default: DEFAULT_PROFILE_PATH, defaultDescription: 'traces/profiles/azure-2023.json', describe: 'Trace calibration profile bundle' })
      .option('demand-scale', { type: 'string', default: String(SYSTEM_DEFAULTS.demand_scale), describe: 'Multiplier of the trace rates' })
      .option('out', { type: 'string', describe: 'Write the instance here (atomically) instead of to stdout' }) as Argv<GenerateArgs>,
  // Async so that an InputError reaches the CLI's one-line error report (a sync throw escapes it).
  // Flags are parsed here rather than with yargs' coerce, which rewraps errors and loses their class.
  handler: async (args) => {
    const sizes = parseSizes(args.size);
    const seed = parseSeed(args.seed);
    const demandScale = parseDemandScale(args['demand-scale']);
    const profile = loadProfileBundle(args.profile);
    const inst = generateInstance({
      sizes,
      seed,
      scenario: args.scenario,
      sloMode: args['slo-mode'],
      profile,
      profileName: profileLabel(args.profile, profile),
      demandScale,
    });
    const json = `${JSON.stringify(inst, null, 2)}\n`;
    if (args.out) {
      writeFileAtomic(args.out, json);
      process.stdout.write(`wrote ${printable(args.out)} (${inst.meta.id})\n`);
    } else {
      process.stdout.write(json);
    }
  },
};

function parseSeed(text: string): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new InputError(`--seed expects a non-negative integer; got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

function parseDemandScale(text: string): number {
  const x = Number(text);
  if (text.trim() === '' || !Number.isFinite(x) || x <= 0) {
    throw new InputError(`--demand-scale expects a positive number such as 3; got ${JSON.stringify(text)}`);
  }
  return x;
}

/**
 * `meta.profile`: the profile file (repo-relative when inside the repo, else its base name, so
 * the instance does not depend on where the checkout lives) and the traces it was made from.
 */
function profileLabel(path: string, profile: ProfileBundle): string {
  const abs = resolve(path);
  const rel = relative(REPO_ROOT, abs);
  const file = rel.startsWith('..') ? abs.split(sep).pop()! : rel.split(sep).join('/');
  const traces = Object.entries(profile.traces).map(([role, t]) => `${role}: ${t.source}`);
  return `${file} (${traces.join(', ')})`;
}
