/**
 * Faults on the way: the worker killed with SIGKILL in the middle of a batch, and
 * the bot stopped mid-flight. Every job must still be answered and delivered,
 * exactly once.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/app.ts';
import { ctx, startTestBot, startTestWorker, testConfig } from '../helpers/bot.ts';
import { SMALL_MODEL, tinyModel } from '../helpers/models.ts';
import { forkWorker, killHard, readHeartbeat, until } from '../helpers/worker-process.ts';
import type { RecordingDelivery } from '../helpers/recording-delivery.ts';
import type { ChildProcess } from 'node:child_process';

const settings = { STORYLOOM_MAX_IN_FLIGHT: '100', STORYLOOM_DEFAULT_LENGTH: '600' };
const children: ChildProcess[] = [];
const bots: Bot[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map(killHard));
  await Promise.all(bots.splice(0).map((b) => b.stop()));
});

async function startStories(bot: Bot, n: number): Promise<string[]> {
  const jobIds: string[] = [];
  for (let i = 0; i < n; i++) {
    const reply = await bot.core.start(
      ctx(`user${i % 3}`),
      { seed: `Story number ${i} began on a cold morning.` },
      async (s) => ({ thread: `t-${s.id}`, message: null }),
    );
    jobIds.push(reply.jobId!);
  }
  return jobIds;
}

function mailboxFiles(bot: Bot, folder: string): string[] {
  return readdirSync(join(bot.config.STORYLOOM_DATA_DIR, 'mailbox', folder)).filter((f) => !f.startsWith('.'));
}

function expectEachOnce(delivery: RecordingDelivery, jobIds: string[]): void {
  const counts = delivery.deliveriesByJob();
  expect(jobIds.map((id) => counts.get(id) ?? 0)).toEqual(jobIds.map(() => 1));
  expect(delivery.failures).toEqual([]);
}

describe('exactly once', () => {
  it('a worker killed mid-batch: the next worker answers, every job is delivered once', async () => {
    const config = testConfig(settings);
    const { bot, delivery } = await startTestBot(config);
    bots.push(bot);
    const jobIds = await startStories(bot, 10);
    const first = forkWorker(config, SMALL_MODEL);
    children.push(first);
    await until(() => (readHeartbeat(config)?.active_jobs.length ?? 0) > 0, 60_000, 'the first batch to start');
    await killHard(first);
    const inFlight = readHeartbeat(config)!.active_jobs;
    expect(inFlight.length).toBeGreaterThan(0);
    expect(inFlight.every((id) => !delivery.deliveriesByJob().has(id))).toBe(true);
    children.push(forkWorker(config, SMALL_MODEL, { STORYLOOM_WORKER_ID: 'embedded-second' }));
    await until(() => delivery.lines.length >= jobIds.length, 120_000, 'every job to be delivered');
    await new Promise((r) => setTimeout(r, 500));
    expectEachOnce(delivery, jobIds);
    await until(
      () => mailboxFiles(bot, 'requests').length === 0 && mailboxFiles(bot, 'responses').length === 0,
      10_000,
      'cleanup',
    );
  }, 240_000);

  it('a bot stopped mid-flight: the restarted bot delivers what arrived meanwhile, and nothing twice', async () => {
    const config = testConfig(settings);
    const first = await startTestBot(config);
    const jobIds = await startStories(first.bot, 6);
    const worker = await startTestWorker(config, await tinyModel(), { batchMax: 2 });
    await until(() => first.delivery.lines.length >= 2, 60_000, 'a first delivery');
    await first.bot.stop();
    await until(
      () => mailboxFiles(first.bot, 'responses').length + first.delivery.lines.length >= jobIds.length,
      60_000,
      'the worker to answer the rest',
    );
    await worker.stop();
    await worker.transport.close();

    const second = await startTestBot(config);
    bots.push(second.bot);
    second.delivery.lines.push(...first.delivery.lines);
    await until(() => second.delivery.lines.length >= jobIds.length, 30_000, 'recovery');
    await new Promise((r) => setTimeout(r, 500));
    expectEachOnce(second.delivery, jobIds);
  }, 180_000);

  it('a line applied but not posted (the chat was down) is posted after a restart, once', async () => {
    const config = testConfig(settings);
    const first = await startTestBot(config);
    first.delivery.failing = true;
    const worker = await startTestWorker(config, await tinyModel());
    const [jobId] = await startStories(first.bot, 1);
    await until(
      () => first.bot.stories.all()[0]?.lines.some((l) => l.job_id === jobId) ?? false,
      60_000,
      'the line to be applied',
    );
    await first.bot.stop();
    await worker.stop();
    await worker.transport.close();
    const second = await startTestBot(config);
    bots.push(second.bot);
    await until(() => second.delivery.lines.length === 1, 10_000, 'the undelivered line');
    await new Promise((r) => setTimeout(r, 1500));
    expect(second.delivery.lines.map((d) => d.jobId)).toEqual([jobId]);
    expect(second.bot.stories.all()[0].lines.at(-1)!.delivered).toBe(true);
  }, 120_000);
});
