import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingLogger } from './boltTestKit.ts';
import { type SlackFake, startSlackFake } from './index.ts';

describe('Slack fake external file upload (files.uploadV2)', () => {
  let fake: SlackFake;
  let client: WebClient;

  beforeAll(async () => {
    fake = await startSlackFake();
    client = new WebClient(fake.botToken, {
      slackApiUrl: fake.apiUrl,
      logger: new RecordingLogger(),
      retryConfig: { retries: 0 },
    });
  });

  afterAll(() => fake.close());

  it('takes the three steps and shares the file into the thread with its comment', async () => {
    const channel = fake.defaultChannel.id;
    const root = await client.chat.postMessage({ channel, text: 'The story' });
    const story = 'Once upon a time — the end.\n';

    const result = await client.files.uploadV2({
      channel_id: channel,
      thread_ts: root.ts!,
      initial_comment: 'Here is the story',
      filename: 'story.txt',
      title: 'Story',
      content: story,
    });

    expect(fake.calls().map((c) => c.method)).toEqual(
      expect.arrayContaining(['files.getUploadURLExternal', 'files.completeUploadExternal']),
    );
    const [file] = fake.uploadedFiles();
    expect(file).toMatchObject({
      filename: 'story.txt',
      title: 'Story',
      length: Buffer.byteLength(story),
      channel_id: channel,
      thread_ts: root.ts,
      initial_comment: 'Here is the story',
    });
    expect(file?.bytes?.toString('utf8')).toBe(story);
    expect(file?.completedAt).toBeGreaterThan(0);
    const [shared] = fake.threadReplies(channel, root.ts!);
    expect(shared).toMatchObject({
      text: 'Here is the story',
      files: [{ id: file?.id, name: 'story.txt', title: 'Story' }],
    });
    expect(JSON.stringify(result)).toContain(file!.id);
  });

  it('uploads a Buffer without sharing it when no channel is given', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252]);
    await client.files.uploadV2({ file: bytes, filename: 'raw.bin' });
    const file = fake.uploadedFiles().find((f) => f.filename === 'raw.bin');
    expect(file?.bytes?.equals(bytes)).toBe(true);
    expect(file?.channel_id).toBeUndefined();
    expect(file?.messageTs).toBeUndefined();
  });

  it('refuses to complete a file whose bytes never arrived', async () => {
    const { file_id } = await client.files.getUploadURLExternal({ filename: 'never.txt', length: 5 });
    const error = await client.files.completeUploadExternal({ files: [{ id: file_id! }] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ data: { error: 'file_not_found' } });
  });
});
