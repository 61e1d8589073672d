/**
 * Jobs as metrics at the core level: a scripted worker answers through the local mailbox with known times, and
 * the counts, histograms and the command-to-line time follow (src/jobs/job-metrics.ts, src/core/story-jobs.ts).
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Bot } from '../../src/app.ts';
import { parseFile, serialize } from '../../src/jobs/parse.ts';
import type { Request, Response } from '../../src/jobs/protocol.ts';
import { registry, resetMetrics } from '../../src/metrics.ts';
import { ctx, startTestBot, testConfig } from '../helpers/bot.ts';
import { RecordingDelivery } from '../helpers/recording-delivery.ts';

let bot: Bot;
let delivery: RecordingDelivery;

beforeEach(async () => {
  resetMetrics();
  ({ bot } = await startTestBot(testConfig()));
  delivery = new RecordingDelivery();
  bot.deliveries.register('playground', delivery);
});
afterEach(() => bot.stop());

const person = (id: string, thread: string | null = null) => ctx(id, { platform: 'playground', thread });

/** The request of a job, once it is in the mailbox. */
async function requestOf(jobId: string): Promise<Request> {
  await expect.poll(() => bot.transport.get('requests', `${jobId}.json`)).not.toBeNull();
  return parseFile('request', (await bot.transport.get('requests', `${jobId}.json`))!);
}

/** Answers a job as a worker would: finished `finishedAfterS` after the request was made, generating `ms`. */
async function answer(jobId: string, result: { ms: number; finishedAfterS: number } | { error: 'model_error' }) {
  const request = await requestOf(jobId);
  const base = { v: 1, type: 'response', job_id: jobId, worker_id: 'scripted' } as const;
  if ('error' in result) {
    const finished_at = new Date().toISOString();
    const response: Response = { ...base, finished_at, ok: false, error: { code: 'model_error', message: 'no' } };
    return bot.transport.put('responses', `${jobId}.json`, serialize(response));
  }
  const finished_at = new Date(Date.parse(request.created_at) + result.finishedAfterS * 1000).toISOString();
  const done = { text: ' The tide came in.', stop: 'stop_rule', model: 'm', model_sha256: 's', device: 'cpu' } as const;
  const response: Response = { ...base, finished_at, ok: true, result: { ...done, ms: result.ms } };
  await bot.transport.put('responses', `${jobId}.json`, serialize(response));
}

/** One sample: a counter's, or a histogram's `_sum`, `_count` or `_bucket`. */
async function metric(name: string, labels: Record<string, string> = {}): Promise<number> {
  const base = name.replace(/_(sum|count|bucket)$/, '');
  const { values } = await registry.getSingleMetric(base)!.get();
  const found = (values as { metricName?: string; labels: Record<string, unknown>; value: number }[]).find(
    (v) => (v.metricName ?? base) === name && Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want),
  );
  return found?.value ?? 0;
}

it('counts a story start and a continue, answered and failed, with their wait and generation times', async () => {
  const started = await bot.core.start(person('ann'), { opening: 'The harbour was quiet.' }, async (s) => ({
    thread: `t-${s.id}`,
    message: null,
  }));
  const storyId = started.story!.id;
  expect(await metric('storyloom_jobs_submitted_total', { platform: 'playground', purpose: 'start' })).toBe(1);
  await answer(started.jobId!, { ms: 1500, finishedAfterS: 4 });
  await delivery.waitFor(started.jobId!);
  await expect.poll(() => metric('storyloom_jobs_completed_total', { purpose: 'start' })).toBe(1);
  expect(await metric('storyloom_job_wait_seconds_sum')).toBeCloseTo(2.5);
  expect(await metric('storyloom_job_generation_seconds_sum')).toBeCloseTo(1.5);
  expect(await metric('storyloom_command_to_line_seconds_count', { platform: 'playground' })).toBe(1);

  const next = await bot.core.run(person('bob', `t-${storyId}`), 'continue', {});
  await answer(next.jobId!, { error: 'model_error' });
  await delivery.waitFor(next.jobId!);
  const failed = { platform: 'playground', purpose: 'continue', reason: 'model_error' };
  await expect.poll(() => metric('storyloom_jobs_failed_total', failed)).toBe(1);
  // A failure is not a line: the histograms hold the one line.
  expect(await metric('storyloom_command_to_line_seconds_count', { platform: 'playground' })).toBe(1);
  expect(await metric('storyloom_job_wait_seconds_count')).toBe(1);
});

it('times a regenerated line from the command that asked for it', async () => {
  const started = await bot.core.start(person('cy'), { opening: 'A door opened.' }, async (s) => ({
    thread: `t-${s.id}`,
    message: null,
  }));
  const thread = `t-${started.story!.id}`;
  // The story changes while its line is written, so the line is written again for the new text.
  await bot.core.run(person('dee', thread), 'add', { text: 'Someone laughed.' });
  await new Promise((r) => setTimeout(r, 400));
  await answer(started.jobId!, { ms: 10, finishedAfterS: 0.4 });
  await expect.poll(() => metric('storyloom_jobs_submitted_total', { purpose: 'regenerate' })).toBe(1);
  const regenerated = bot.stories.get(started.story!.id).pending!.job_id;
  await answer(regenerated, { ms: 10, finishedAfterS: 0.05 });
  await delivery.waitFor(regenerated);
  await expect.poll(() => metric('storyloom_command_to_line_seconds_count')).toBe(1);
  // From /story, not from the regenerated job (made 0.4 s later).
  expect(await metric('storyloom_command_to_line_seconds_sum')).toBeGreaterThanOrEqual(0.4);
  expect(await metric('storyloom_jobs_completed_total', { purpose: 'start' })).toBe(1);
  expect(await metric('storyloom_jobs_completed_total', { purpose: 'regenerate' })).toBe(1);
});
