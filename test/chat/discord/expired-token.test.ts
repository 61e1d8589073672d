/**
 * Discord, once an interaction token stops working after the deferral: whether
 * Discord says so (401 50027, 404 10015) or storyloom's own clock says it is
 * about to (14.5 of its 15 minutes), what the reply would have shown still
 * arrives, through the bot token: in the reply itself when it was shown (a
 * public reply is a message of the bot's), or in the channel or the thread.
 */
import type { APIMessage } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINE_POSTED } from '../../../src/chat/discord/delivery.ts';
import { escapeStory } from '../../../src/chat/discord/render.ts';
import { answerWithError, customIds, startDiscordWorld, type DiscordWorld } from './world.ts';

describe('Discord: an interaction token that expired before the reply', () => {
  let w: DiscordWorld;
  let threadId: string;
  beforeAll(async () => {
    w = await startDiscordWorld();
  });
  afterAll(() => w?.close());

  const original = (token: string) => new RegExp(`^/webhooks/\\d+/${token}/messages/%40original$`);
  const byBot = (path: string) =>
    w.fake.requests({ method: 'POST', path }).filter((r) => r.headers.authorization === `Bot ${w.fake.botToken}`);
  const gone = (code: number) => `the interaction token no longer works (${code}); answering with the bot token`;

  it(
    'opens /story in the channel with the bot token when the ' +
      'token is invalid (401 50027) by the time the reply is edited',
    async () => {
      const sent = w.command(w.ana, 'story', { opening: 'The ferry waited for nobody.' });
      // Why now: the callback still works (the deferral succeeds); every webhook edit after it gets 401 50027.
      w.fake.expireInteractionToken(sent.id, 'invalid-token');
      const opening = await w.fake.waitFor(
        () =>
          w.fake
            .channelMessages(w.channelId)
            .find((m) => m.content.includes('The ferry waited') && m.content.endsWith(LINE_POSTED)),
        30_000,
        'the opening, then its outcome, in the channel',
      );
      expect(w.fake.interactionState(sent.id)).toMatchObject({ deferred: true, tokenExpired: true });
      expect(
        w.fake
          .requests({ method: 'PATCH', path: original(sent.token) })
          .map((r) => [r.status, (r.response as { code: number }).code]),
      ).toEqual([[401, 50027]]);
      expect(opening.interaction_metadata).toBeUndefined();
      expect(
        byBot(`/channels/${w.channelId}/messages`).some((r) =>
          (r.body as { content: string }).content.includes('The ferry waited'),
        ),
      ).toBe(true);
      // The outcome edits the channel message in place, with the bot token too.
      const edit = w.fake
        .requests({ method: 'PATCH', path: `/channels/${w.channelId}/messages/${opening.id}` })
        .at(-1)!;
      expect(edit.headers.authorization).toBe(`Bot ${w.fake.botToken}`);
      threadId = opening.id;
      expect(w.bot.stories.findByThread('discord', threadId)!.place.message).toBe(opening.id);
      expect(w.fake.channelMessages(threadId).filter((m) => customIds(m).length > 0)).toHaveLength(1);
      expect(w.logs.some((l) => l.endsWith(`/story: ${gone(50027)}`))).toBe(true);
    },
  );

  it(
    'posts an /add line in the thread with the bot token ' + 'when the token is an unknown webhook (404 10015)',
    async () => {
      const sent = w.command(w.ben, 'add', { text: 'A gull took the *last* ticket.' }, threadId);
      w.fake.expireInteractionToken(sent.id, 'unknown-webhook');
      const line = await w.fake.waitFor(
        () => w.fake.channelMessages(threadId).find((m) => m.content.startsWith(escapeStory('A gull took'))),
        10_000,
        'the added line in the thread',
      );
      expect(line.content).toBe('A gull took the \\*last\\* ticket.\n-# ✍️ Ben');
      expect(customIds(line).map((id) => id.split(':')[1])).toEqual(['continue', 'undo', 'end']);
      expect(line.interaction_metadata).toBeUndefined();
      expect(
        byBot(`/channels/${threadId}/messages`).some((r) => (r.body as { content: string }).content === line.content),
      ).toBe(true);
      expect(
        w.fake
          .requests({ method: 'PATCH', path: original(sent.token) })
          .map((r) => [r.status, (r.response as { code: number }).code]),
      ).toEqual([[404, 10015]]);
      expect(w.logs.some((l) => l.endsWith(`/add: ${gone(10015)}`))).toBe(true);
    },
  );

  it(
    'stops using a token after 14.5 minutes, though Discord would ' +
      'still take it: the bot token shows a failure in the reply',
    async () => {
      const paused = w.command(w.boss, 'admin', { action: 'pause' });
      await w.fake.waitForOriginal(paused.id, /pause confirmed/, 20_000);
      const sent = w.command(w.ben, 'continue', {}, threadId);
      await w.fake.waitForOriginal(sent.id, /⏸️/, 10_000);
      const jobId = w.bot.jobs.pending().find((r) => r.user.id === w.ben.id)!.job_id;
      // 14.6 minutes pass, for Discord and for the bot alike.
      w.fake.ageInteraction(sent.id, 14.6 * 60_000);
      w.advanceBotClock(14.6 * 60_000);
      expect(w.fake.interactionState(sent.id)!.tokenExpired).toBe(false);
      const editsBefore = w.fake.requests({ method: 'PATCH', path: original(sent.token) }).length;

      const postsBefore = byBot(`/channels/${threadId}/messages`).length;
      await answerWithError(w, jobId, 'the GPU fell over');
      const told: APIMessage = await w.fake.waitForOriginal(sent.id, /⚠️/, 10_000);
      expect(told.content).toBe(
        '**Ben** asked for the next line.\n⚠️ The model could not write that line (the GPU fell over). ' +
          'Try again, or ask an admin to check the worker.',
      );
      const edit = w.fake.requests({ method: 'PATCH', path: `/channels/${threadId}/messages/${told.id}` }).at(-1)!;
      expect(edit.headers.authorization).toBe(`Bot ${w.fake.botToken}`);
      expect(w.fake.requests({ method: 'PATCH', path: original(sent.token) })).toHaveLength(editsBefore);
      expect(byBot(`/channels/${threadId}/messages`)).toHaveLength(postsBefore);
    },
  );
});
