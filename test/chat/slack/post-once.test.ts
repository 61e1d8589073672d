/**
 * Slack: a story line is posted once, even when core delivers it again. Each
 * line post carries metadata naming its line; a delivery that may be a repeat
 * reads the thread (conversations.replies with include_all_metadata) and posts
 * only when the line is not there. A first delivery reads nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReplyTo } from '../../../src/jobs/protocol.ts';
import { lineDelivery, withModelLine } from '../../helpers/model-line.ts';
import {
  expectNoSecretsLogged,
  lineIdOf,
  lineMessages,
  startSlackWorld,
  stopSlackWorld,
  type SlackWorld,
} from './harness.ts';

describe('Slack: a line is posted once', () => {
  let world: SlackWorld;
  let channel: string;
  let root: string;
  let place: ReplyTo;
  beforeAll(async () => {
    world = await startSlackWorld('socket', { worker: false, adapter: { postIntervalMs: 10 } });
    channel = world.fake.addChannel({ name: 'post-once' }).id;
    const posted = await world.fake.postUserMessage({ channel, text: 'A thread for the story.' });
    await posted.delivery.waitForAck();
    root = posted.message.ts;
    place = { platform: 'slack', channel, thread: root };
  });
  afterAll(() => stopSlackWorld(world));

  const replies = () => world.fake.calls('conversations.replies');

  it('posts a line with metadata naming it, and spends no read on a first delivery', async () => {
    const { story, line } = withModelLine(place, 'The ferry reached the island at noon.');
    await world.adapter.deliverLine(lineDelivery(story, line));
    const [posted] = lineMessages(world, channel, root);
    expect(lineIdOf(posted!)).toBe(line.id);
    expect(posted!.metadata).toEqual({
      event_type: 'storyloom_line',
      event_payload: { line_id: line.id, job_id: line.job_id },
    });
    expect(replies()).toEqual([]);
  });

  it('skips a repeat that finds its line in the thread, and posts one that does not', async () => {
    const { story, line } = withModelLine(place, 'A gull followed the boat all the way.');
    await world.adapter.deliverLine(lineDelivery(story, line));
    await world.adapter.deliverLine(lineDelivery(story, line, true));
    expect(lineMessages(world, channel, root).filter((m) => lineIdOf(m) === line.id)).toHaveLength(1);
    expect(replies()).toHaveLength(1);
    expect(replies()[0]!.body).toMatchObject({ channel, ts: root, include_all_metadata: 'true' });
    expect(Number(replies()[0]!.body.oldest)).toBeLessThan(Date.parse(line.at) / 1000);

    // The bot stopped before it posted this one: the look finds nothing, so it is posted.
    const unposted = withModelLine(story, 'A gull followed the boat all the way.');
    await world.adapter.deliverLine(lineDelivery(unposted.story, unposted.line, true));
    expect(lineMessages(world, channel, root).filter((m) => lineIdOf(m) === unposted.line.id)).toHaveLength(1);
    expect(replies()).toHaveLength(2);
  });

  it('posts anyway when the thread cannot be read (better twice than never), and says so in the log', async () => {
    const { story, line } = withModelLine(place, 'The lamp in the window went out.');
    world.fake.failNext('conversations.replies', 'internal_error');
    await world.adapter.deliverLine(lineDelivery(story, line, true));
    expect(lineMessages(world, channel, root).filter((m) => lineIdOf(m) === line.id)).toHaveLength(1);
    expect(world.logs.filter((l) => l.includes('could not read the thread'))).toEqual([
      `storyloom slack: could not read the thread of story ${story.id} before posting a line again: ` +
        `An API error occurred: internal_error`,
    ]);
    expectNoSecretsLogged(world);
  });
});
