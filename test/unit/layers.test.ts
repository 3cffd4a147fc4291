import { dirname, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importsOf, SRC, sourceFiles } from '../helpers/sources.js';

// The folders of src/ are layers: an import goes down or sideways, never around in a circle, so
// each folder can be read (and changed) knowing only what is below it.

interface Import {
  readonly from: string;
  readonly to: string;
  /** `import type`, or every name imported as a type: gone at run time. */
  readonly typeOnly: boolean;
}

/** Every relative import and re-export between files of src/ (dynamic imports are loaded on demand, not layers). */
const relativeImportsOf = (file: string): Import[] =>
  importsOf(file).flatMap(({ specifier, typeOnly, dynamic }) => {
    if (dynamic || !specifier.startsWith('.')) return [];
    const to = resolve(dirname(file), specifier.replace(/\.js$/, '.ts'));
    return to.startsWith(SRC) ? [{ from: relative(SRC, file), to: relative(SRC, to), typeOnly }] : [];
  });

/** The folder a file of src/ belongs to; a file at the top is its own. */
const folderOf = (path: string): string => path.split('/')[0]!;

const IMPORTS = sourceFiles().flatMap(relativeImportsOf);

/** Folder cycles over value imports, each as its folders with one import per step. */
function folderCycles(): string[][] {
  const edges = new Map<string, Map<string, string>>();
  for (const { from, to, typeOnly } of IMPORTS) {
    const a = folderOf(from);
    const b = folderOf(to);
    if (typeOnly || a === b) continue;
    if (!edges.has(a)) edges.set(a, new Map());
    if (!edges.get(a)!.has(b)) edges.get(a)!.set(b, `${from} → ${to}`);
  }
  const cycles: string[][] = [];
  const seen = new Set<string>();
  // A cycle through each edge a → b is a path back from b to a.
  for (const [a, targets] of edges) {
    for (const [b, step] of targets) {
      const back = pathBetween(edges, b, a);
      if (!back) continue;
      const cycle = [step, ...back];
      const key = [...new Set(cycle.map((s) => folderOf(s)))].sort().join(',');
      if (!seen.has(key)) cycles.push(cycle), seen.add(key);
    }
  }
  return cycles;
}

function pathBetween(edges: Map<string, Map<string, string>>, start: string, goal: string): string[] | undefined {
  const queue: [string, string[]][] = [[start, []]];
  const visited = new Set([start]);
  while (queue.length > 0) {
    const [at, steps] = queue.shift()!;
    for (const [next, step] of edges.get(at) ?? []) {
      if (next === goal) return [...steps, step];
      if (!visited.has(next)) visited.add(next), queue.push([next, [...steps, step]]);
    }
  }
  return undefined;
}

describe('the layers of src/', () => {
  it('reads the imports it checks', () => {
    expect(IMPORTS.length).toBeGreaterThan(300);
    expect(IMPORTS.some((i) => i.typeOnly)).toBe(true);
  });

  it('no folders import each other in a circle (value imports)', () => {
    expect(folderCycles()).toEqual([]);
  });

  it('the in-process subgraphs import nothing of the GraphQL pipeline or the HTTP edge, not even a type', () => {
    const over = IMPORTS.filter((i) => folderOf(i.from) === 'subgraphs' && ['graphql', 'http'].includes(folderOf(i.to)));
    expect(over.map((i) => `${i.from} → ${i.to}`)).toEqual([]);
  });
});
