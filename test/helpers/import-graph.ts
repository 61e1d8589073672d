/**
 * The import graph of a source folder, from the files' text: which module imports which (relative imports
 * only, `import type` and re-exports included, since a cycle of types is still a cycle to read), and the
 * import cycles in it.
 *
 *   const graph = importGraph(join(ROOT, 'src'));   // 'worker/worker.ts' -> ['worker/control.ts', ...]
 *   importCycles(graph);                            // [['a.ts', 'b.ts'], ...], [] when there are none
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Each module (a path relative to the root) and the modules under the root it imports. */
export type ImportGraph = Map<string, string[]>;

/** `import … from '…'` and `export … from '…'`; then `import '…'` and `import('…')`. */
const FROM = String.raw`(?:^|[\s;])(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]`;
const BARE = String.raw`(?:^|[\s;])import\s*\(?\s*['"]([^'"]+)['"]`;
const IMPORT = new RegExp(`${FROM}|${BARE}`, 'g');

/** Comments, which may mention imports without making them. */
const COMMENT = /\/\*[\s\S]*?\*\/|(?<![:'"`])\/\/[^\n]*/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Reads the relative imports of every .ts file under `root`. */
export function importGraph(root: string): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of sourceFiles(root)) {
    const text = readFileSync(file, 'utf8').replace(COMMENT, '');
    const targets = new Set<string>();
    for (const match of text.matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2];
      if (!specifier.startsWith('.')) continue;
      const target = relative(root, resolve(dirname(file), specifier));
      if (!target.startsWith('..')) targets.add(target);
    }
    graph.set(relative(root, file), [...targets].sort());
  }
  return graph;
}

/** The import cycles: each strongly connected group of modules (or a module that imports itself), sorted. */
export function importCycles(graph: ImportGraph): string[][] {
  // Tarjan's algorithm: one pass, each module's lowest reachable index on the stack.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (module: string) => {
    index.set(module, index.size);
    low.set(module, index.get(module)!);
    stack.push(module);
    onStack.add(module);
    for (const next of graph.get(module) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(module, Math.min(low.get(module)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(module, Math.min(low.get(module)!, index.get(next)!));
      }
    }
    if (low.get(module) !== index.get(module)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== module);
    if (group.length > 1 || graph.get(module)!.includes(module)) cycles.push(group.sort());
  };
  for (const module of graph.keys()) if (!index.has(module)) visit(module);
  return cycles.sort((a, b) => a[0].localeCompare(b[0]));
}
