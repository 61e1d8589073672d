/**
 * HTTP mode's request signatures, end to end: Bolt refuses a bad signature or a
 * stale timestamp with 401 and an empty body, and the adapter never acts on it.
 */
import { expect, it } from 'vitest';
import { buttonOf, expectNoSecretsLogged, startStory, storyOf, waitForLines, type SlackWorld } from './harness.ts';

/** Registers the signature tests; `get` gives the running world (HTTP mode). */
export function signatureTests(get: () => SlackWorld): void {
  it('refuses forged and stale requests with 401 and acts on none of them', async () => {
    const world = get();
    const { fake } = world;
    const channel = fake.addChannel({ name: 'signatures' }).id;

    const forged = await fake.sendSlashCommand({
      command: '/story',
      text: 'A forged story.',
      channel,
      http: { badSignature: true },
    });
    expect(await forged.waitForAck()).toMatchObject({ status: 401, payload: undefined });
    expect(forged.response?.body).toBe('');
    const stale = await fake.sendSlashCommand({
      command: '/story',
      text: 'A stale story.',
      channel,
      http: { staleTimestamp: true },
    });
    expect((await stale.waitForAck()).status).toBe(401);
    expect(world.bot.stories.all().filter((s) => s.place.channel === channel)).toEqual([]);

    const { root } = await startStory(world, 'A true story. --length 40', { channel });
    const [line] = await waitForLines(world, channel, root.ts, 1);
    const reply = await fake.postUserMessage({
      channel,
      thread_ts: root.ts,
      text: 'A forged line.',
      http: { badSignature: true },
    });
    expect((await reply.delivery.waitForAck()).status).toBe(401);
    const click = await fake.clickButton({
      message: line,
      actionId: buttonOf(line, 'continue'),
      http: { staleTimestamp: true },
    });
    expect((await click.waitForAck()).status).toBe(401);

    const story = storyOf(world, root.ts);
    expect(story.lines.map((l) => l.kind)).toEqual(['seed', 'model']);
    expect(story.pending).toBeNull();
    expect(fake.channelMessages(channel)).toHaveLength(1);
    expect(world.logs.filter((l) => l.includes('signature mismatch')).length).toBeGreaterThanOrEqual(2);
    expect(world.logs.filter((l) => l.includes('stale')).length).toBeGreaterThanOrEqual(2);
    expectNoSecretsLogged(world);
  }, 30_000);
}
