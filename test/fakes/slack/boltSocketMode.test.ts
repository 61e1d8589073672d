import type { App } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { socketModeApp } from './boltTestKit.ts';
import { type SlackFake, startSlackFake } from './index.ts';

const continueButton = (storyId: string) => [
  { type: 'section', text: { type: 'mrkdwn', text: 'Once upon a time' } },
  {
    type: 'actions',
    elements: [
      { type: 'button', action_id: 'story_continue', value: storyId, text: { type: 'plain_text', text: 'Continue' } },
    ],
  },
];

describe('Slack fake with a real Bolt App in Socket Mode', () => {
  let fake: SlackFake;
  let app: App;

  beforeEach(async () => {
    fake = await startSlackFake();
    app = socketModeApp(fake).app;
  });

  afterEach(async () => {
    await app.stop();
    await fake.close();
  });

  it('connects through apps.connections.open with the app-level token and gets hello', async () => {
    await app.start();
    expect(fake.connections()).toHaveLength(1);
    const open = fake.calls('apps.connections.open');
    expect(open).toHaveLength(1);
    expect(open[0]?.token).toBe(fake.appToken);
    expect(String(open[0]?.response.url)).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/socket\?ticket=/);
  });

  it('delivers a slash command that Bolt acks within 3 s, and records the thread it posts', async () => {
    const seen: Record<string, string>[] = [];
    app.command('/story', async ({ command, ack, client, say }) => {
      await ack();
      seen.push({ ...command });
      const root = await client.chat.postMessage({
        channel: command.channel_id,
        text: `Story: ${command.text}`,
        blocks: continueButton('s1'),
      });
      await say({ text: 'the first line', thread_ts: root.ts, unfurl_links: false, mrkdwn: true });
    });
    await app.start();

    const delivery = await fake.sendSlashCommand({ command: '/story', text: 'a dragon' });
    const ack = await delivery.waitForAck();
    expect(ack.ackMs).toBeLessThan(3000);
    expect(ack.attempt).toBe(0);

    const [root] = await fake.waitFor(
      () => fake.channelMessages(fake.defaultChannel.id).length === 1 && fake.channelMessages(fake.defaultChannel.id),
    );
    const replies = await fake.waitFor(
      () =>
        fake.threadReplies(fake.defaultChannel.id, root!.ts).length === 1 &&
        fake.threadReplies(fake.defaultChannel.id, root!.ts),
    );
    expect(seen[0]).toMatchObject({
      command: '/story',
      text: 'a dragon',
      user_id: fake.defaultUser.id,
      channel_id: fake.defaultChannel.id,
      team_id: fake.identity.teamId,
    });
    expect(seen[0]?.response_url).toBe(delivery.responseUrl);
    expect(seen[0]?.trigger_id).toMatch(/^\d+\.\d+\.[0-9a-f]+$/);
    expect(root?.text).toBe('Story: a dragon');
    expect(replies[0]).toMatchObject({
      text: 'the first line',
      thread_ts: root?.ts,
      unfurl_links: false,
      mrkdwn: true,
      bot_id: fake.identity.botId,
    });
    const posts = fake.calls('chat.postMessage');
    expect(posts.map((c) => c.body.thread_ts)).toEqual([undefined, root?.ts]);
    expect(posts.every((c) => c.token === fake.botToken)).toBe(true);
  });

  it('delivers a button click as block_actions; the app updates the message and answers on response_url', async () => {
    const clicks: { value?: string; blockId: string; containerTs?: string }[] = [];
    app.action('story_continue', async ({ ack, action, body, client, respond }) => {
      await ack();
      if (action.type !== 'button' || body.type !== 'block_actions')
        throw new Error('expected a button in block_actions');
      clicks.push({ value: action.value, blockId: body.actions[0]!.block_id, containerTs: body.container.message_ts });
      await client.chat.update({ channel: body.channel!.id, ts: body.message!.ts, text: 'continued', blocks: [] });
      await respond({ response_type: 'ephemeral', text: 'working on it' });
    });
    await app.start();
    const root = await app.client.chat.postMessage({
      channel: fake.defaultChannel.id,
      text: 'Story',
      blocks: continueButton('s42'),
    });

    const delivery = await fake.clickButton({
      message: { channel: fake.defaultChannel.id, ts: root.ts! },
      actionId: 'story_continue',
    });
    await delivery.waitForAck();

    await fake.waitFor(() => fake.responses(delivery.responseUrl).length === 1);
    const stored = fake.message(fake.defaultChannel.id, root.ts!);
    expect(clicks).toEqual([{ value: 's42', blockId: expect.any(String), containerTs: root.ts }]);
    expect(stored?.text).toBe('continued');
    expect(stored?.edited?.user).toBe(fake.identity.botUserId);
    expect(fake.responses(delivery.responseUrl)[0]?.body).toMatchObject({
      response_type: 'ephemeral',
      text: 'working on it',
    });
    expect(fake.ephemeralMessages(fake.defaultChannel.id)).toMatchObject([
      { user: fake.defaultUser.id, text: 'working on it' },
    ]);
  });

  it('delivers app_mention and thread message events', async () => {
    const events: { type: string; text?: string; thread_ts?: string; parent_user_id?: string }[] = [];
    app.event('app_mention', async ({ event }) => {
      events.push({ type: event.type, text: event.text, thread_ts: event.thread_ts });
    });
    app.message(async ({ message }) => {
      if (message.subtype === undefined)
        events.push({
          type: message.type,
          text: message.text,
          thread_ts: message.thread_ts,
          parent_user_id: message.parent_user_id,
        });
    });
    await app.start();
    const root = await app.client.chat.postMessage({ channel: fake.defaultChannel.id, text: 'Story root' });

    const mention = await fake.mention({ text: 'tell me a story' });
    const reply = await fake.postUserMessage({ thread_ts: root.ts, text: 'and then a dragon' });
    await Promise.all([mention.delivery.waitForAck(), reply.delivery.waitForAck()]);

    await fake.waitFor(() => events.length === 2);
    expect(events).toContainEqual({
      type: 'app_mention',
      text: `<@${fake.identity.botUserId}> tell me a story`,
      thread_ts: undefined,
    });
    expect(events).toContainEqual({
      type: 'message',
      text: 'and then a dragon',
      thread_ts: root.ts,
      parent_user_id: fake.identity.botUserId,
    });
    expect(fake.threadReplies(fake.defaultChannel.id, root.ts!)).toMatchObject([
      { text: 'and then a dragon', user: fake.defaultUser.id },
    ]);
  });

  it('redelivers an event with retry_attempt 1 and the same event_id, visible as context.retryNum', async () => {
    const seen: { eventId: unknown; retryNum?: number; retryReason?: string }[] = [];
    app.event('app_mention', async ({ body, context }) => {
      seen.push({ eventId: body.event_id, retryNum: context.retryNum, retryReason: context.retryReason });
    });
    await app.start();

    const { delivery } = await fake.mention({ text: 'hello' });
    await delivery.waitForAck();
    const retry = await fake.redeliver(delivery);
    await retry.waitForAck();

    await fake.waitFor(() => seen.length === 2);
    expect(retry.attempt).toBe(1);
    expect(retry.envelopeId).not.toBe(delivery.envelopeId);
    expect(seen[0]).toEqual({ eventId: delivery.payload.event_id, retryNum: 0, retryReason: '' });
    expect(seen[1]).toEqual({ eventId: delivery.payload.event_id, retryNum: 1, retryReason: 'timeout' });
  });

  it('uploads an export with files.uploadV2 from a listener, end to end', async () => {
    app.command('/story-export', async ({ ack, client, command }) => {
      await ack();
      const root = await client.chat.postMessage({ channel: command.channel_id, text: 'Story' });
      await client.files.uploadV2({
        channel_id: command.channel_id,
        thread_ts: root.ts!,
        initial_comment: 'Exported',
        filename: 'story.md',
        content: '# Story\nOnce.',
      });
    });
    await app.start();

    await (await fake.sendSlashCommand({ command: '/story-export' })).waitForAck();

    const [file] = await fake.waitFor(() => fake.uploadedFiles().some((f) => f.completedAt) && fake.uploadedFiles());
    const [root] = fake.channelMessages(fake.defaultChannel.id);
    expect(file).toMatchObject({
      filename: 'story.md',
      channel_id: fake.defaultChannel.id,
      thread_ts: root?.ts,
      initial_comment: 'Exported',
    });
    expect(file?.bytes?.toString()).toBe('# Story\nOnce.');
    expect(fake.threadReplies(fake.defaultChannel.id, root!.ts)).toMatchObject([
      { text: 'Exported', files: [{ id: file?.id }] },
    ]);
  });

  it('sends a bot-message variant with bot_id and subtype, which Bolt passes to subtype listeners', async () => {
    const subtypes: (string | undefined)[] = [];
    app.message(async ({ message }) => {
      subtypes.push(message.subtype);
    });
    await app.start();
    const { delivery } = await fake.postUserMessage({ text: 'beep', subtype: 'bot_message', bot_id: 'B_OTHER_BOT' });
    await delivery.waitForAck();
    await fake.waitFor(() => subtypes.length === 1);
    expect(subtypes).toEqual(['bot_message']);
    expect((delivery.payload.event as Record<string, unknown>).bot_id).toBe('B_OTHER_BOT');
  });
});

describe("Slack fake echoing the bot's own posts (echoBotMessages)", () => {
  it('announces bot posts as message events with bot_id, which Bolt ignores by default', async () => {
    const fake = await startSlackFake({ echoBotMessages: true });
    const { app } = socketModeApp(fake);
    const heard: string[] = [];
    app.message(async ({ message }) => {
      heard.push(String((message as { text?: string }).text));
    });
    await app.start();
    try {
      await app.client.chat.postMessage({ channel: fake.defaultChannel.id, text: 'my own line' });
      const echo = await fake.waitFor(() =>
        fake.deliveries().find((d) => (d.payload.event as { bot_id?: string }).bot_id === fake.identity.botId),
      );
      await echo.waitForAck();
      await fake.postUserMessage({ text: 'a person' }).then(({ delivery }) => delivery.waitForAck());
      await fake.waitFor(() => heard.length === 1);
      expect(heard).toEqual(['a person']);
      expect(echo.payload.event).toMatchObject({ type: 'message', user: fake.identity.botUserId, text: 'my own line' });
    } finally {
      await app.stop();
      await fake.close();
    }
  });
});
