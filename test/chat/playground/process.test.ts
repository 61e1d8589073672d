/**
 * `npm start` as a real process: the smoke test of src/main.ts (story, line, Continue,
 * SIGTERM), a failed start (port in use) that must not leave the embedded worker
 * behind, and the worker process exiting when its parent's IPC channel closes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CommandResult } from '../../../src/chat/playground/api.ts';
import type { storyView } from '../../../src/chat/playground/render.ts';
import { testConfig } from '../../helpers/bot.ts';
import { SMALL_MODEL } from '../../helpers/models.ts';
import { ROOT } from '../../helpers/python.ts';
import { forkWorker, killHard, readHeartbeat, until } from '../../helpers/worker-process.ts';

const TSX = join(ROOT, 'node_modules/.bin/tsx');
const dirs: string[] = [];

/** Pids of worker processes (src/worker/main.ts) on this data folder (matched by their environment: ours only). */
function workersOn(dataDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!cmdline.includes('src/worker/main.ts')) continue;
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`STORYLOOM_DATA_DIR=${dataDir}`))
        pids.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return pids;
}

/** Starts `tsx src/main.ts` (what `npm start` runs) on a fresh data folder; collects its output. */
function startMain(env: Record<string, string>): {
  child: ChildProcess;
  dataDir: string;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
} {
  const dataDir = mkdtempSync(join(tmpdir(), 'storyloom-main-'));
  dirs.push(dataDir);
  const child = spawn(TSX, ['src/main.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      STORYLOOM_DATA_DIR: dataDir,
      STORYLOOM_MODEL: SMALL_MODEL,
      STORYLOOM_COOLDOWN_S: '0',
      STORYLOOM_HEARTBEAT_S: '1',
      STORYLOOM_WORKER_ID: 'embedded-smoke',
      STORYLOOM_LOCAL_WORKER: 'auto',
      PLAYGROUND: 'on',
      PLAYGROUND_PORT: '0',
      DISCORD_TOKEN: '',
      SLACK_BOT_TOKEN: '',
      ...env,
    },
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, dataDir, out: () => out, err: () => err, exited };
}

type StoryView = ReturnType<typeof storyView>;

/** Fetches `url` (POSTs `body` when given) and returns its JSON, read as `T`; throws on a non-2xx status. */
async function json<T>(url: string, body?: unknown): Promise<T> {
  const res = await fetch(
    url,
    body === undefined
      ? {}
      : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  );
  const data = await res.json();
  if (!res.ok) throw new Error(`${res.status} ${JSON.stringify(data)}`);
  return data;
}

async function waitFor<T>(
  get: () => Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await get();
    if (ok(value)) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

afterAll(() => {
  // Should a test fail midway, leave nothing running: only worker processes on our own data folders.
  for (const dir of dirs) for (const pid of workersOn(dir)) process.kill(pid, 'SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('npm start (src/main.ts) as a process', () => {
  it('smoke: prints the URL, writes a line for /story, continues it, and stops cleanly on SIGTERM', async () => {
    const main = startMain({});
    try {
      await until(
        () => /playground: http:\/\/127\.0\.0\.1:\d+/.test(main.out()),
        60_000,
        `the printed URL (stderr: ${main.err()})`,
      );
      const url = /playground: (http:\/\/127\.0\.0\.1:\d+)/.exec(main.out())![1];
      const started = await json<CommandResult>(`${url}/api/command`, {
        user: 'Ann',
        text: '/story The old house --length 120',
      });
      expect(started.storyId).toMatch(/^[0-9A-Z]{26}$/);
      const first = await waitFor(
        () => json<StoryView>(`${url}/api/stories/${started.storyId}`),
        (s) => s.lines.length === 2,
        90_000,
        'the first line',
      );
      expect(first.lines[1]).toMatchObject({ kind: 'model', by: 'storyloom', author: { name: 'Ann' } });
      expect(workersOn(main.dataDir)).toHaveLength(1);
      const cont = first.buttons.find((b) => b.action === 'continue')!;
      await json(`${url}/api/button`, { user: 'Bob', customId: cont.customId });
      const second = await waitFor(
        () => json<StoryView>(`${url}/api/stories/${started.storyId}`),
        (s) => s.lines.length === 3,
        60_000,
        'the continued line',
      );
      expect(second.lines[2]).toMatchObject({ kind: 'model', author: { name: 'Bob' } });
      expect((await json<{ worker: unknown }>(`${url}/healthz`)).worker).toMatchObject({
        online: true,
        id: 'embedded-smoke',
      });

      main.child.kill('SIGTERM');
      expect(await main.exited).toBe(0);
      expect(main.out()).toMatch(/storyloom: stopping/);
      await until(() => workersOn(main.dataDir).length === 0, 10_000, 'the worker to be gone');
    } finally {
      if (main.child.exitCode === null) await killHard(main.child);
    }
  }, 180_000);

  it('a port already in use: a clear message, exit 1, and no embedded worker left behind', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const main = startMain({ PLAYGROUND_PORT: String(port) });
      expect(await main.exited).toBe(1);
      expect(main.err()).toMatch(new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
      await until(
        () => workersOn(main.dataDir).length === 0,
        10_000,
        `the worker to be gone (still: ${workersOn(main.dataDir).join(', ')})`,
      );
    } finally {
      taken.close();
    }
  }, 90_000);
});

describe('the embedded worker process (src/worker/main.ts)', () => {
  it('exits when its parent’s IPC channel closes', async () => {
    const config = testConfig();
    dirs.push(config.STORYLOOM_DATA_DIR);
    const child = forkWorker(config, SMALL_MODEL);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await until(() => readHeartbeat(config)?.state === 'running', 60_000, 'the worker to run');
      child.disconnect();
      const code = await Promise.race([
        exited,
        new Promise<string>((r) => setTimeout(() => r('still running'), 15_000)),
      ]);
      expect(code).toBe(0);
    } finally {
      await killHard(child);
    }
  }, 90_000);
});
