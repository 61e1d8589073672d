/**
 * Formatting end to end: mentions in seeds, replies and names never notify
 * anyone. Checked on what the adapter sent Slack (the recorded Web API bodies).
 */
import { expect, it } from 'vitest';
import type { ApiCall } from '../../fakes/slack/types.ts';
import { startStory, storyOf, until, waitForLines, type SlackWorld } from './harness.ts';

/**
 * Slack markup that would notify people, or link anything: `<!here>`, `<@U…>`, `<!subteam^…>`, `<#C…>`,
 * `<http…>`.
 */
const MARKUP = /<[!@#h]/;

function mrkdwnObjects(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.flatMap(mrkdwnObjects);
  if (!value || typeof value !== 'object') return [];
  const object = value as Record<string, unknown>;
  return [...(object.type === 'mrkdwn' ? [object] : []), ...Object.values(object).flatMap(mrkdwnObjects)];
}

/** Checks one recorded call: no mention markup, Slack told not to parse or link, verbatim text objects. */
export function expectNoNotification(call: ApiCall): void {
  const content = JSON.stringify([call.body.text, call.body.blocks]);
  expect(content, `${call.method} ${content}`).not.toMatch(MARKUP);
  expect(call.body.parse).toBe('none');
  expect(String(call.body.link_names)).toBe('false');
  for (const object of mrkdwnObjects(call.body.blocks)) expect(object.verbatim).toBe(true);
}

/** Registers the formatting tests; `get` gives the running world. */
export function formattingTests(get: () => SlackWorld): void {
  it('never lets a seed, a reply or a name notify anyone', async () => {
    const world = get();
    const { fake } = world;
    const channel = fake.addChannel({ name: 'mentions' }).id;
    const eve = fake.addUser({ name: 'eve <!channel>' }).id;
    const seed =
      'Bells rang for <!everyone>, <!here> and <!channel>; ' +
      '<@U000000002> and <!subteam^S0001|@writers> came &amp; went, typing &lt;!here&gt;.';

    const { root } = await startStory(world, `${seed} --length 40`, { channel, user: eve });
    expect(storyOf(world, root.ts).lines[0].text).toBe(
      'Bells rang for @everyone, @here and @channel; @U000000002 and @writers came & went, typing <!here>.',
    );
    expect(root.text).toContain('typing &lt;!here&gt;.');
    await waitForLines(world, channel, root.ts, 1);

    await fake.postUserMessage({
      channel,
      thread_ts: root.ts,
      user: eve,
      text: 'Hello <!here> and <@U000000002|alice>, see <#C000000001|general> and <https://example.com|this>.',
    });
    await until(() => storyOf(world, root.ts).lines.length === 3, 'the reply to join the story');
    expect(storyOf(world, root.ts).lines[2].text).toBe('Hello @here and @alice, see #general and this.');

    await fake.mention({ channel, thread_ts: root.ts, text: 'undo', user: eve });
    const notice = await until(
      () => fake.threadReplies(channel, root.ts).find((m) => m.text?.startsWith('Removed the last line')),
      'the undo notice',
    );
    expect(notice.text).toBe('Removed the last line (by eve &lt;!channel&gt;).');

    const calls = fake.callsWhere(
      (c) => ['chat.postMessage', 'chat.update', 'chat.postEphemeral'].includes(c.method) && c.body.channel === channel,
    );
    expect(calls.length).toBeGreaterThanOrEqual(3);
    for (const call of calls) expectNoNotification(call);
    for (const message of fake.channelMessages(channel, { includeReplies: true }).filter((m) => m.bot_id)) {
      expect(message).toMatchObject({ parse: 'none', link_names: false });
    }
  }, 30_000);
}
