/**
 * Slack: a restart while jobs wait leaves one status message per waiting job.
 * Each status message carries metadata naming its job; the restarted bot reads
 * the story's thread once (conversations.replies with include_all_metadata),
 * edits on the status message of a job still waiting, deletes it when the line
 * arrives, and deletes those of jobs that are over. A thread it cannot read
 * does not stop the line.
 */
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../fakes/slack/types.ts';
import { RecordingLogger } from '../../fakes/slack/boltTestKit.ts';
import {
  restartSlackWorld,
  startSlackWorld,
  stopSlackWorld,
  storyOf,
  until,
  waitForLines,
  type SlackWorld,
} from './harness.ts';
import { storyWaitingOn } from './scripted-worker-rules.ts';
import { SCRIPTED_WORKER_ID, ScriptedWorker } from './scripted-worker.ts';

describe('Slack: status messages across a restart', () => {
  let world: SlackWorld;
  let worker: ScriptedWorker;
  beforeAll(async () => {
    world = await startSlackWorld('socket', { worker: false });
    worker = await ScriptedWorker.open(world.config);
  });
  afterAll(async () => {
    await worker?.close();
    await stopSlackWorld(world);
  });

  /** The status messages in a thread (by their metadata), oldest first. */
  const statuses = (channel: string, root: string): StoredMessage[] =>
    world.fake
      .threadReplies(channel, root)
      .filter((m) => (m.metadata as { event_type?: string } | undefined)?.event_type === 'storyloom_status');
  const jobOf = (message: StoredMessage) =>
    (message.metadata as { event_payload: { job_id: string } }).event_payload.job_id;
  const statusPosts = (since: number) =>
    world.fake.callsWhere(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.at >= since &&
        (c.body.metadata as { event_type?: string } | undefined)?.event_type === 'storyloom_status',
    );
  /** Restarts the bot; resolves with the time the new one started. */
  async function restart(meanwhile?: () => Promise<void>): Promise<number> {
    await restartSlackWorld(world, meanwhile);
    await worker.beat('running');
    return Date.now();
  }

  it('edits on the status message of each job still waiting, and deletes it when the line arrives', async () => {
    const first = await storyWaitingOn(world, worker, 'restart-first', 'The ferry waited at the pier.');
    const second = await storyWaitingOn(world, worker, 'restart-second', 'The bell rang twice.');
    const [before1] = await until(
      () => statuses(first.channel, first.root.ts).length === 1 && statuses(first.channel, first.root.ts),
      'the first status message',
    );
    const [before2] = await until(
      () => statuses(second.channel, second.root.ts).length === 1 && statuses(second.channel, second.root.ts),
      'the second status message',
    );
    expect(before1.metadata).toEqual({
      event_type: 'storyloom_status',
      event_payload: { job_id: first.jobId, story_id: storyOf(world, first.root.ts).id },
    });
    expect(before2.text).toBe('⏳ #2 in line');

    const restartedAt = await restart();
    await worker.beat('running', [first.jobId]);
    await until(
      () => world.fake.message(first.channel, before1.ts)?.text === `✍️ Writing on ${SCRIPTED_WORKER_ID}…`,
      'the old status message edited to writing',
    );
    await until(
      () => world.fake.message(second.channel, before2.ts)?.text === '⏳ #1 in line',
      'the other one edited to its new place',
    );
    expect(statuses(first.channel, first.root.ts).map((m) => m.ts)).toEqual([before1.ts]);
    expect(statuses(second.channel, second.root.ts).map((m) => m.ts)).toEqual([before2.ts]);
    expect(statusPosts(restartedAt)).toEqual([]);
    // One read per thread, asking for metadata.
    const reads = world.fake.callsWhere((c) => c.method === 'conversations.replies' && c.at >= restartedAt);
    expect(reads.map((c) => [c.body.ts, c.body.include_all_metadata]).sort()).toEqual(
      [
        [first.root.ts, 'true'],
        [second.root.ts, 'true'],
      ].sort(),
    );

    await worker.answer(first.jobId, 'Nobody came aboard.');
    await worker.answer(second.jobId, 'Then it rang a third time.');
    await waitForLines(world, first.channel, first.root.ts, 1);
    await waitForLines(world, second.channel, second.root.ts, 1);
    await until(
      () =>
        statuses(first.channel, first.root.ts).length === 0 && statuses(second.channel, second.root.ts).length === 0,
      'no status message left',
    );
    expect(statusPosts(restartedAt)).toEqual([]);
  }, 40_000);

  it('deletes the status message of a job that finished while ' +
    'the bot was down, and one left over from a job long done', async () => {
    const done = await storyWaitingOn(world, worker, 'restart-done', 'A kettle began to sing.');
    await until(() => statuses(done.channel, done.root.ts).length === 1, 'its status message');
    // A leftover of an earlier run: a status message naming a job of this story that is long over.
    const story = await until(() => storyOf(world, done.root.ts), 'the story');
    const leftover = await new WebClient(world.fake.botToken, {
      slackApiUrl: world.fake.apiUrl,
      logger: new RecordingLogger(),
      retryConfig: { retries: 0 },
    }).chat.postMessage({
      channel: done.channel,
      thread_ts: done.root.ts,
      text: '⏳ #3 in line',
      metadata: {
        event_type: 'storyloom_status',
        event_payload: { job_id: '01ARZ3NDEKTSV4RRFFQ69G5FAV', story_id: story.id },
      },
    });

    const restartedAt = await restart(() => worker.answer(done.jobId, 'Nobody came to lift it.'));
    await waitForLines(world, done.channel, done.root.ts, 1);
    await until(() => statuses(done.channel, done.root.ts).length === 0, 'both status messages to go');
    expect(world.fake.message(done.channel, leftover.ts!)).toBeUndefined();
    expect(statusPosts(restartedAt)).toEqual([]);
  }, 40_000);

  it('still posts the line when the thread cannot be read ' +
    'after the restart (the old status message then stays)', async () => {
    const waiting = await storyWaitingOn(world, worker, 'restart-unreadable', 'The lamp in the window went out.');
    const [old] = await until(
      () => statuses(waiting.channel, waiting.root.ts).length === 1 && statuses(waiting.channel, waiting.root.ts),
      'its status message',
    );
    world.fake.failNext('conversations.replies', 'internal_error');

    await restart();
    const { id: storyId } = storyOf(world, waiting.root.ts);
    await until(
      () =>
        world.logs.includes(
          `storyloom slack: could not read the thread of story ${storyId} ` +
            `for status messages from before the restart: An API error occurred: internal_error`,
        ),
      'the failed read in the log',
    );
    await until(() => statuses(waiting.channel, waiting.root.ts).length === 2, 'a fresh status message');
    await worker.answer(waiting.jobId, 'Someone lit it again.');
    await waitForLines(world, waiting.channel, waiting.root.ts, 1);
    await until(() => statuses(waiting.channel, waiting.root.ts).length === 1, 'the fresh status message to go');
    expect(statuses(waiting.channel, waiting.root.ts).map(jobOf)).toEqual([waiting.jobId]);
    expect(statuses(waiting.channel, waiting.root.ts)[0].ts).toBe(old.ts);
  }, 40_000);
});
