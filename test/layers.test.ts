/**
 * The layers, checked over every import of src/ and commands/: no file imports
 * from a layer above its own, and chat adapters see the bot through core alone.
 * Top to bottom: main/cli → app → chat → core → commands → stories → worker →
 * jobs, model → transport, with ops/ (health and metrics) just under main.
 * config.ts, log-text.ts, log.ts and metrics.ts sit beside them all: any layer may read them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/python.ts';

/** The layers, top first; a file may import from its own layer and those below it. */
const LAYERS: readonly (readonly string[])[] = [
  ['src/main.ts', 'src/cli/'],
  // The health and metrics endpoints look at the whole bot, chat adapters included.
  ['src/ops/'],
  ['src/app.ts'],
  ['src/chat/'],
  ['src/core/'],
  ['commands/'],
  ['src/stories/'],
  ['src/worker/'],
  // Beside each other: neither imports the other.
  ['src/jobs/', 'src/model/'],
  ['src/transport/'],
];

/** Read by every layer, and reading none of them (config.ts checks the command ranges it shares with chat). */
const SHARED: Record<string, readonly string[]> = {
  'src/config.ts': ['commands/story.ts', 'commands/candidates.ts'],
  'src/log-text.ts': [],
  // The logger and the metrics registry: every layer logs and counts.
  'src/log.ts': ['src/config.ts', 'src/log-text.ts'],
  'src/metrics.ts': [],
};

/**
 * What chat/ may import beneath core: the errors users see, the pure rules of who may press a button, and the
 * words for counted things ("2 votes"), so every chat says them alike.
 */
const CHAT_MAY_REACH = ['src/stories/errors.ts', 'src/stories/permissions.ts', 'src/stories/plural.ts'];

/** `import … from '…'`, `export … from '…'`, `import '…'` and `import('…')`. */
const SPECIFIER = /(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(?\s*['"]([^'"]+)['"]/g;

function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return filesUnder(path);
    return /\.ts$/.test(name) ? [path] : [];
  });
}

/** Every relative import of a file, as a path from the repository root. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(SPECIFIER)]
    .map((m) => m[1] ?? m[2])
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => relative(ROOT, normalize(join(ROOT, dirname(file), spec))));
}

function layerOf(file: string): number {
  const holds = (place: string) => (place.endsWith('/') ? file.startsWith(place) : file === place);
  return LAYERS.findIndex((layer) => layer.some(holds));
}

const FILES = [...filesUnder('src'), ...filesUnder('commands')];
const CORE = layerOf('src/core/core.ts');

describe('the layers', () => {
  it('place every file of src/ and commands/', () => {
    const placed = (f: string) => layerOf(f) >= 0 || f in SHARED;
    expect(FILES.filter((f) => !placed(f))).toEqual([]);
  });

  it('never import from a layer above', () => {
    const upward: string[] = [];
    for (const file of FILES.filter((f) => layerOf(f) >= 0)) {
      for (const target of importsOf(file)) {
        if (target in SHARED || target === 'package.json') continue;
        const to = layerOf(target);
        if (to < 0 || to < layerOf(file)) upward.push(`${file} → ${target}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('leave config.ts and log-text.ts reading none of the layers', () => {
    const reads = Object.keys(SHARED).flatMap((file) => importsOf(file).filter((t) => !SHARED[file].includes(t)));
    expect(reads).toEqual([]);
  });

  it('let chat adapters reach beneath core only for the errors and the button rules', () => {
    const beneath = FILES.filter((f) => f.startsWith('src/chat/')).flatMap((file) =>
      importsOf(file)
        .filter((t) => layerOf(t) > CORE && !t.startsWith('commands/') && !CHAT_MAY_REACH.includes(t))
        .map((t) => `${file} → ${t}`),
    );
    expect(beneath).toEqual([]);
  });

  it('see the import statements they check (the scan is not blind)', () => {
    expect(importsOf('src/app.ts')).toContain('src/core/core.ts');
    expect(importsOf('src/stories/story.ts')).toContain('src/jobs/protocol.ts');
  });
});
