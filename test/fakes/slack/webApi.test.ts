import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingLogger } from './boltTestKit.ts';
import { type SlackFake, startSlackFake } from './index.ts';

/** The Slack error code a rejected WebClient call carries. */
async function slackError(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    return String((error as { data?: { error?: string } }).data?.error);
  }
  throw new Error('expected the call to fail');
}

describe('Slack fake Web API, through the real WebClient', () => {
  let fake: SlackFake;
  let client: WebClient;
  let channel: string;

  beforeAll(async () => {
    fake = await startSlackFake();
    client = new WebClient(fake.botToken, {
      slackApiUrl: fake.apiUrl,
      logger: new RecordingLogger(),
      retryConfig: { retries: 0 },
    });
    channel = fake.addChannel({ name: 'stories' }).id;
  });

  afterAll(() => fake.close());

  it('answers auth.test with the bot user, team and app ids', async () => {
    const auth = await client.auth.test();
    expect(auth).toMatchObject({
      ok: true,
      user_id: fake.identity.botUserId,
      team_id: fake.identity.teamId,
      bot_id: fake.identity.botId,
      app_id: fake.identity.appId,
    });
  });

  it('checks tokens: invalid_auth, not_authed, not_allowed_token_type', async () => {
    const opts = { slackApiUrl: fake.apiUrl, logger: new RecordingLogger(), retryConfig: { retries: 0 } };
    expect(await slackError(new WebClient('xoxb-fake-not-the-token', opts).auth.test())).toBe('invalid_auth');
    expect(await slackError(new WebClient(undefined, opts).auth.test())).toBe('not_authed');
    expect(await slackError(new WebClient(fake.appToken, opts).chat.postMessage({ channel, text: 'x' }))).toBe(
      'not_allowed_token_type',
    );
    expect(await slackError(client.apps.connections.open())).toBe('not_allowed_token_type');
  });

  it('accepts a JSON body and a token field, as well as form bodies', async () => {
    const answer = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${fake.botToken}` },
      body: JSON.stringify({ channel, text: 'json body', blocks: [{ type: 'divider' }], link_names: true }),
    });
    const viaField = await fetch(`${fake.apiUrl}auth.test`, {
      method: 'POST',
      body: new URLSearchParams({ token: fake.botToken }),
    });
    expect(await answer.json()).toMatchObject({ ok: true, channel });
    expect(await viaField.json()).toMatchObject({ ok: true });
    expect(fake.lastCall('chat.postMessage')?.body).toMatchObject({ blocks: [{ type: 'divider' }], link_names: true });
    expect(fake.channelMessages(channel).at(-1)).toMatchObject({ text: 'json body', link_names: true });
  });

  it('validates chat.postMessage: channel_not_found, no_text, msg_too_long, invalid_blocks', async () => {
    expect(await slackError(client.chat.postMessage({ channel: 'C_MISSING', text: 'x' }))).toBe('channel_not_found');
    expect(await slackError(client.chat.postMessage({ channel } as never))).toBe('no_text');
    expect(await slackError(client.chat.postMessage({ channel, text: 'x'.repeat(40_001) }))).toBe('msg_too_long');
    const longSection = [{ type: 'section', text: { type: 'mrkdwn', text: 'y'.repeat(3001) } }];
    expect(await slackError(client.chat.postMessage({ channel, text: 'x', blocks: longSection }))).toBe(
      'invalid_blocks',
    );
    expect(fake.lastCall('chat.postMessage')?.response.response_metadata).toEqual({
      messages: ['[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]'],
    });
  });

  it('stores formatting options and resolves a channel by name', async () => {
    const posted = await client.chat.postMessage({
      channel: '#stories',
      text: 'hi',
      mrkdwn: false,
      unfurl_links: false,
      unfurl_media: false,
      parse: 'none',
    });
    expect(fake.message(channel, posted.ts!)).toMatchObject({
      channel,
      mrkdwn: false,
      unfurl_links: false,
      unfurl_media: false,
      parse: 'none',
    });
  });

  it('updates and deletes only existing bot messages', async () => {
    const posted = await client.chat.postMessage({ channel, text: 'draft' });
    await client.chat.update({ channel, ts: posted.ts!, text: 'final' });
    expect(fake.message(channel, posted.ts!)?.text).toBe('final');
    expect(await slackError(client.chat.update({ channel, ts: '1.000001', text: 'x' }))).toBe('message_not_found');
    await client.chat.delete({ channel, ts: posted.ts! });
    expect(fake.message(channel, posted.ts!)).toBeUndefined();
  });

  it('updates as chat.update is documented: blocks and metadata kept unless given, [] removes the blocks', async () => {
    const section = (text: string) => [{ type: 'section', text: { type: 'mrkdwn', text } }];
    const metadata = { event_type: 'storyloom_vote', event_payload: { vote_id: 'v1' } };
    const posted = await client.chat.postMessage({ channel, text: 'vote', blocks: section('open'), metadata });
    await client.chat.update({ channel, ts: posted.ts!, text: 'counted' });
    expect(fake.message(channel, posted.ts!)).toMatchObject({
      text: 'counted',
      blocks: [{ type: 'section' }],
      metadata,
    });
    await client.chat.update({ channel, ts: posted.ts!, text: 'closed', blocks: section('closed') });
    expect((fake.message(channel, posted.ts!)!.blocks![0].text as { text: string }).text).toBe('closed');
    await client.chat.update({ channel, ts: posted.ts!, text: 'plain', blocks: [] });
    expect(fake.message(channel, posted.ts!)).toMatchObject({ text: 'plain', metadata });
    expect(fake.message(channel, posted.ts!)!.blocks).toBeUndefined();
    // A forced edit_window_closed answers as Slack would, and changes nothing.
    fake.failNext('chat.update', 'edit_window_closed');
    expect(await slackError(client.chat.update({ channel, ts: posted.ts!, text: 'late' }))).toBe('edit_window_closed');
    expect(fake.message(channel, posted.ts!)!.text).toBe('plain');
  });

  it('pages conversations.replies with a cursor, root first', async () => {
    const root = await client.chat.postMessage({ channel, text: 'root' });
    for (const n of [1, 2, 3, 4, 5]) await client.chat.postMessage({ channel, text: `reply ${n}`, thread_ts: root.ts });
    const texts: string[] = [];
    for await (const page of client.paginate('conversations.replies', { channel, ts: root.ts!, limit: 2 })) {
      texts.push(...((page as { messages?: { text: string }[] }).messages ?? []).map((m) => m.text));
    }
    expect(texts).toEqual(['root', 'reply 1', 'reply 2', 'reply 3', 'reply 4', 'reply 5']);
    expect(fake.calls('conversations.replies')).toHaveLength(3);
    expect(fake.message(channel, root.ts!)).toMatchObject({ thread_ts: root.ts, reply_count: 5 });
    expect(await slackError(client.conversations.replies({ channel, ts: '1.000002' }))).toBe('thread_not_found');
  });

  it('lists conversations.history newest first, without thread replies', async () => {
    const quiet = fake.addChannel({ name: 'quiet' }).id;
    const first = await client.chat.postMessage({ channel: quiet, text: 'first' });
    await client.chat.postMessage({ channel: quiet, text: 'in thread', thread_ts: first.ts });
    await client.chat.postMessage({ channel: quiet, text: 'second' });
    const history = await client.conversations.history({ channel: quiet });
    expect(history.messages?.map((m) => m.text)).toEqual(['second', 'first']);
  });

  it('answers conversations.info and users.info', async () => {
    const info = await client.conversations.info({ channel });
    const user = await client.users.info({ user: fake.defaultUser.id });
    expect(info.channel).toMatchObject({ id: channel, name: 'stories', is_channel: true });
    expect(user.user).toMatchObject({ id: fake.defaultUser.id, name: 'alice', is_bot: false });
    expect(await slackError(client.users.info({ user: 'U_NOBODY' }))).toBe('user_not_found');
  });

  it('adds and removes reactions', async () => {
    const posted = await client.chat.postMessage({ channel, text: 'react to me' });
    await client.reactions.add({ channel, timestamp: posted.ts!, name: 'books' });
    expect(fake.message(channel, posted.ts!)?.reactions).toEqual([{ name: 'books', users: [fake.identity.botUserId] }]);
    expect(await slackError(client.reactions.add({ channel, timestamp: posted.ts!, name: 'books' }))).toBe(
      'already_reacted',
    );
    await client.reactions.remove({ channel, timestamp: posted.ts!, name: 'books' });
    expect(fake.message(channel, posted.ts!)?.reactions).toEqual([]);
    expect(await slackError(client.reactions.remove({ channel, timestamp: posted.ts!, name: 'books' }))).toBe(
      'no_reaction',
    );
  });

  it('posts ephemeral messages to a known user', async () => {
    await client.chat.postEphemeral({ channel, user: fake.defaultUser.id, text: 'only you' });
    expect(fake.ephemeralMessages(channel).at(-1)).toMatchObject({
      user: fake.defaultUser.id,
      text: 'only you',
      source: 'chat.postEphemeral',
    });
    expect(await slackError(client.chat.postEphemeral({ channel, user: 'U_NOBODY', text: 'x' }))).toBe(
      'user_not_found',
    );
  });

  it('answers unknown methods with unknown_method and records every call', async () => {
    expect(await slackError(client.apiCall('stories.summon', {}))).toBe('unknown_method');
    expect(fake.lastCall('stories.summon')).toMatchObject({
      status: 200,
      token: fake.botToken,
      response: { ok: false, error: 'unknown_method' },
    });
  });
});
