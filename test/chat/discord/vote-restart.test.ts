/**
 * Votes on Discord across a restart (issue 16: "Restart tests cover a vote open at the stop and a vote that closed
 * during it"). The vote lives in the story's file and its message is a message of the bot's, so a new bot on the
 * same data takes the message over by the id core saved: presses count on the same message, edited with the bot
 * token, and the window closes it. A window that ran out while no bot ran closes once when one is back: one edit to
 * closed, the winner posted once. A message posted but not saved is found in the thread by its buttons, not posted
 * again.
 */
import type { APIMessage } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { votePosted } from '../../../src/chat/discord/delivery.ts';
import { readButtonId } from '../../../src/core/buttons.ts';
import type { Story } from '../../../src/stories/schema.ts';
import { testTransport } from '../../helpers/bot.ts';
import { customIds, startDiscordWorld, unescaped, type DiscordWorld } from './world.ts';

/** Long enough for a restart and a press inside it, short enough to wait out. */
const WINDOW_S = 6;

describe('Discord: votes across a restart', () => {
  let w: DiscordWorld;
  beforeAll(async () => {
    w = await startDiscordWorld({ config: { STORYLOOM_VOTE_WINDOW_S: String(WINDOW_S) } });
  });
  afterAll(() => w?.close());

  const voteIds = (m: APIMessage) => customIds(m).filter((id) => readButtonId(id)?.action === 'vote');
  const storyIn = (threadId: string): Story => w.bot.stories.findByThread('discord', threadId)!;
  /** Requests of the bot token on a path since `at`. */
  const since = (at: number, method: string, path: string) =>
    w.fake
      .requests({ method, path })
      .filter((r) => r.at >= at && r.headers.authorization === `Bot ${w.fake.botToken}` && r.status === 200);
  const shows = (message: APIMessage, pattern: RegExp, timeoutMs = 15_000) =>
    w.fake.waitFor(
      () => {
        const now = w.fake.message(message.id)!;
        return pattern.test(unescaped(now.content)) ? now : undefined;
      },
      timeoutMs,
      `message ${message.id} to show ${pattern}`,
    );
  /** The thread's messages that show a line whose id is the story's head. */
  const winnerLines = (threadId: string) =>
    w.fake
      .channelMessages(threadId)
      .filter((m) => customIds(m).some((id) => readButtonId(id)?.lineId === storyIn(threadId).head));

  /** Starts a story whose first line is put to a vote of `n`; resolves once its message's id is saved. */
  async function storyWithVote(opening: string, n: number): Promise<{ threadId: string; message: APIMessage }> {
    const sent = w.command(w.ana, 'story', { opening, candidates: n, length: 60 });
    const up = votePosted({ candidates: Array.from({ length: n }), status: 'open' } as never);
    const opened = await w.fake.waitForOriginal(sent.id, new RegExp(`\n\n${up.replace(/[.()]/g, '\\$&')}$`), 30_000);
    const threadId = opened.thread!.id;
    const message = await w.fake.waitFor(
      () => {
        const saved = storyIn(threadId)?.vote?.message;
        return saved ? w.fake.message(saved) : undefined;
      },
      30_000,
      'the vote message saved',
    );
    return { threadId, message };
  }

  it('resumes a vote open at the stop: presses count on the same message, and its window closes it', async () => {
    const { threadId, message } = await storyWithVote('The ferry waited for the fog to lift.', 3);
    const vote = storyIn(threadId).vote!;

    await w.restart();
    const restartedAt = Date.now();
    expect(storyIn(threadId).vote).toMatchObject({ id: vote.id, status: 'open', message: message.id });

    const pressed = w.press(w.ben, w.fake.message(message.id)!, voteIds(message)[1]);
    const answer = await w.fake.waitForOriginal(pressed.id, /^You voted/, 15_000);
    expect(answer.content).toBe('You voted for candidate 2.');
    expect(w.fake.interactionState(pressed.id)!.ephemeral).toBe(true);
    await shows(message, /\*\*2\.\*\* .* — 1 vote \(Ben\)\n/);
    // Ana (who asked) has not voted: the window, resumed by the new bot, closes it at the time it always had.
    const closed = await shows(message, /^🗳️ Candidate 2 won, with 1 vote\n/, WINDOW_S * 1000 + 10_000);
    expect(closed.components).toEqual([]);
    expect(unescaped(closed.content)).toContain('-# The vote’s time ran out.');
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(vote.closes_at));
    await w.fake.waitFor(() => winnerLines(threadId).length === 1, 15_000, 'the winner in the thread');

    // One vote message, taken over by its id: edited with the bot token, never posted again.
    const posts = since(restartedAt, 'POST', `/channels/${threadId}/messages`);
    expect(posts).toHaveLength(1);
    expect(posts[0].response).toMatchObject({ id: winnerLines(threadId)[0].id });
    expect(since(restartedAt, 'PATCH', `/channels/${threadId}/messages/${message.id}`)).toHaveLength(2);
    expect(w.fake.channelMessages(threadId).filter((m) => voteIds(w.fake.messageRevisions(m.id)[0]).length)).toEqual([
      expect.objectContaining({ id: message.id }),
    ]);
    expect(storyIn(threadId).vote).toMatchObject({ status: 'closed', closed_by: 'window', winner: 2 });
    await w.fake.waitFor(() => storyIn(threadId).vote!.shown, 5000, 'the closed vote recorded as shown');
  }, 60_000);

  it('closes once, when the bot is back, a vote whose window ran out while it was down', async () => {
    const { threadId, message } = await storyWithVote('The bell rang at the bottom of the sea.', 2);
    const pressed = w.press(w.ben, message, voteIds(message)[1]);
    await w.fake.waitForOriginal(pressed.id, /^You voted for candidate 2\.$/, 15_000);
    await shows(message, /\*\*2\.\*\* .* — 1 vote \(Ben\)\n/);
    const closesAt = Date.parse(storyIn(threadId).vote!.closes_at);

    let downAt = 0;
    await w.restart(async () => {
      downAt = Date.now();
      await w.fake.waitFor(() => Date.now() > closesAt, WINDOW_S * 1000 + 5000, 'the window to run out');
    });
    expect(downAt).toBeLessThan(closesAt);
    const closed = await shows(message, /^🗳️ Candidate 2 won, with 1 vote\n/);
    expect(closed.components).toEqual([]);
    await w.fake.waitFor(() => winnerLines(threadId).length === 1, 15_000, 'the winner in the thread');
    await w.fake.waitFor(() => storyIn(threadId).vote!.shown, 5000, 'the closed vote recorded as shown');
    expect(storyIn(threadId).vote).toMatchObject({ status: 'closed', closed_by: 'window', winner: 2 });

    // Once: one edit (to closed), one post (the winner), and nothing more after another restart.
    const edits = () => since(downAt, 'PATCH', `/channels/${threadId}/messages/${message.id}`);
    const posts = () => since(downAt, 'POST', `/channels/${threadId}/messages`);
    await w.fake.waitFor(() => edits().length === 1 && posts().length === 1, 5000, 'one edit and one post');
    expect(w.fake.messageRevisions(message.id).filter((v) => v.components!.length === 0)).toHaveLength(1);
    const lines = storyIn(threadId).lines.length;
    await w.restart();
    await w.fake.waitFor(() => w.adapter.health().ready, 5000);
    expect(edits()).toHaveLength(1);
    expect(posts()).toHaveLength(1);
    expect(storyIn(threadId).lines).toHaveLength(lines);
  }, 60_000);

  it('takes over a vote message whose id was not saved (the bot stopped between): found by its buttons', async () => {
    const { threadId, message } = await storyWithVote('The map showed an island that was not there.', 2);
    const storyId = storyIn(threadId).id;
    let downAt = 0;
    // As if the bot had stopped after posting the message and before saving its id.
    await w.restart(async () => {
      downAt = Date.now();
      const transport = testTransport(w.config);
      await transport.open();
      const file = JSON.parse((await transport.get('stories', `${storyId}.json`))!) as Story;
      await transport.put(
        'stories',
        `${storyId}.json`,
        `${JSON.stringify({ ...file, vote: { ...file.vote, message: null } })}\n`,
      );
      await transport.close();
    });
    await w.fake.waitFor(() => storyIn(threadId).vote?.message === message.id, 15_000, 'the message found again');
    expect(since(downAt, 'POST', `/channels/${threadId}/messages`)).toEqual([]);
    // It was read from the thread and edited in place, with the bot token.
    expect(since(downAt, 'GET', `/channels/${threadId}/messages`).length).toBeGreaterThan(0);
    expect(since(downAt, 'PATCH', `/channels/${threadId}/messages/${message.id}`)).toHaveLength(1);

    const pressed = w.press(w.ana, w.fake.message(message.id)!, voteIds(message)[0]);
    await w.fake.waitForOriginal(pressed.id, /won\.$/, 15_000);
    await shows(message, /^🗳️ Candidate 1 won, with 1 vote\n/);
    await w.fake.waitFor(() => winnerLines(threadId).length === 1, 15_000, 'the winner in the thread');
    const votes = w.fake.channelMessages(threadId).filter((m) => voteIds(w.fake.messageRevisions(m.id)[0]).length);
    expect(votes.map((m) => m.id)).toEqual([message.id]);
  }, 60_000);
});
