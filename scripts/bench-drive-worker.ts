/**
 * The Drive mailbox measured with the real Colab worker: the bot's JobClient over
 * DriveTransport and `python -m colab.worker` as a process, each pair on its own
 * Drive fake with latency added to every call. Used by scripts/bench-drive.ts for
 * one job after an idle spell, and for calls per job when lines take 0.1, 1 or 3 s
 * to write (the worker's `--slow-ms` sleeps at every sampling step of a tiny model).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseConfig } from '../src/config.ts';
import type { Request } from '../src/jobs/protocol.ts';
import { DriveTransport } from '../src/transport/drive/drive.ts';
import { initMailbox } from '../src/transport/drive/init.ts';
import { startDriveFake, type DriveFake } from '../test/fakes/drive/index.ts';
import { PYTHON, ROOT } from '../test/helpers/python.ts';
import { makeRequest, RecordingBot } from '../test/transport/drive/job-harness.ts';
import { apiFor } from '../test/transport/drive/world.ts';
import { silentLogger } from '../src/log.ts';

/** Drive methods on the path from submit to delivery (cleanup deletes are counted apart). */
export const PATH_METHODS = ['files.create', 'files.generateIds', 'changes.list', 'files.get.media'];
/** The Colab worker's idle window (colab/worker/main.py BUSY_WINDOW_S): after it, the worker polls at its idle pace. */
export const WORKER_BUSY_WINDOW_MS = 30_000;

/** A bot and a Python worker on one fake. */
export interface PythonPair {
  fake: DriveFake;
  bot: RecordingBot;
  worker: ChildProcess;
  output: () => string;
  close(): Promise<void>;
}

/** Starts a fake, a mailbox, the bot (default polling) and `python -m colab.worker` with `workerArgs`. */
export async function pythonPair(
  model: string,
  latencyMs: number,
  workerArgs: string[],
  id: string,
): Promise<PythonPair> {
  const fake = await startDriveFake({
    principals: ['bot', 'worker'].map((label) => ({ token: `${label}-token`, email: 'me@example.com', label })),
  });
  const { rootId } = await initMailbox(apiFor(fake, 'bot-token'));
  fake.setLatency(latencyMs);
  const { DRIVE_POLL_FAST_MS: fastMs, DRIVE_POLL_SLOW_MS: slowMs } = parseConfig({});
  const transport = new DriveTransport({
    api: apiFor(fake, 'bot-token', { timeoutMs: 10_000 }),
    folderId: rootId,
    polling: { fastMs, slowMs },
    log: silentLogger(),
  });
  const bot = new RecordingBot(transport);
  await transport.open();
  await bot.start();
  let out = '';
  const worker = spawn(
    PYTHON,
    [
      '-m',
      'colab.worker',
      '--drive-folder',
      rootId,
      '--drive-api-url',
      fake.url,
      '--model',
      model,
      '--worker-id',
      id,
      '--device',
      'cpu',
      '--threads',
      '1',
      '--quiet',
      ...workerArgs,
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DRIVE_ACCESS_TOKEN: 'worker-token', PYTHONUNBUFFERED: '1' },
    },
  );
  worker.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  worker.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const end = Date.now() + 120_000;
  while (!(await running(transport, id))) {
    if (worker.exitCode !== null || Date.now() > end) throw new Error(`the Python worker ${id} did not start: ${out}`);
    await sleep(200);
  }
  return {
    fake,
    bot,
    worker,
    output: () => out,
    async close() {
      worker.kill('SIGTERM');
      await new Promise((resolve) => (worker.exitCode !== null ? resolve(null) : worker.once('exit', resolve)));
      bot.stop();
      await transport.close();
      await fake.close();
    },
  };
}

async function running(transport: DriveTransport, id: string): Promise<boolean> {
  const text = await transport.get('workers', `${id}.json`).catch(() => null);
  return text !== null && (JSON.parse(text) as { state: string }).state === 'running';
}

/** A request whose line is exactly `chars` characters (no stop rule). */
export function fixedLengthRequest(user: string, chars: number): Request {
  const request = makeRequest(user);
  request.sampling = { ...request.sampling, max_chars: chars, stop: 'none' };
  return request;
}

/** Records each response's generation time (result.ms) as the bot applies it. */
export function recordGeneration(bot: RecordingBot): number[] {
  const ms: number[] = [];
  bot.jobs.setHandler({
    response: async (request, response) => {
      if (response.ok) ms.push(response.result.ms);
      await bot.response(request);
    },
    expired: (request) => bot.expired(request),
  });
  return ms;
}

/** Submits one job and waits for its delivery -> ms from submit to delivery. */
export async function oneJob(bot: RecordingBot, request: Request, timeoutMs = 60_000): Promise<number> {
  const started = performance.now();
  await bot.jobs.submit(request);
  await bot.waitFor([request.job_id], timeoutMs);
  return bot.deliveredAt.get(request.job_id)! - started;
}

/** Calls a principal made, by method. */
export function callsOf(fake: DriveFake, label: string): Record<string, number> {
  return fake.counts().byPrincipal[label]?.calls ?? {};
}

/** The sum of `methods` in `calls`. */
export function sumOf(calls: Record<string, number> = {}, methods: string[] = Object.keys(calls)): number {
  return methods.reduce((n, m) => n + (calls[m] ?? 0), 0);
}
