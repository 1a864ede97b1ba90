/**
 * The repository's file-level import graph, read from the sources (static `import … from`,
 * `export … from`, dynamic `import('…')` and `new URL('…', import.meta.url)` module references),
 * for the layout test.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/** Repository-relative path → the repository files it references. */
export type ImportGraph = Map<string, string[]>;

const SKIP = new Set(['node_modules', '.git', 'results', 'notebooks', 'docs']);
const SPECIFIER = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+|new URL\(\s*)['"](\.{1,2}\/[^'"]*)['"]/g;

export function sourceFiles(repo: string, dir = ''): string[] {
  return readdirSync(join(repo, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return SKIP.has(e.name) || e.name.startsWith('.') ? [] : sourceFiles(repo, path);
    return /\.(ts|mjs)$/.test(e.name) ? [path] : [];
  });
}

export function importGraph(repo: string): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of sourceFiles(repo)) {
    const text = readFileSync(join(repo, file), 'utf8');
    const targets = [...text.matchAll(SPECIFIER)]
      .map((m) => normalize(join(dirname(file), m[1])))
      .filter((t) => existsSync(join(repo, t)) && statSync(join(repo, t)).isFile());
    graph.set(file, [...new Set(targets)].map((t) => relative('.', t)));
  }
  return graph;
}

/** Every file reachable from `start` (itself included). */
export function reachable(graph: ImportGraph, start: string): Set<string> {
  const seen = new Set<string>([start]);
  const stack = [start];
  while (stack.length) for (const next of graph.get(stack.pop()!) ?? []) if (!seen.has(next)) seen.add(next), stack.push(next);
  return seen;
}

/** The strongly connected components with more than one file (Tarjan), each one a cycle. */
export function cycles(graph: ImportGraph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}
