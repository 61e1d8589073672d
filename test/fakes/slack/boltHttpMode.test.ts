import { type App, LogLevel } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { httpModeApp, type RecordingLogger } from './boltTestKit.ts';
import { type SlackFake, startSlackFake } from './index.ts';

describe('Slack fake driving a real Bolt App over HTTP (signed requests)', () => {
  let fake: SlackFake;
  let app: App;
  let logger: RecordingLogger;
  let commands: string[];

  beforeEach(async () => {
    fake = await startSlackFake({ mode: 'http' });
    ({ app, logger } = await httpModeApp(fake));
    commands = [];
    app.command('/story', async ({ command, ack }) => {
      commands.push(command.text);
      await ack({ response_type: 'ephemeral', text: `queued: ${command.text}` });
    });
  });

  afterEach(async () => {
    await app.stop();
    await fake.close();
  });

  it('runs a signed slash command and returns the ack body as the HTTP answer', async () => {
    const delivery = await fake.sendSlashCommand({ command: '/story', text: 'a lighthouse' });
    const ack = await delivery.waitForAck();
    expect(delivery.via).toBe('http');
    expect(ack.status).toBe(200);
    expect(ack.ackMs).toBeLessThan(3000);
    expect(ack.payload).toEqual({ response_type: 'ephemeral', text: 'queued: a lighthouse' });
    expect(commands).toEqual(['a lighthouse']);
  });

  it.each([
    ['a bad signature', { badSignature: true }, 'signature mismatch'],
    ['a stale timestamp', { staleTimestamp: true }, 'stale'],
    ['a missing signature', { missingSignature: true }, 'x-slack-signature'],
  ])('refuses %s with 401 and never runs the handler', async (_name, http, logPart) => {
    const delivery = await fake.sendSlashCommand({ command: '/story', text: 'forged', http });
    const ack = await delivery.waitForAck();
    expect(ack.status).toBe(401);
    expect(commands).toEqual([]);
    expect(logger.find(LogLevel.WARN, logPart)).toHaveLength(1);
  });

  it('answers url_verification with the challenge', async () => {
    const answer = await fake.httpDriver().urlVerification('fake-challenge-123');
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ challenge: 'fake-challenge-123' });
  });

  it('sends event retries with X-Slack-Retry-Num / -Reason, visible as context.retryNum / retryReason', async () => {
    const seen: { retryNum?: number; retryReason?: string }[] = [];
    app.event('app_mention', async ({ context }) => {
      seen.push({ retryNum: context.retryNum, retryReason: context.retryReason });
    });
    const { delivery } = await fake.mention({ text: 'hi' });
    const retry = await fake.redeliver(delivery, 'http_error');
    await Promise.all([delivery.waitForAck(), retry.waitForAck()]);
    await fake.waitFor(() => seen.length === 2);
    expect(seen).toEqual([
      { retryNum: undefined, retryReason: undefined },
      { retryNum: 1, retryReason: 'http_error' },
    ]);
    expect(retry.payload.event_id).toBe(delivery.payload.event_id);
  });

  it('posts a button click as payload=<json> and Bolt handles it', async () => {
    const values: string[] = [];
    app.action('story_continue', async ({ ack, body }) => {
      await ack();
      if (body.type === 'block_actions') values.push(String((body.actions[0] as { value?: string }).value));
    });
    const root = await app.client.chat.postMessage({
      channel: fake.defaultChannel.id,
      text: 'Story',
      blocks: [
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: 'story_continue',
              value: 's7',
              text: { type: 'plain_text', text: 'Continue' },
            },
          ],
        },
      ],
    });
    const delivery = await fake.clickButton({
      message: { channel: root.channel!, ts: root.ts! },
      actionId: 'story_continue',
      value: 'override',
    });
    expect((await delivery.waitForAck()).status).toBe(200);
    expect(values).toEqual(['override']);
  });
});
