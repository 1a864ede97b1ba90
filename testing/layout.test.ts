/**
 * The layout rules of the repository (README "Map of the code"): data flows one way, lib/ at the
 * bottom, test helpers never imported by product code, no file cycles, the paper's AGH free of the
 * extension's moves, a README in every source folder, and no comment citing texts users lack.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cycles, importGraph, reachable, sourceFiles } from './import-graph.ts';

const REPO = dirname(dirname(fileURLToPath(import.meta.url)));
const graph = importGraph(REPO);
const isTest = (f: string) => f.endsWith('.test.ts') || f.startsWith('testing/');
const product = [...graph.keys()].filter((f) => !isTest(f));
const top = (f: string) => f.split('/')[0];

/** Product files of folder `from` that import anything under one of `forbidden`. */
function reachingUp(from: string, forbidden: string[]): string[] {
  return product.filter((f) => top(f) === from).flatMap((f) => graph.get(f)!.filter((t) => forbidden.includes(top(t))).map((t) => `${f} -> ${t}`));
}

describe('repository layout', () => {
  it('reads a graph of the whole tree', () => {
    expect(graph.size).toBeGreaterThan(150);
    expect(graph.get('solvers/registry.ts')).toContain('solvers/heuristics/index.ts');
  });

  it('lets data flow one way: lib → traces → generators → solvers → harness, bench on top', () => {
    expect(reachingUp('lib', ['traces', 'generators', 'solvers', 'harness', 'bench', 'testing'])).toEqual([]);
    expect(reachingUp('traces', ['generators', 'solvers', 'harness', 'bench', 'testing'])).toEqual([]);
    expect(reachingUp('solvers', ['generators', 'harness', 'bench', 'testing'])).toEqual([]);
    expect(reachingUp('generators', ['harness', 'bench', 'testing'])).toEqual([]);
    expect(reachingUp('harness', ['testing'])).toEqual([]);
    expect(reachingUp('bench', ['harness', 'testing'])).toEqual([]);
  });

  it('has no file cycles', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('keeps the paper\'s AGH free of the extension\'s moves', () => {
    const agh = [...reachable(graph, 'solvers/heuristics/agh.ts')];
    expect(agh).toContain('solvers/heuristics/greedy/construct.ts');
    expect(agh.filter((f) => /relayout|pairmix|pair-mix|ruin|redeploy|re-deploy|agh-lns|\/lns\//.test(f))).toEqual([]);
  });

  it('keeps harness/ grouped by stage: at most 12 source files directly in it', () => {
    const direct = readdirSync(join(REPO, 'harness')).filter((f) => /\.(ts|mjs)$/.test(f) && !f.endsWith('.test.ts'));
    expect(direct.length).toBeLessThanOrEqual(12);
  });

  it('has a README in every folder with source files', () => {
    const folders = [...new Set(sourceFiles(REPO).map((f) => dirname(f)))].filter((d) => d !== '.');
    expect(folders.filter((d) => !existsSync(join(REPO, d, 'README.md')))).toEqual([]);
  });

  it('cites the docs/ of the repository in comments, never the internal specification', () => {
    const outside = /FORMULATION|HEURISTICS\.md|EXPERIMENTS\.md|SOLVERS\.md|ABSTRACT\.md|shared\/spec/;
    const self = ['testing/layout.test.ts', 'harness/docs-links.test.ts'];
    const bad = sourceFiles(REPO).filter((f) => !self.includes(f)).flatMap((f) =>
      readFileSync(join(REPO, f), 'utf8').split('\n').flatMap((l, n) => (outside.test(l) ? [`${f}:${n + 1}`] : [])));
    expect(bad).toEqual([]);
  });
});
