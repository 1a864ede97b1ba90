/**
 * A user has the repository and nothing beside it: every relative link of the user-facing docs
 * resolves to a file in the repository, and no user-facing text (docs, `--help`, the solver list)
 * points outside it or to the project's internal specification.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import yargs, { type CommandModule } from 'yargs';
import { describe, expect, it } from 'vitest';
import { listSolvers } from '../solvers/registry.ts';

const REPO = dirname(dirname(fileURLToPath(import.meta.url)));
const DOCS = [
  'README.md', 'REPRODUCE.md', 'notebooks/README.md', 'results/README.md',
  ...readdirSync(join(REPO, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
];

/** Names of texts a user of the repository does not have. */
const OUTSIDE = /\.\.\/shared|shared\/spec|\bspec\/|FORMULATION|HEURISTICS\.md|EXPERIMENTS\.md|SOLVERS\.md|ABSTRACT\.md/;

const MARKDOWN_LINK = /\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;

describe('user-facing docs', () => {
  it('link only to files that exist in the repository', () => {
    const broken: string[] = [];
    let links = 0;
    for (const doc of DOCS) {
      const text = readFileSync(join(REPO, doc), 'utf8');
      for (const [, target] of text.matchAll(MARKDOWN_LINK)) {
        if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
        links++;
        const file = resolve(REPO, dirname(doc), decodeURIComponent(target.replace(/#.*$/, '')));
        if (relative(REPO, file).startsWith('..') || !existsSync(file)) broken.push(`${doc}: ${target}`);
      }
    }
    expect(links).toBeGreaterThan(10);
    expect(broken).toEqual([]);
  });

  it('do not point outside the repository or to the internal specification', () => {
    for (const doc of DOCS) {
      const lines = readFileSync(join(REPO, doc), 'utf8').split('\n');
      const bad = lines.flatMap((l, n) => (OUTSIDE.test(l) ? [`${doc}:${n + 1}: ${l.trim()}`] : []));
      expect(bad, doc).toEqual([]);
    }
  });
});

/** The `--help` text of a command, rendered by yargs in-process (no child process). */
async function helpOf(command: CommandModule<object, object>): Promise<string> {
  const name = String(command.command).split(' ')[0];
  return new Promise((done, fail) => {
    yargs().scriptName('alloc-bench').command(command).help().exitProcess(false)
      .parse([name, '--help'], {}, (err, _argv, output) => (err ? fail(err) : done(output)));
  });
}

describe('command-line help', () => {
  it('of every command, and the solver list, points inside the repository', async () => {
    const dir = join(REPO, 'harness', 'cli', 'commands');
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    const texts: [string, string][] = [];
    for (const f of files) {
      const mod = (await import(join(dir, f))) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod)) {
        if (name.endsWith('Command') && typeof value === 'object' && value !== null && 'command' in value) {
          texts.push([name, await helpOf(value as CommandModule<object, object>)]);
        }
      }
    }
    expect(texts.length).toBe(files.length);
    // the commands' descriptions are in the text scanned (generate cites the model's docs)
    expect(texts.find(([n]) => n === 'generateCommand')![1]).toContain('docs/model.md');
    for (const [name, help] of texts) {
      expect(help, name).toMatch(/Options:/);
      expect(help, name).not.toMatch(OUTSIDE);
    }
    for (const s of listSolvers()) {
      const text = [s.description, ...Object.values(s.options).map((o) => o.description)].join('\n');
      expect(text, s.name).not.toMatch(OUTSIDE);
    }
  });
});
