/**
 * Errors at the edge, end to end: a UserError goes back only to its user and
 * says what to do; anything else gets the apology and a log line; odd events are
 * ignored, and the app carries on.
 */
import { expect, it, vi } from 'vitest';
import { APOLOGY } from '../../../src/chat/adapter.ts';
import { expectNoSecretsLogged, until, type SlackWorld } from './harness.ts';

/** Registers the error tests; `get` gives the running world. */
export function errorTests(get: () => SlackWorld): void {
  it('answers user errors privately, apologises for internal ones, and survives odd events', async () => {
    const world = get();
    const { fake } = world;
    const channel = fake.addChannel({ name: 'errors' }).id;
    const alice = fake.defaultUser.id;
    const privately = (part: string) =>
      until(
        () => fake.ephemeralMessages(channel).find((m) => m.user === alice && m.text?.includes(part)),
        `a private “${part}”`,
      );

    await fake.mention({ channel, text: 'continue' });
    await privately('Use this inside a story’s thread (start one with /story).');
    await fake.mention({ channel, text: 'dance' });
    await privately('I don’t know “dance”.');

    await fake.sendSlashCommand({ command: '/story', text: 'A quiet town. --length 5000', channel });
    await privately('length must be between 20 and 1000, not 5000.');
    await fake.sendSlashCommand({ command: '/story', text: '--temperature', channel });
    await privately('--temperature needs a value');
    await fake.sendSlashCommand({ command: '/story-admin', text: 'explode', channel });
    await privately('Only storyloom admins can control the worker.');

    // Events the adapter must not act on, nor crash over.
    for (const event of [
      { type: 'app_mention', channel, ts: '1700000000.000001', text: 'no user' },
      {
        type: 'message',
        channel,
        user: alice,
        ts: '1700000000.000002',
        thread_ts: '1700000000.000000',
        text: 'not a story thread',
      },
      { type: 'message', subtype: 'message_changed', channel, ts: '1700000000.000003', message: { text: 'edited' } },
      { type: 'message', channel, ts: '1700000000.000004' },
    ])
      await (await fake.sendEvent(event)).waitForAck();

    const spy = vi.spyOn(world.bot.core, 'status').mockImplementationOnce(() => {
      throw new Error('the status report exploded');
    });
    try {
      await fake.sendSlashCommand({ command: '/story-status', channel });
      await privately(APOLOGY);
    } finally {
      spy.mockRestore();
    }
    expect(world.logs.some((line) => line.includes('/story-status failed: the status report exploded'))).toBe(true);

    await fake.sendSlashCommand({ command: '/story-status', channel });
    await privately('Workers online: 1');
    expect(world.bot.stories.all().filter((s) => s.place.channel === channel)).toEqual([]);
    expect(fake.channelMessages(channel).filter((m) => m.bot_id)).toEqual([]);
    expectNoSecretsLogged(world);
  }, 30_000);
}
