/**
 * The production build: `npm run build` compiles to plain JavaScript (here into a folder of its own under
 * test-artifacts/, so it never fights with a developer's dist/), and the built bot runs with node alone,
 * as `npm run start:prod` starts it: the playground's page, the shipped model, `.env` and the embedded
 * worker (forked as built JavaScript, no tsx) all work from the build, from any working folder, and it
 * stops on SIGTERM with exit 0.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../helpers/worker-process.ts';
import { ROOT } from '../helpers/python.ts';
import { STOP_BOUND_MS } from './helpers/bot-run.ts';
import { botEnv, freshDir, plainEnv, removeDataDirs } from './helpers/env.ts';
import { PlaygroundClient } from './helpers/playground-client.ts';
import { processesWith } from './helpers/proc.ts';
import { killAllRuns, ProcessRun } from './helpers/process-run.ts';

const OUT = join(ROOT, 'test-artifacts', `build-${randomBytes(4).toString('hex')}`);
const OUT_REL = relative(ROOT, OUT);
let buildMs = 0;

afterAll(() => {
  killAllRuns();
  removeDataDirs();
  rmSync(OUT, { recursive: true, force: true });
});

beforeAll(async () => {
  const started = performance.now();
  const run = new ProcessRun('npm run build', 'npm', ['run', 'build', '--', '--out-dir', OUT_REL], plainEnv());
  const exit = await run.ended(120_000);
  buildMs = Math.round(performance.now() - started);
  console.info(`[build] npm run build into ${OUT_REL}: ${buildMs} ms`);
  expect(exit, run.describe()).toEqual({ code: 0, signal: null });
}, 150_000);

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

describe('npm run build', () => {
  it('emits JavaScript only, its relative imports pointing at .js files, with the page and the model beside it', () => {
    const files = filesUnder(OUT);
    expect(files).toContain('src/main.js');
    expect(files).toContain('src/worker/main.js');
    expect(files).toContain('commands/index.js');
    expect(files.filter((file) => /\.(ts|mts|cts)$/.test(file))).toEqual([]);
    const page = readdirSync(join(ROOT, 'src/chat/playground/public')).map((f) => `src/chat/playground/public/${f}`);
    expect(files).toEqual(
      expect.arrayContaining([...page, 'colab/models/small.json', 'colab/models/small.safetensors']),
    );
    const tsImports = files
      .filter((file) => file.endsWith('.js') && !file.startsWith('src/chat/playground/public/'))
      .flatMap((file) => {
        const text = readFileSync(join(OUT, file), 'utf8');
        return [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)]
          .map((m) => m[1])
          .filter((spec) => !spec.endsWith('.js') && !spec.endsWith('.json'))
          .map((spec) => `${file}: ${spec}`);
      });
    expect(tsImports).toEqual([]);
  });

  it('starts again from an empty folder: a file left in the output by an earlier build is gone', async () => {
    writeFileSync(join(OUT, 'src/stale.js'), 'throw new Error("stale");\n');
    const run = new ProcessRun(
      'npm run build (again)',
      'npm',
      ['run', 'build', '--', '--out-dir', OUT_REL],
      plainEnv(),
    );
    expect(await run.ended(120_000), run.describe()).toEqual({ code: 0, signal: null });
    expect(existsSync(join(OUT, 'src/stale.js'))).toBe(false);
    expect(existsSync(join(OUT, 'src/main.js'))).toBe(true);
  }, 150_000);
});

describe('the built bot, run with node alone (npm run start:prod)', () => {
  it('serves the page and a story from the embedded worker, reads .env, and stops on SIGTERM with exit 0', async () => {
    const script = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts['start:prod'] as string;
    expect(script).toMatch(/^NODE_ENV=production exec node .* dist\/src\/main\.js$/);
    // The same command on this build, run from a folder of its own that holds a `.env`, as a deployment has.
    const command = script.replace(/ dist\/src\/main\.js$/, ` ${OUT}/src/main.js`);
    const cwd = freshDir('storyloom-build-cwd-');
    writeFileSync(join(cwd, '.env'), 'STORYLOOM_WORKER_ID=from-dotenv\n');
    // The model by its name: found among the build's own copy of colab/models.
    const env = botEnv({ STORYLOOM_MODEL: 'small' });
    delete env.STORYLOOM_WORKER_ID;
    const bot = new ProcessRun('start:prod (built)', 'sh', ['-c', command], env, cwd);

    const url = (await bot.waitForOutput(/playground: (http:\/\/127\.0\.0\.1:\d+)/, 60_000))[1];
    const playground = new PlaygroundClient(url);
    for (const path of ['/', '/app.js', '/style.css']) {
      const res = await fetch(`${url}${path}`);
      expect(res.status, path).toBe(200);
      expect((await res.text()).length, path).toBeGreaterThan(100);
    }
    const id = await playground.startStory('Ann', 'The old house --length 40');
    const story = await playground.waitForLines(id, 2, 60_000);
    expect(story.lines[1]).toMatchObject({ kind: 'model', by: 'storyloom', author: { name: 'Ann' } });
    expect((await playground.health()).worker).toMatchObject({ online: true, id: 'from-dotenv' });

    // Plain node all the way down: the bot (exec'd by sh) and its worker, both built JavaScript, no tsx.
    const workers = processesWith(bot.marker, `${OUT}/src/worker/main.js`);
    expect(workers).toHaveLength(1);
    for (const pid of bot.processes()) {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      expect(argv.join(' ')).not.toMatch(/tsx|\.ts\b/);
      expect(readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')).toContain('NODE_ENV=production');
    }
    expect(bot.processes().sort((a, b) => a - b)).toEqual([bot.pid, ...workers].sort((a, b) => a - b));

    const stopped = await bot.stop('SIGTERM', 'process', 20_000);
    console.info(`[build] built bot: SIGTERM -> ${JSON.stringify(stopped)}; build took ${buildMs} ms`);
    expect({ code: stopped.code, signal: stopped.signal }, bot.describe()).toEqual({ code: 0, signal: null });
    expect(stopped.ms).toBeLessThan(STOP_BOUND_MS);
    expect(bot.out).toMatch(/storyloom: stopping/);
    await until(() => bot.processes().length === 0, 3_000, 'the built bot and its worker to be gone');
  }, 150_000);
});
