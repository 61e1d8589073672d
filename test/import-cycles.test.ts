/**
 * No import cycles anywhere in src/: each module can be read (and tested) after the modules it imports,
 * never before. Type-only imports count; a cycle of types is still two files that must be read together.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph } from './helpers/import-graph.ts';
import { ROOT } from './helpers/python.ts';

describe('imports', () => {
  it('finds the cycles it is meant to find', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts', 'a.ts']],
      ['c.ts', []],
      ['d.ts', ['d.ts']],
      ['e.ts', ['c.ts']],
    ]);
    expect(importCycles(graph)).toEqual([['a.ts', 'b.ts'], ['d.ts']]);
  });

  it('reads src/ as a graph of its modules (import type, re-exports and dynamic imports included)', () => {
    const graph = importGraph(join(ROOT, 'src'));
    expect(graph.get('worker/worker.ts')).toEqual(expect.arrayContaining(['model/engine.ts', 'worker/control.ts']));
    expect(graph.get('main.ts')!.length).toBeGreaterThan(0);
  });

  it('has no import cycle in src/', () => {
    expect(importCycles(importGraph(join(ROOT, 'src')))).toEqual([]);
  });
});
