/**
 * Slack's at-least-once delivery, end to end: a resent /story, thread reply or
 * mention makes one story, one line, one job.
 */
import { expect, it } from 'vitest';
import { lineMessages, startStory, storyOf, until, waitForLines, type SlackWorld } from './harness.ts';

/** Registers the redelivery tests; `get` gives the running world. */
export function redeliveryTests(get: () => SlackWorld): void {
  it('makes one story, one line and one job of a /story, a reply and a mention each delivered twice', async () => {
    const world = get();
    const { fake } = world;
    const channel = fake.addChannel({ name: 'redelivery' }).id;

    const { delivery, root } = await startStory(world, 'A fox ran into the woods. --length 40', { channel });
    await delivery.waitForAck();
    const resent = await fake.redeliver(delivery);
    expect((await resent.waitForAck()).attempt).toBe(1);
    await waitForLines(world, channel, root.ts, 1);

    const reply = await fake.postUserMessage({ channel, thread_ts: root.ts, text: 'The fox stopped at the river.' });
    await reply.delivery.waitForAck();
    await (await fake.redeliver(reply.delivery)).waitForAck();
    await until(() => storyOf(world, root.ts).lines.length === 3, 'the reply to join the story');

    const mention = await fake.mention({ channel, thread_ts: root.ts, text: 'continue' });
    await mention.delivery.waitForAck();
    const again = await fake.redeliver(mention.delivery);
    await again.waitForAck();
    expect(again.payload.event_id).toBe(mention.delivery.payload.event_id);
    await waitForLines(world, channel, root.ts, 2);

    const story = storyOf(world, root.ts);
    expect(world.bot.stories.all().filter((s) => s.place.channel === channel)).toHaveLength(1);
    expect(fake.channelMessages(channel)).toHaveLength(1);
    expect(story.lines.map((l) => l.kind)).toEqual(['seed', 'model', 'human', 'model']);
    expect(story.pending).toBeNull();
    expect(lineMessages(world, channel, root.ts)).toHaveLength(2);
    // A second Continue would have been refused as busy, and said so: nobody was told anything.
    expect(fake.ephemeralMessages(channel)).toEqual([]);
    expect(world.logs).toContain(
      `storyloom slack: ignored retry 1 (${world.mode === 'socket' ? 'timeout' : 'http_timeout'}) ` +
        `of event:${mention.delivery.payload.event_id}: already handled`,
    );
  }, 30_000);
}
