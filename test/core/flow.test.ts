/**
 * The whole flow at the core level, with the real engine and the shipped model:
 * command → story → job → local mailbox → embedded worker → response → story line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/app.ts';
import type { Worker } from '../../src/worker/worker.ts';
import { ctx, startTestBot, startTestWorker, testConfig } from '../helpers/bot.ts';
import { SMALL_MODEL } from '../helpers/models.ts';
import type { RecordingDelivery } from '../helpers/recording-delivery.ts';

describe('a story from start to export', () => {
  let bot: Bot;
  let delivery: RecordingDelivery;
  let worker: Worker;
  beforeAll(async () => {
    const config = testConfig();
    ({ bot, delivery } = await startTestBot(config));
    worker = await startTestWorker(config, SMALL_MODEL);
  });
  afterAll(async () => {
    await worker.stop();
    await worker.transport.close();
    await bot.stop();
  });

  it('starts, continues three times, takes a human line, undoes, retries, ends and exports', async () => {
    const ann = ctx('ann');
    const started = await bot.core.start(
      ann,
      { opening: 'The lighthouse keeper climbed the stairs.' },
      async (story) => ({ thread: `thread-${story.id}`, message: null }),
    );
    const storyId = started.story!.id;
    expect(started.jobId).toBeDefined();
    const first = await delivery.waitFor(started.jobId!);
    expect('line' in first && first.line.text.length).toBeGreaterThan(0);

    const inThread = ctx('ann', { thread: `thread-${storyId}` });
    for (let i = 0; i < 3; i++) {
      const reply = await bot.core.run(inThread, 'continue', {});
      await delivery.waitFor(reply.jobId!);
    }
    expect(bot.stories.get(storyId).lines.map((l) => l.kind)).toEqual(['seed', 'model', 'model', 'model', 'model']);

    const bob = ctx('bob', { thread: `thread-${storyId}` });
    await bot.core.run(bob, 'add', { text: 'Then the light went out.' });
    const withBob = bot.stories.get(storyId);
    expect(withBob.lines.at(-1)).toMatchObject({ kind: 'human', text: 'Then the light went out.', by: { id: 'bob' } });

    await bot.core.run(bob, 'undo', {});
    expect(bot.stories.get(storyId).lines).toHaveLength(5);

    const lastModel = bot.stories.get(storyId).lines.at(-1)!;
    const retried = await bot.core.run(inThread, 'retry', {});
    await delivery.waitFor(retried.jobId!);
    const afterRetry = bot.stories.get(storyId);
    expect(afterRetry.lines).toHaveLength(5);
    expect(afterRetry.lines.at(-1)!.id).not.toBe(lastModel.id);
    expect(afterRetry.lines.at(-1)!.job_id).toBe(retried.jobId);

    const ended = await bot.core.run(inThread, 'end', {});
    expect(ended.story!.status).toBe('ended');
    expect(ended.text).toBe(
      'The end. 5 lines by 1 person and the model. Use /export in this thread for the whole story.',
    );
    // Anyone may export an ended story, from its thread, as the notice says.
    const exported = await bot.core.run(bob, 'export', {});
    expect(exported.file!.name).toMatch(/^the-lighthouse-keeper.*\.md$/);
    expect(exported.file!.content).toContain('# The lighthouse keeper climbed the stairs.');
    expect(exported.file!.content).toContain('Ann (opening)');
    expect(exported.file!.content).toMatch(/the model \(small\), asked by Ann/);
    expect(bot.stories.get(storyId).version).toBeGreaterThanOrEqual(7);
    const counts = delivery.deliveriesByJob();
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  }, 120_000);
});
