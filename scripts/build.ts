/**
 * The production build (`npm run build`): plain JavaScript that `node` runs alone (`npm run start:prod`).
 *
 * Usage: npx tsx scripts/build.ts [--out-dir dist]
 *
 * It empties the output folder (so a file removed from src/ leaves nothing behind), compiles src/ and
 * commands/ with tsconfig.build.json (relative `.ts` imports rewritten to `.js`), then copies what the code
 * reads at run time beside the file that reads it, at the same relative place as in the repository:
 * the playground's page (src/chat/playground/public) and the shipped models (colab/models: each
 * artifact's .json and .safetensors). The output keeps the repository's layout (`<out>/src/main.js`)
 * and must be a folder inside the repository: node finds its packages in the node_modules above it. (tsc also
 * writes `<out>/package.json`, which src/worker/main.ts imports for its version.)
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

/** The repository's own folders, which a build must never empty. */
const SOURCE_DIRS = ['src', 'commands', 'colab', 'contract', 'docs', 'scripts', 'test', 'node_modules', '.git', '.ci'];

/** What the built code reads at run time, relative to the repository root, and which of its files. */
export const RUNTIME_FILES: { dir: string; keep: (name: string) => boolean }[] = [
  { dir: 'src/chat/playground/public', keep: () => true },
  { dir: 'colab/models', keep: (name) => name.endsWith('.json') || name.endsWith('.safetensors') },
];

/** Builds into `outDir` (relative to the repository root, or absolute); returns its absolute path. */
export function build(outDir = 'dist'): string {
  const out = resolve(ROOT, outDir);
  // Emptied first: a folder of its own inside the repository (where its packages are found), never a source folder.
  const top = relative(ROOT, out).split(sep)[0];
  if (!out.startsWith(`${ROOT}${sep}`) || SOURCE_DIRS.includes(top)) {
    throw new Error(`build: the output folder must be a folder of its own inside ${ROOT}: ${out}`);
  }
  rmSync(out, { recursive: true, force: true });
  const tsc = join(ROOT, 'node_modules/.bin/tsc');
  execFileSync(tsc, ['-p', join(ROOT, 'tsconfig.build.json'), '--outDir', out], { cwd: ROOT, stdio: 'inherit' });
  for (const { dir, keep } of RUNTIME_FILES) {
    mkdirSync(join(out, dir), { recursive: true });
    for (const name of readdirSync(join(ROOT, dir)).filter(keep)) cpSync(join(ROOT, dir, name), join(out, dir, name));
  }
  return out;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const { values } = parseArgs({ options: { 'out-dir': { type: 'string', default: 'dist' } } });
  const started = performance.now();
  const out = build(values['out-dir']);
  console.log(`storyloom: built ${relative(ROOT, out) || out} in ${Math.round(performance.now() - started)} ms`);
}
