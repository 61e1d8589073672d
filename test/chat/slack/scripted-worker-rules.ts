/**
 * End to end with a worker the test plays by hand (scripted-worker.ts): a job's
 * status message edited from queued and paused to writing, never more than once
 * every 2 s; generated text full of mention markup that notifies nobody; and a
 * redelivered mention (same event_id, new or same ts) that submits one job.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ApiCall } from '../../fakes/slack/types.ts';
import { expectNoNotification } from './formatting-rules.ts';
import {
  lineIdOf,
  startSlackWorld,
  startStory,
  stopSlackWorld,
  storyOf,
  until,
  waitForLines,
  type SlackWorld,
} from './harness.ts';
import { SCRIPTED_WORKER_ID, ScriptedWorker } from './scripted-worker.ts';

/** The least time between two sends to one status message (issue 8: at most one edit every 2 s). */
const EDIT_INTERVAL_MS = 2000;

/** Starts a story while the scripted worker runs; resolves with its root, channel and waiting job id. */
export async function storyWaitingOn(world: SlackWorld, worker: ScriptedWorker, channelName: string, seed: string) {
  await worker.beat('running');
  await until(
    () => world.bot.workers.serving().some((w) => w.heartbeat.worker_id === SCRIPTED_WORKER_ID),
    'the bot to see the scripted worker',
  );
  const channel = world.fake.addChannel({ name: channelName }).id;
  const { root } = await startStory(world, `${seed} --length 40`, { channel });
  // The story has its thread before its first job is submitted.
  const { job_id: jobId } = await until(() => storyOf(world, root.ts).pending, 'the story’s first job');
  await until(async () => (await worker.requests()).some((r) => r.job_id === jobId), 'the request in the mailbox');
  return { root, channel, jobId };
}

/** Registers the scripted-worker tests, each on one world of `mode` with no embedded worker. */
export function scriptedWorkerTests(mode: 'socket' | 'http'): void {
  let world: SlackWorld;
  let worker: ScriptedWorker;
  beforeAll(async () => {
    world = await startSlackWorld(mode, { worker: false, channelRateLimit: { minIntervalMs: 1000, retryAfterSec: 1 } });
    worker = await ScriptedWorker.open(world.config);
  });
  afterAll(async () => {
    await worker?.close();
    await stopSlackWorld(world);
  });

  it('edits a job’s status message from queued and paused to writing, at most once every 2 s', async () => {
    const { fake } = world;
    const { root, channel, jobId } = await storyWaitingOn(world, worker, 'progress', 'The clock struck one.');
    const status = await until(
      () => fake.threadReplies(channel, root.ts).find((m) => m.text?.startsWith('⏳')),
      'the queued status message',
    );
    const updates = () =>
      fake.callsWhere((c) => c.method === 'chat.update' && c.body.channel === channel && c.body.ts === status.ts);
    const updated = (prefix: string) =>
      until(() => updates().find((c) => String(c.body.text).startsWith(prefix)), `the status edited to ${prefix}`);

    await worker.beat('paused');
    await updated('⏸️');
    // Writing follows at once: only the throttle keeps this edit 2 s behind the last.
    await worker.beat('running', [jobId]);
    await updated('✍️');

    const post = fake.callsWhere((c) => c.method === 'chat.postMessage' && c.response.ts === status.ts);
    expect(post.map((c) => c.body.text)).toEqual(['⏳ #1 in line']);
    const edits = updates();
    expect(edits.map((c) => c.body.text)).toEqual([
      '⏸️ The worker is paused. Your request is saved (#1 in line) ' +
        'and will run once an admin resumes the worker (/story-admin resume).',
      `✍️ Writing on ${SCRIPTED_WORKER_ID}…`,
    ]);
    // The post counts as the first edit.
    const times = [...post, ...edits].map((c: ApiCall) => c.at);
    for (let i = 1; i < times.length; i++)
      expect(times[i] - times[i - 1], `gap before edit ${i}`).toBeGreaterThanOrEqual(EDIT_INTERVAL_MS);
    expect(fake.message(channel, status.ts)?.text).toBe(`✍️ Writing on ${SCRIPTED_WORKER_ID}…`);

    await worker.answer(jobId, 'The clock struck two.');
    await waitForLines(world, channel, root.ts, 1);
    await until(() => !fake.message(channel, status.ts), 'the status message to go');
    expect(updates()).toHaveLength(2);
  }, 40_000);

  it('never lets generated text notify anyone', async () => {
    const { fake } = world;
    const { root, channel, jobId } = await storyWaitingOn(
      world,
      worker,
      'model-mentions',
      'The town crier cleared his throat.',
    );
    const generated = 'Wake up <!here> and <!channel>, cried <@U123> to <!subteam^S1>.';

    await worker.answer(jobId, generated);
    const [line] = await waitForLines(world, channel, root.ts, 1);
    expect(storyOf(world, root.ts).lines[1].text).toBe(generated);
    const posts = fake.callsWhere((c) => c.method === 'chat.postMessage' && c.response.ts === line.ts);
    expect(posts).toHaveLength(1);
    expectNoNotification(posts[0]);
    expect(posts[0].body.text).toBe(
      'Wake up &lt;!here&gt; and &lt;!channel&gt;, cried &lt;@U123&gt; to &lt;!subteam^S1&gt;.',
    );
    expect(lineIdOf(line)).toBe(storyOf(world, root.ts).lines[1].id);
  }, 30_000);

  it('submits one job for a mention redelivered with the ' +
    'same event_id, with a new ts and with the same ts', async () => {
    const { fake } = world;
    const { root, channel, jobId } = await storyWaitingOn(
      world,
      worker,
      'redelivered-mention',
      'A kettle began to sing.',
    );
    await worker.answer(jobId, 'Nobody came to lift it.');
    await waitForLines(world, channel, root.ts, 1);
    const { id: storyId } = storyOf(world, root.ts);
    const jobsOfStory = async () => (await worker.requests()).filter((r) => r.story_id === storyId);
    await until(async () => (await jobsOfStory()).length === 0, 'the first request to be cleaned up');

    const mention = await fake.mention({ channel, thread_ts: root.ts, text: 'continue' });
    await mention.delivery.waitForAck();
    const [job] = await until(async () => {
      const jobs = await jobsOfStory();
      return jobs.length > 0 && jobs;
    }, 'the continue job');

    // While the job waits, Slack resends the event with the same event_id on a new message ts.
    const eventId = String(mention.delivery.payload.event_id);
    const ignored = () => world.logs.filter((l) => l.endsWith(`of event:${eventId}: already handled`)).length;
    const newTs = await fake.mention({ channel, thread_ts: root.ts, text: 'continue', eventId, retry: 1 });
    expect(newTs.message.ts).not.toBe(mention.message.ts);
    await newTs.delivery.waitForAck();
    await until(() => ignored() === 1, 'the redelivery on a new ts to be ignored');
    expect(await jobsOfStory()).toEqual([job]);
    expect(job.purpose).toBe('continue');

    // Once the line is in, the story could take another job: only the event_id keeps these out.
    await worker.answer(job.job_id, 'Then the kettle went quiet.');
    await waitForLines(world, channel, root.ts, 2);
    const sameTs = await fake.redeliver(mention.delivery);
    expect((sameTs.payload.event as { ts: string }).ts).toBe(mention.message.ts);
    await sameTs.waitForAck();
    const later = await fake.mention({ channel, thread_ts: root.ts, text: 'continue', eventId, retry: 2 });
    await later.delivery.waitForAck();
    await until(() => ignored() === 3, 'the later redeliveries to be ignored');

    await until(async () => (await jobsOfStory()).length === 0, 'the continue request to be cleaned up');
    expect(storyOf(world, root.ts).pending).toBeNull();
    expect(storyOf(world, root.ts).lines.map((l) => l.kind)).toEqual(['seed', 'model', 'model']);
    expect(world.bot.jobs.pending().filter((r) => r.story_id === storyId)).toEqual([]);
    // A second Continue while the job waited would have been refused as busy, and said so: nobody was told anything.
    expect(fake.ephemeralMessages(channel)).toEqual([]);
  }, 30_000);
}
