import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SlackFake, startSlackFake } from './index.ts';

/** Posts JSON to a response_url as Bolt's respond() does. */
async function postJson(url: string, body: unknown): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return response.status;
}

describe('Slack fake response_url sink', () => {
  let fake: SlackFake;
  let rootTs: string;
  let responseUrl: string;

  beforeEach(async () => {
    // HTTP mode pointed at nowhere: the deliveries fail, but the payloads (and their response_urls) are made.
    fake = await startSlackFake({ mode: 'http', requestUrl: 'http://127.0.0.1:9/slack/events' });
    const posted = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fake.botToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        channel: fake.defaultChannel.id,
        text: 'root',
        blocks: [
          {
            type: 'actions',
            elements: [{ type: 'button', action_id: 'go', value: 'v', text: { type: 'plain_text', text: 'Go' } }],
          },
        ],
      }),
    });
    rootTs = ((await posted.json()) as { ts: string }).ts;
    const delivery = await fake.clickButton({
      message: { channel: fake.defaultChannel.id, ts: rootTs },
      actionId: 'go',
    });
    await delivery.waitForAck().catch(() => undefined);
    responseUrl = delivery.responseUrl!;
  });

  afterEach(() => fake.close());

  it('records posts and replaces the clicked message on replace_original', async () => {
    expect(await postJson(responseUrl, { replace_original: true, text: 'replaced' })).toBe(200);
    expect(fake.responses(responseUrl)).toMatchObject([
      { url: responseUrl, body: { replace_original: true, text: 'replaced' } },
    ]);
    expect(fake.message(fake.defaultChannel.id, rootTs)?.text).toBe('replaced');
  });

  it('deletes the clicked message on delete_original', async () => {
    await postJson(responseUrl, { delete_original: true });
    expect(fake.message(fake.defaultChannel.id, rootTs)).toBeUndefined();
  });

  it('posts in the channel for response_type in_channel, ephemerally otherwise', async () => {
    await postJson(responseUrl, { response_type: 'in_channel', text: 'for everyone' });
    await postJson(responseUrl, { text: 'just for you' });
    expect(fake.channelMessages(fake.defaultChannel.id).map((m) => m.text)).toEqual(['root', 'for everyone']);
    expect(fake.ephemeralMessages()).toMatchObject([
      { text: 'just for you', user: fake.defaultUser.id, source: 'response_url' },
    ]);
  });

  it('refuses invalid blocks with 400 and unknown URLs with 404', async () => {
    expect(
      await postJson(responseUrl, { blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'z'.repeat(3001) } }] }),
    ).toBe(400);
    expect(await postJson(`${fake.baseUrl}/response/unknown`, { text: 'x' })).toBe(404);
  });
});
