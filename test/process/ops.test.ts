/**
 * `npm start` with OPS_PORT=0: the health and metrics endpoints of a running bot. On a Drive mailbox (the Drive
 * fake) with the playground and the embedded worker, a story and its Continue show in /metrics as the run implies,
 * and /health/ready goes 503 with the mailbox's reason while Drive fails, then back to 200. On a local mailbox
 * with no embedded worker, a hand-written heartbeat that ages turns /health/ready 503 with the worker's reason.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import { writeHeartbeat } from '../helpers/playground.ts';
import { expectNoSecrets, npmStart, stopCleanly, type BotRun } from './helpers/bot-run.ts';
import { startDriveMailbox, type DriveMailbox } from './helpers/drive-mailbox.ts';
import { botEnv, removeDataDirs } from './helpers/env.ts';
import { PlaygroundClient } from './helpers/playground-client.ts';
import { killAllRuns } from './helpers/process-run.ts';

let drive: DriveMailbox;

beforeAll(async () => {
  drive = await startDriveMailbox();
}, 90_000);

afterAll(async () => {
  killAllRuns();
  await drive?.close();
  removeDataDirs();
});

/** The ops URL the bot printed: `  ops: http://127.0.0.1:PORT (/health/live, /health/ready, /metrics)`. */
async function opsUrl(bot: BotRun): Promise<string> {
  const line = / {2}ops: (http:\/\/127\.0\.0\.1:(\d+)) \(\/health\/live, \/health\/ready, \/metrics\)/;
  const [, url, port] = await bot.waitForOutput(line, 90_000);
  expect(Number(port)).toBeGreaterThan(0);
  return url;
}

interface ReadyAnswer {
  status: number;
  body: { ready: boolean; parts: Record<string, { ready: boolean; reason?: string }> };
}

async function ready(url: string): Promise<ReadyAnswer> {
  const res = await fetch(`${url}/health/ready`);
  return { status: res.status, body: (await res.json()) as ReadyAnswer['body'] };
}

/** Scrapes /metrics; `value(name, labels)` reads one sample (undefined when absent). */
async function scrape(url: string) {
  const res = await fetch(`${url}/metrics`);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  const text = await res.text();
  const value = (name: string, labels: Record<string, string> = {}): number | undefined => {
    for (const line of text.split('\n')) {
      const m = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!m || m[1] !== name) continue;
      const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
      if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
    }
    return undefined;
  };
  return { text, value };
}

const pg = { platform: 'playground' };

it('counts a story and its Continue over Drive, and is not ready while Drive fails', async () => {
  const env = botEnv({ ...drive.botEnv, STORYLOOM_WORKER_ID: 'embedded-process-ops', OPS_PORT: '0' });
  const bot = npmStart('npm start (ops, drive)', env);
  const url = await opsUrl(bot);
  const playground = new PlaygroundClient(await bot.playgroundUrl());
  const live = await fetch(`${url}/health/live`);
  expect({ status: live.status, body: await live.json() }).toMatchObject({ status: 200, body: { live: true } });
  await expect
    .poll(async () => (await ready(url)).body, { timeout: 30_000 })
    .toEqual({
      ready: true,
      parts: { playground: { ready: true }, mailbox: { ready: true }, worker: { ready: true } },
    });

  const id = await playground.startStory('Eve', 'The ferry left at dawn --length 40');
  const first = await playground.waitForLines(id, 2, 90_000);
  await playground.press('Fay', first.buttons.find((b) => b.action === 'continue')!.customId);
  await playground.waitForLines(id, 3, 90_000);
  // A job counts as completed once its line is delivered and saved, a moment after the page shows it.
  await expect
    .poll(async () => (await scrape(url)).value('storyloom_jobs_completed_total', { ...pg, purpose: 'continue' }))
    .toBe(1);

  const { text, value } = await scrape(url);
  expect(value('storyloom_jobs_submitted_total', { ...pg, purpose: 'start' })).toBe(1);
  expect(value('storyloom_jobs_submitted_total', { ...pg, purpose: 'continue' })).toBe(1);
  expect(value('storyloom_jobs_completed_total', { ...pg, purpose: 'start' })).toBe(1);
  expect(value('storyloom_job_wait_seconds_count')).toBe(2);
  expect(value('storyloom_job_generation_seconds_count')).toBe(2);
  expect(value('storyloom_job_generation_seconds_sum')).toBeGreaterThan(0);
  expect(value('storyloom_command_to_line_seconds_count', pg)).toBe(2);
  expect(value('storyloom_queue_depth')).toBe(0);
  expect(value('storyloom_stories', { state: 'open' })).toBe(1);
  expect(value('storyloom_stories', { state: 'ended' })).toBe(0);
  expect(value('storyloom_workers', { state: 'running', kind: 'embedded' })).toBe(1);
  expect(value('storyloom_worker_heartbeat_age_seconds', { state: 'running', kind: 'embedded' })).toBeLessThan(30);
  for (const method of ['files.create', 'changes.list']) {
    expect(value('storyloom_mailbox_calls_total', { transport: 'drive', method })).toBeGreaterThan(0);
  }
  expect(value('storyloom_jobs_failed_total')).toBeUndefined();
  // No chat API was called (the playground calls none): the metrics are declared, with no samples yet.
  for (const name of ['chat_api_errors_total', 'chat_rate_limit_waits_total', 'mailbox_errors_total']) {
    expect(text).toContain(`# TYPE storyloom_${name} counter`);
  }
  expect(value('process_cpu_user_seconds_total')).toBeGreaterThan(0);

  // Drive answers 503 to every poll of the changes feed: not ready, with the reason; then back.
  drive.fake.setFaults({ rate: 1, kinds: ['error503'], methods: ['changes.list'] });
  await expect.poll(async () => (await ready(url)).status, { timeout: 30_000 }).toBe(503);
  const failing = await ready(url);
  expect(failing.body.parts.mailbox).toEqual({
    ready: false,
    reason: 'Drive changes.list failed: HTTP 503 (backendError)',
  });
  expect(failing.body.parts.playground).toEqual({ ready: true });
  drive.fake.clearFaults();
  await expect.poll(async () => (await ready(url)).status, { timeout: 60_000 }).toBe(200);
  const errors = { transport: 'drive', method: 'changes.list', kind: '5xx' };
  expect((await scrape(url)).value('storyloom_mailbox_errors_total', errors)).toBeGreaterThan(0);

  await stopCleanly(bot, { signal: 'SIGTERM', target: 'process' });
  await expect(fetch(`${url}/health/live`)).rejects.toThrow();
  expectNoSecrets(bot, drive.secrets);
}, 240_000);

it('is not ready once the only worker heartbeat goes stale, with the embedded worker off', async () => {
  const env = botEnv({ STORYLOOM_LOCAL_WORKER: 'off', OPS_PORT: '0' });
  const bot = npmStart('npm start (ops, stale worker)', env);
  const url = await opsUrl(bot);
  // Fresh while younger than 3 intervals plus 10 s of grace (src/jobs/workers.ts): 13 s here, 8 s of it left.
  const at = new Date(Date.now() - 5_000).toISOString();
  const config = { STORYLOOM_DATA_DIR: env.STORYLOOM_DATA_DIR } as Config;
  writeHeartbeat(config, { worker_id: 'gpu-test', kind: 'colab', state: 'running', interval_s: 1, at });
  await expect.poll(async () => (await ready(url)).status, { timeout: 8_000 }).toBe(200);
  expect((await scrape(url)).value('storyloom_workers', { state: 'running', kind: 'colab' })).toBe(1);

  await expect.poll(async () => (await ready(url)).status, { timeout: 30_000 }).toBe(503);
  const stale = await ready(url);
  expect(stale.body.parts.worker.reason).toMatch(
    /^no worker is online: the latest heartbeat \(gpu-test, running\) is \d+ s old, and the embedded worker is off/,
  );
  expect(stale.body.parts.mailbox).toEqual({ ready: true });
  const { value } = await scrape(url);
  expect(value('storyloom_workers', { state: 'stale', kind: 'colab' })).toBe(1);
  expect(value('storyloom_worker_heartbeat_age_seconds', { state: 'stale', kind: 'colab' })).toBeGreaterThan(12);
  expect(value('storyloom_mailbox_calls_total', { transport: 'local', method: 'list' })).toBeGreaterThan(0);

  await stopCleanly(bot, { signal: 'SIGTERM', target: 'process' });
}, 150_000);
