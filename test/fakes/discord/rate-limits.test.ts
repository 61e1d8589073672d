import { RESTEvents, type TextChannel } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';

describe('discord fake: rate limits and faults', () => {
  let h: Harness | undefined;

  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const messagesPath = () => new RegExp(`^/channels/${h!.channelId}/messages$`);

  it('puts plausible X-RateLimit headers on every answer', async () => {
    h = await startHarness();
    const response = await fetch(`${h.fake.restUrl}/v10/channels/${h.channelId}`, {
      headers: { Authorization: `Bot ${h.fake.botToken}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-ratelimit-limit')).toBe('50');
    expect(Number(response.headers.get('x-ratelimit-remaining'))).toBeLessThan(50);
    expect(Number(response.headers.get('x-ratelimit-reset-after'))).toBeGreaterThan(0);
    expect(Number(response.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    expect(response.headers.get('x-ratelimit-bucket')).toMatch(/^[0-9a-f]{32}$/);
    const unauthorized = await fetch(`${h.fake.restUrl}/v10/channels/${h.channelId}`);
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toEqual({ message: '401: Unauthorized', code: 0 });
  });

  it('answers an injected 429 that discord.js waits out and retries', async () => {
    h = await startHarness();
    const limited: unknown[] = [];
    h.client.rest.on(RESTEvents.RateLimited, (info) => limited.push(info));
    h.fake.rateLimitNext(messagesPath(), { retryAfter: 0.3 });
    const channel = h.client.channels.cache.get(h.channelId) as TextChannel;
    await channel.send('after the wait');
    const attempts = h.fake.requests({ method: 'POST', path: messagesPath() });
    expect(attempts.map((r) => r.status)).toEqual([429, 200]);
    expect(attempts[0]!.response).toEqual({ message: 'You are being rate limited.', retry_after: 0.3, global: false });
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(300);
    expect(limited).toHaveLength(1);
  });

  it('answers an injected global 429 that blocks and then retries', async () => {
    h = await startHarness();
    h.fake.rateLimitNext(messagesPath(), { retryAfter: 0.2, global: true });
    const channel = h.client.channels.cache.get(h.channelId) as TextChannel;
    await channel.send('global wait');
    const attempts = h.fake.requests({ method: 'POST', path: messagesPath() });
    expect(attempts.map((r) => r.status)).toEqual([429, 200]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(200);
  });

  it('keeps discord.js under a bucket limit without a 429 by its headers alone', async () => {
    h = await startHarness({ fake: { rateLimit: { limit: 2, windowMs: 400 } } });
    const channel = h.client.channels.cache.get(h.channelId) as TextChannel;
    await Promise.all(['a', 'b', 'c'].map((text) => channel.send(text)));
    const attempts = h.fake.requests({ method: 'POST', path: messagesPath() });
    expect(attempts.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(attempts[2]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(300);
  });

  it('injects a 500 that discord.js retries', async () => {
    h = await startHarness();
    h.fake.failNext(messagesPath(), { status: 500 });
    const channel = h.client.channels.cache.get(h.channelId) as TextChannel;
    await channel.send('retried');
    expect(h.fake.requests({ method: 'POST', path: messagesPath() }).map((r) => r.status)).toEqual([500, 200]);
    expect(h.fake.channelMessages(h.channelId).map((m) => m.content)).toEqual(['retried']);
  });
});
