import { ErrorCode, WebClient, WebClientEvent } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { RecordingLogger } from './boltTestKit.ts';
import { type SlackFake, startSlackFake } from './index.ts';

describe('Slack fake rate limits, with the real WebClient', () => {
  let fake: SlackFake;
  const clientFor = (options: ConstructorParameters<typeof WebClient>[1] = {}) =>
    new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, logger: new RecordingLogger(), ...options });

  afterEach(() => fake.close());

  it('records when each channel was posted to, so tests can check the pace', async () => {
    fake = await startSlackFake();
    const client = clientFor();
    const other = fake.addChannel({ name: 'other' }).id;
    await client.chat.postMessage({ channel: fake.defaultChannel.id, text: 'one' });
    await client.chat.postMessage({ channel: other, text: 'elsewhere' });
    await client.chat.postMessage({ channel: fake.defaultChannel.id, text: 'two' });
    expect(fake.postTimes(fake.defaultChannel.id)).toHaveLength(2);
    expect(fake.postIntervals(fake.defaultChannel.id)[0]).toBeLessThan(1000);
    expect(fake.postTimes(other)).toHaveLength(1);
  });

  it('answers 429 ratelimited with Retry-After; WebClient waits it out and retries', async () => {
    fake = await startSlackFake({ channelRateLimit: { minIntervalMs: 1000, retryAfterSec: 1 } });
    // minTimeout 0 leaves only the Retry-After wait (p-retry would otherwise add 1-2 s).
    const client = clientFor({ retryConfig: { retries: 2, minTimeout: 0, maxTimeout: 0 } });
    const limited: number[] = [];
    client.on(WebClientEvent.RATE_LIMITED, (retryAfterSec: number) => limited.push(retryAfterSec));

    await client.chat.postMessage({ channel: fake.defaultChannel.id, text: 'one' });
    await client.chat.postMessage({ channel: fake.defaultChannel.id, text: 'two' });

    const calls = fake.calls('chat.postMessage');
    expect(calls.map((c) => c.status)).toEqual([200, 429, 200]);
    expect(calls[1]?.response).toEqual({ ok: false, error: 'ratelimited' });
    expect(limited).toEqual([1]);
    expect(fake.postIntervals(fake.defaultChannel.id)[0]).toBeGreaterThanOrEqual(1000);
    expect(fake.channelMessages(fake.defaultChannel.id).map((m) => m.text)).toEqual(['one', 'two']);
  });

  it('with rejectRateLimitedCalls, the 429 surfaces as a rate-limited error carrying retryAfter', async () => {
    fake = await startSlackFake();
    fake.rateLimitNext('chat.update', 7);
    const client = clientFor({ rejectRateLimitedCalls: true });
    const posted = await client.chat.postMessage({ channel: fake.defaultChannel.id, text: 'x' });
    const error = await client.chat
      .update({ channel: fake.defaultChannel.id, ts: posted.ts!, text: 'y' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 7 });
    expect(fake.lastCall('chat.update')?.status).toBe(429);
    await client.chat.update({ channel: fake.defaultChannel.id, ts: posted.ts!, text: 'y' });
    expect(fake.lastCall('chat.update')?.status).toBe(200);
  });

  it('with no retries left, a 429 surfaces as a request error, not a rate-limited one', async () => {
    fake = await startSlackFake();
    fake.rateLimitNext('chat.postMessage', 0);
    const client = clientFor({ retryConfig: { retries: 0 } });
    const error = await client.chat
      .postMessage({ channel: fake.defaultChannel.id, text: 'x' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.RequestError });
  });
});
