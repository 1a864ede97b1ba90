/**
 * A user has the repository and nothing beside it: every relative link of the user-facing docs
 * resolves to a file in the repository (and its #anchor to one of that file's headings), and no
 * user-facing text (docs, `--help`, the solver list) points outside it or to the project's
 * internal specification.
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
    for (const { doc, target, path } of relativeLinks()) {
      if (!path) continue;
      links++;
      const file = resolve(REPO, dirname(doc), path);
      if (relative(REPO, file).startsWith('..') || !existsSync(file)) broken.push(`${doc}: ${target}`);
    }
    expect(links).toBeGreaterThan(10);
    expect(broken).toEqual([]);
  });

  it('slug headings as GitHub does', () => {
    const md = [
      '# Heuristics (GH, AGH, AGH-LNS, cheapest)',
      '### Bounds beside the LP cap: tuning on (8,8,10), held-out seeds 1001–1010',
      '## `agh-lns` — this project\'s extension',
      '```', '# not a heading', '```',
      '## Runtimes', '## Runtimes',
    ].join('\n');
    expect([...headingSlugs(md)]).toEqual([
      'heuristics-gh-agh-agh-lns-cheapest',
      'bounds-beside-the-lp-cap-tuning-on-8810-held-out-seeds-10011010',
      'agh-lns--this-projects-extension',
      'runtimes',
      'runtimes-1',
    ]);
  });

  it("link to headings that exist: every #anchor is a slug of one of the target's headings", () => {
    const broken: string[] = [];
    let anchors = 0;
    for (const { doc, target, path, anchor } of relativeLinks()) {
      if (anchor === null || (path && !path.endsWith('.md'))) continue;
      const file = path ? resolve(REPO, dirname(doc), path) : join(REPO, doc);
      if (!existsSync(file)) continue; // the test above reports it
      anchors++;
      if (!headingSlugs(readFileSync(file, 'utf8')).has(anchor)) broken.push(`${doc}: ${target}`);
    }
    expect(anchors).toBeGreaterThan(5);
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

/**
 * Every relative link of the user-facing docs (no scheme such as https:): the document, the
 * target as written, its file path (empty for a link within the document) and its #anchor (null
 * without one), both URL-decoded.
 */
function* relativeLinks(): Generator<{ doc: string; target: string; path: string; anchor: string | null }> {
  for (const doc of DOCS) {
    for (const [, target] of readFileSync(join(REPO, doc), 'utf8').matchAll(MARKDOWN_LINK)) {
      if (/^[a-z]+:/i.test(target)) continue;
      const hash = target.indexOf('#');
      const path = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
      yield { doc, target, path, anchor: hash < 0 ? null : decodeURIComponent(target.slice(hash + 1)) };
    }
  }
}

/**
 * The anchors GitHub gives a Markdown file's headings: the heading's text (link targets, code
 * ticks and emphasis stars dropped) in lower case, without punctuation or symbols, spaces turned
 * into hyphens; a repeated slug gets -1, -2, … Headings inside code fences do not count.
 */
function headingSlugs(markdown: string): Set<string> {
  const slugs = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const text = heading[1].replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[`*]/g, '');
    const slug = text.toLowerCase().replace(/[^\p{L}\p{N}\p{M} _-]/gu, '').replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    slugs.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return slugs;
}

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
