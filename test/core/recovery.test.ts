/**
 * Recovery at the edges: a response that lands while the bot is still starting,
 * a story saved as busy whose request never reached the mailbox, a failure notice
 * that could not be posted, odd entries in requests/, and waiting on one job.
 */
import { existsSync, mkdirSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { goLive, startBot, type Bot } from '../../src/app.ts';
import type { Config } from '../../src/config.ts';
import { showsEffect } from '../../src/core/admin.ts';
import { JobWaitError } from '../../src/jobs/client.ts';
import type { Heartbeat } from '../../src/jobs/protocol.ts';
import { Worker } from '../../src/worker/worker.ts';
import { ctx, startTestBot, startTestWorker, testConfig, testTransport } from '../helpers/bot.ts';
import { quietLog, testLog } from '../helpers/log.ts';
import { tinyModel } from '../helpers/models.ts';
import { RecordingDelivery } from '../helpers/recording-delivery.ts';
import { until } from '../helpers/worker-process.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const thread = async (s: { id: string }) => ({ thread: `t-${s.id}`, message: null });
const mailbox = (config: Config, ...parts: string[]) => join(config.STORYLOOM_DATA_DIR, 'mailbox', ...parts);
const files = (config: Config, folder: string) =>
  readdirSync(mailbox(config, folder)).filter((f) => !f.startsWith('.'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function bot(config: Config) {
  const started = await startTestBot(config);
  cleanups.push(() => started.bot.stop());
  return started;
}

async function worker(config: Config): Promise<Worker> {
  const w = await startTestWorker(config, await tinyModel());
  cleanups.push(async () => {
    await w.stop();
    await w.transport.close();
  });
  return w;
}

/** A bot started but not yet live (its chat adapters would be starting now). */
async function startingBot(config: Config): Promise<{ bot: Bot; delivery: RecordingDelivery }> {
  const b = await startBot(config, testTransport(config), { worker: false, log: quietLog() });
  cleanups.push(() => b.stop());
  const delivery = new RecordingDelivery();
  b.deliveries.register('test', delivery);
  return { bot: b, delivery };
}

describe('a restarted bot', () => {
  it('keeps a response that lands before it is live, and delivers it once live', async () => {
    const config = testConfig();
    const first = await startTestBot(config);
    const reply = await first.bot.core.start(ctx('ann'), { seed: 'The ferry left at dawn.' }, thread);
    await first.bot.stop();

    const second = await startingBot(config);
    const w = await worker(config);
    await until(() => existsSync(mailbox(config, 'responses', `${reply.jobId}.json`)), 30_000, 'the response');
    await sleep(600); // the starting bot's transport has seen the news by now
    expect(existsSync(mailbox(config, 'responses', `${reply.jobId}.json`))).toBe(true);
    await goLive(second.bot);
    await until(() => second.delivery.lines.length === 1, 10_000, 'the line');
    expect(second.delivery.lines[0].jobId).toBe(reply.jobId);
    await w.stop();
  }, 60_000);

  it('submits again the job of a story saved as busy whose request never reached the mailbox', async () => {
    const config = testConfig();
    const first = await startTestBot(config);
    const reply = await first.bot.core.start(ctx('ann'), { seed: 'The lamp went out.' }, thread);
    await first.bot.stop();
    // As if the bot had stopped between saving the story and writing its request.
    unlinkSync(mailbox(config, 'requests', `${reply.jobId}.json`));

    const second = await bot(config);
    const story = second.bot.stories.get(reply.story!.id);
    expect(story.pending).not.toBeNull();
    expect(story.pending!.job_id).not.toBe(reply.jobId);
    expect(files(config, 'requests')).toEqual([`${story.pending!.job_id}.json`]);
    await worker(config);
    await until(() => second.delivery.lines.length === 1, 30_000, 'the line');
    expect(second.bot.stories.get(reply.story!.id).pending).toBeNull();
  }, 60_000);
});

describe('a failure notice', () => {
  it('that could not be posted stays pending and is posted on the next try', async () => {
    const config = testConfig();
    const { bot: b, delivery } = await bot(config);
    const reply = await b.core.start(ctx('ann'), { seed: 'Once.' }, thread);
    const request = b.jobs.pending().find((r) => r.job_id === reply.jobId)!;
    const error = {
      v: 1,
      type: 'response',
      job_id: reply.jobId!,
      worker_id: 'w',
      finished_at: new Date().toISOString(),
      ok: false,
      error: { code: 'model_error', message: 'boom' },
    } as const;
    delivery.failing = true;
    await expect(b.core.storyJobs.response(request, error)).rejects.toThrow(/chat is down/);
    expect(b.stories.get(reply.story!.id).pending?.job_id).toBe(reply.jobId);
    delivery.failing = false;
    await b.core.storyJobs.response(request, error);
    expect(delivery.failures.map((f) => f.jobId)).toEqual([reply.jobId]);
    expect(b.stories.get(reply.story!.id).pending).toBeNull();
  });
});

describe('odd entries in requests/', () => {
  it('a folder named like a request stops neither the bot nor the worker', async () => {
    const config = testConfig();
    mkdirSync(mailbox(config, 'requests'), { recursive: true });
    mkdirSync(mailbox(config, 'requests', '01JDQ3Z7N8X2K4M6P8R0T2V4AA.json'));
    const { bot: b, delivery } = await bot(config);
    await worker(config);
    const reply = await b.core.start(ctx('ann'), { seed: 'The bell rang twice.' }, thread);
    await until(() => delivery.lines.some((l) => l.jobId === reply.jobId), 30_000, 'the line');
  }, 60_000);

  it('an unreadable request is answered with an error, then both files are cleaned up', async () => {
    const config = testConfig();
    mkdirSync(mailbox(config, 'requests'), { recursive: true });
    writeFileSync(
      mailbox(config, 'requests', '01JDQ3Z7N8X2K4M6P8R0T2V4AB.json'),
      '{"v": 1, "type": "request", "job_id": ',
    );
    await bot(config);
    await worker(config);
    await until(
      () => files(config, 'requests').length === 0 && files(config, 'responses').length === 0,
      30_000,
      'cleanup',
    );
  }, 60_000);

  it('a response the worker cannot write is written on a later pass', async () => {
    const config = testConfig();
    const { bot: b, delivery } = await bot(config);
    const transport = testTransport(config);
    let refusals = 1;
    const put = transport.put.bind(transport);
    transport.put = async (folder, name, text) => {
      if (folder === 'responses' && refusals-- > 0) throw new Error('disk full');
      return put(folder, name, text);
    };
    const logs: string[] = [];
    await transport.open();
    // A test worker's settings, on the transport that refuses its first response.
    const model = await startTestWorker(config, await tinyModel());
    await model.stop();
    await model.transport.close();
    const { log, records } = testLog(logs);
    const flaky = new Worker(transport, { ...model.options, log });
    await flaky.start();
    cleanups.push(async () => {
      await flaky.stop();
      await transport.close();
    });
    const reply = await b.core.start(ctx('ann'), { seed: 'The road was long.' }, thread);
    await until(() => delivery.lines.some((l) => l.jobId === reply.jobId), 30_000, 'the line');
    expect(logs.join('\n')).toMatch(/the response to job .* was not written: disk full/);
    const unwritten = records.find((r) => r.msg.includes('was not written'));
    expect(unwritten).toMatchObject({ level: 'warn', worker_id: model.options.workerId, error: 'disk full' });
  }, 60_000);
});

describe('waiting on a job', () => {
  it('resolves with the response once delivered; times out or aborts (cancelling) otherwise', async () => {
    const config = testConfig();
    const { bot: b } = await bot(config);
    const first = await b.core.start(ctx('ann'), { seed: 'First.' }, thread);
    await expect(b.jobs.wait(first.jobId!, { timeoutMs: 50 })).rejects.toMatchObject({ reason: 'timeout' });
    expect(b.jobs.pending().map((r) => r.job_id)).toContain(first.jobId);

    const second = await b.core.start(ctx('bob'), { seed: 'Second.' }, thread);
    const aborter = new AbortController();
    const aborted = b.jobs.wait(second.jobId!, { signal: aborter.signal });
    aborter.abort();
    const error = await aborted.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobWaitError);
    expect((error as JobWaitError).reason).toBe('aborted');
    await until(() => !existsSync(mailbox(config, 'requests', `${second.jobId}.json`)), 5_000, 'the cancelled request');

    const waited = b.jobs.wait(first.jobId!, { timeoutMs: 30_000 });
    await worker(config);
    const response = await waited;
    expect(response.job_id).toBe(first.jobId);
    expect(response.ok).toBe(true);
    await expect(b.jobs.wait('01JDQ3Z7N8X2K4M6P8R0T2V4AC')).rejects.toMatchObject({ reason: 'unknown' });
  }, 60_000);
});

describe('drain', () => {
  const beat = (state: Heartbeat['state'], active: string[]): Heartbeat =>
    ({
      v: 1,
      type: 'heartbeat',
      worker_id: 'w',
      kind: 'embedded',
      state,
      started_at: '2026-11-22T10:00:00.000Z',
      updated_at: '2026-11-22T10:00:05.000Z',
      expected_end: null,
      version: 't',
      device: { name: 'cpu', memory_total_mb: null, memory_used_mb: null },
      model: null,
      active_jobs: active,
      queue_depth: 0,
      chars_per_second: 0,
      batch_seconds: 0,
      jobs_done: 0,
      jobs_failed: 0,
      served: {},
      applied_controls: [{ command_id: 'c1', command: 'drain', applied_at: '2026-11-22T10:00:04.000Z' }],
      message: null,
    }) as unknown as Heartbeat;

  it('is confirmed only once the worker is draining with no job in hand', () => {
    const before = beat('running', ['a']);
    expect(showsEffect('drain', 'c1', before, beat('draining', ['a']))).toBe(false);
    expect(showsEffect('drain', 'c1', before, beat('draining', []))).toBe(true);
  });
});
