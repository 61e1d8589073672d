/**
 * Message nonces through the real discord.js client: with `enforceNonce`, the
 * same author and nonce within the window answer with the first message and make
 * none; another nonce, or the same one after the window, makes a new message.
 * The nonce comes back on the answer that made the message, not in history.
 */
import { DiscordAPIError, type TextChannel } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';

const WINDOW_MS = 300;

describe('discord fake: message nonces', () => {
  let h: Harness;
  let channel: TextChannel;

  beforeEach(async () => {
    h = await startHarness({ fake: { nonceWindowMs: WINDOW_MS }, client: { allowedMentions: { parse: [] } } });
    channel = h.client.channels.cache.get(h.channelId) as TextChannel;
  });

  afterEach(async () => {
    await h.close();
  });

  const posts = () => h.fake.requests({ method: 'POST', route: '/channels/:channelId/messages' });

  it('answers a repeat of the same nonce within the window with the first message, and makes none', async () => {
    const first = await channel.send({ content: 'The lamp went out.', nonce: 'line-1', enforceNonce: true });
    const again = await channel.send({ content: 'The lamp went out.', nonce: 'line-1', enforceNonce: true });
    expect(again.id).toBe(first.id);
    expect(first.nonce).toBe('line-1');
    expect(h.fake.channelMessages(h.channelId).map((m) => m.id)).toEqual([first.id]);
    expect(posts().map((r) => r.body)).toMatchObject([
      { nonce: 'line-1', enforce_nonce: true },
      { nonce: 'line-1', enforce_nonce: true },
    ]);
  });

  it(
    'makes a new message for another nonce, for the same ' + 'nonce without enforce_nonce, and after the window',
    async () => {
      const first = await channel.send({ content: 'One.', nonce: 'line-1', enforceNonce: true });
      const other = await channel.send({ content: 'One.', nonce: 'line-2', enforceNonce: true });
      const unenforced = await channel.send({ content: 'One.', nonce: 'line-1' });
      expect(new Set([first.id, other.id, unenforced.id]).size).toBe(3);
      await new Promise((resolve) => setTimeout(resolve, WINDOW_MS + 50));
      const late = await channel.send({ content: 'One.', nonce: 'line-2', enforceNonce: true });
      expect(late.id).not.toBe(other.id);
      expect(h.fake.channelMessages(h.channelId)).toHaveLength(4);
    },
  );

  it('leaves the nonce out of fetched messages', async () => {
    const sent = await channel.send({ content: 'Kept.', nonce: 12345, enforceNonce: true });
    expect(sent.nonce).toBe(12345);
    const [fetched] = (await channel.messages.fetch({ limit: 10, cache: false })).values();
    expect(fetched!.id).toBe(sent.id);
    const raw = h.fake.requests({ method: 'GET', route: '/channels/:channelId/messages' }).at(-1)!;
    expect(raw.response).toEqual([expect.not.objectContaining({ nonce: expect.anything() })]);
  });

  it('refuses a nonce over 25 characters, or a number that is not an integer, as Discord does', async () => {
    const tooLong = await channel.send({ content: 'x', nonce: 'n'.repeat(26) }).catch((e: unknown) => e);
    expect(tooLong).toBeInstanceOf(DiscordAPIError);
    expect((tooLong as DiscordAPIError).code).toBe(50035);
    expect((tooLong as DiscordAPIError).rawError).toMatchObject({
      errors: { nonce: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } },
    });
    const sent = await h.client.rest
      .post(`/channels/${h.channelId}/messages`, { body: { content: 'x', nonce: 1.5 } })
      .catch((e: unknown) => e);
    expect((sent as DiscordAPIError).code).toBe(50035);
    expect(h.fake.channelMessages(h.channelId)).toEqual([]);
  });
});
