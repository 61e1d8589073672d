/**
 * Message metadata through the real WebClient: chat.postMessage stores it (a
 * malformed one is `invalid_metadata_format`); conversations.replies and
 * .history return it only with `include_all_metadata`, as Slack does; `oldest`
 * narrows what they list; and every call is counted.
 */
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingLogger } from './boltTestKit.ts';
import { type SlackFake, startSlackFake } from './index.ts';

const METADATA = { event_type: 'storyloom_line', event_payload: { line_id: 'L1', job_id: 'J1' } };

describe('Slack fake: message metadata', () => {
  let fake: SlackFake;
  let client: WebClient;
  let channel: string;
  let root: string;

  beforeAll(async () => {
    fake = await startSlackFake();
    client = new WebClient(fake.botToken, {
      slackApiUrl: fake.apiUrl,
      logger: new RecordingLogger(),
      retryConfig: { retries: 0 },
    });
    channel = fake.addChannel({ name: 'metadata' }).id;
    root = (await client.chat.postMessage({ channel, text: 'The root.' })).ts!;
  });

  afterAll(() => fake.close());

  it('stores metadata on a post and returns it from replies and history only when asked', async () => {
    const posted = await client.chat.postMessage({ channel, thread_ts: root, text: 'A line.', metadata: METADATA });
    expect(fake.message(channel, posted.ts!)?.metadata).toEqual(METADATA);
    expect(posted.message?.metadata).toEqual(METADATA);

    const plain = await client.conversations.replies({ channel, ts: root });
    expect(plain.messages!.map((m) => m.metadata)).toEqual([undefined, undefined]);
    const withMetadata = await client.conversations.replies({ channel, ts: root, include_all_metadata: true });
    expect(withMetadata.messages!.map((m) => m.metadata)).toEqual([undefined, METADATA]);

    const top = await client.chat.postMessage({ channel, text: 'Top level.', metadata: METADATA });
    const history = await client.conversations.history({ channel, include_all_metadata: true, limit: 1 });
    expect(history.messages!.map((m) => [m.ts, m.metadata])).toEqual([[top.ts, METADATA]]);
    expect((await client.conversations.history({ channel, limit: 1 })).messages![0]!.metadata).toBeUndefined();
    expect(fake.calls('conversations.replies')).toHaveLength(2);
    expect(fake.calls('conversations.history')).toHaveLength(2);
  });

  it('lists the root and the replies after `oldest`', async () => {
    const thread = (await client.chat.postMessage({ channel, text: 'Another root.' })).ts!;
    const early = await client.chat.postMessage({ channel, thread_ts: thread, text: 'Early.' });
    const late = await client.chat.postMessage({ channel, thread_ts: thread, text: 'Late.' });
    const after = await client.conversations.replies({ channel, ts: thread, oldest: early.ts });
    expect(after.messages!.map((m) => m.ts)).toEqual([thread, late.ts]);
    const inclusive = await client.conversations.replies({ channel, ts: thread, oldest: early.ts, inclusive: true });
    expect(inclusive.messages!.map((m) => m.ts)).toEqual([thread, early.ts, late.ts]);
  });

  it('refuses metadata without an event type or payload: invalid_metadata_format', async () => {
    const bad = client.chat.postMessage({ channel, text: 'x', metadata: { event_type: 'storyloom_line' } as never });
    await expect(bad).rejects.toMatchObject({ data: { error: 'invalid_metadata_format' } });
  });
});
