import type { App } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { fastReconnectSocketModeApp, socketModeApp } from './boltTestKit.ts';
import { type SlackFake, startSlackFake } from './index.ts';

describe('Slack fake Socket Mode reconnects and redelivery with a real Bolt App', () => {
  let fake: SlackFake;
  let app: App;

  afterEach(async () => {
    await app.stop();
    await fake.close();
  });

  it('after a refresh_requested disconnect, Bolt opens a new connection and keeps receiving', async () => {
    fake = await startSlackFake();
    app = socketModeApp(fake).app;
    const mentions: string[] = [];
    app.event('app_mention', async ({ event }) => {
      mentions.push(event.text);
    });
    await app.start();

    fake.requestReconnect('refresh_requested');
    // Bolt's default reconnect delay is clientPingTimeout (5 s) times the failure count.
    const second = await fake.waitForConnection({ newerThan: 1, timeoutMs: 15_000 });
    const { delivery } = await fake.mention({ text: 'still there?' });
    await delivery.waitForAck();

    expect(second.seq).toBe(2);
    expect(fake.connections()[0]?.closeCode).toBe(1000);
    expect(fake.calls('apps.connections.open')).toHaveLength(2);
    await fake.waitFor(() => mentions.length === 1);
  }, 30_000);

  it('after an abrupt close, Bolt reconnects; a delivery made meanwhile waits for the new connection', async () => {
    fake = await startSlackFake();
    app = fastReconnectSocketModeApp(fake).app;
    const mentions: string[] = [];
    app.event('app_mention', async ({ event }) => {
      mentions.push(event.text);
    });
    await app.start();

    fake.dropConnections();
    const { delivery } = await fake.mention({ text: 'anyone?' });
    await delivery.waitForAck();

    expect(fake.connections()).toHaveLength(2);
    expect(fake.connections()[0]?.closeCode).toBe(1006);
    await fake.waitFor(() => mentions.length === 1);
  });

  it('redelivers an unacked envelope automatically with retry_attempt 1 and retry_reason timeout', async () => {
    fake = await startSlackFake({ redeliverUnackedAfterMs: 200, maxRedeliveries: 2 });
    app = fastReconnectSocketModeApp(fake).app;
    const attempts: (number | undefined)[] = [];
    app.command('/story', async ({ ack, context }) => {
      attempts.push(context.retryNum);
      // Simulates an app too slow to ack the first delivery.
      if (context.retryNum) await ack();
    });
    await app.start();

    const first = await fake.sendSlashCommand({ command: '/story', text: 'slow' });
    const retried = await fake.waitFor(() => fake.deliveries().find((d) => d.attempt === 1));
    const ack = await retried.waitForAck();

    expect(first.ack).toBeUndefined();
    expect(ack).toMatchObject({ attempt: 1, kind: 'slash_commands' });
    expect(retried).toMatchObject({ retryReason: 'timeout', payload: first.payload });
    expect(attempts).toEqual([undefined, 1]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fake.deliveries()).toHaveLength(2);
  });
});
