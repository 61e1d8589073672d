/**
 * Discord: a restart while jobs wait leaves no reply frozen at its last
 * progress. The restarted bot holds no interaction tokens, but a public reply is
 * a message of the bot's: it finds each waiting job's reply again (the story's
 * opening, or the thread's newest messages) and edits it with the bot token,
 * with progress and then the outcome. A look that fails does not stop the line.
 */
import type { APIMessage } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINE_POSTED } from '../../../src/chat/discord/delivery.ts';
import { answerWithError, customIds, startDiscordWorld, type DiscordWorld } from './world.ts';

describe('Discord: replies across a restart', () => {
  let w: DiscordWorld;
  let threadId: string;
  beforeAll(async () => {
    w = await startDiscordWorld();
    ({ threadId } = await w.startStory(w.ana, 'The night ferry left the harbour.'));
  });
  afterAll(() => w?.close());

  const lines = (channelId: string) => w.fake.channelMessages(channelId).filter((m) => customIds(m).length > 0);
  /** Edits of a message with the bot token (Edit Message, not the interaction webhook) since `at`. */
  const botEdits = (message: APIMessage, at: number) =>
    w.fake
      .requests({ method: 'PATCH', path: `/channels/${message.channel_id}/messages/${message.id}` })
      .filter((r) => r.at >= at && r.headers.authorization === `Bot ${w.fake.botToken}`);

  it('finishes the replies of jobs that waited through the ' +
    'restart: the opening of a /story, and a Continue’s reply', async () => {
    await w.admin('pause');
    const asked = w.command(w.ana, 'continue', {}, threadId);
    const reply = await w.fake.waitForOriginal(asked.id, /⏸️ .*\(#1 in line\)/, 10_000);
    const started = w.command(w.ben, 'story', { opening: 'A lantern swung in the dark.' });
    const opening = await w.fake.waitForOriginal(started.id, /⏸️ .*\(#2 in line\)/, 10_000);

    await w.restart();
    const restartedAt = Date.now();
    // Progress goes on in the same messages, edited with the bot token.
    await w.fake.waitFor(
      () => botEdits(reply, restartedAt).length > 0 && botEdits(opening, restartedAt).length > 0,
      10_000,
      'both replies edited after the restart',
    );

    const jobId = w.bot.jobs.pending().find((r) => r.user.id === w.ana.id)!.job_id;
    await answerWithError(w, jobId, 'the GPU fell over');
    const failed = await w.fake.waitForOriginal(asked.id, /⚠️/, 10_000);
    expect(failed.content).toBe(
      '**Ana** asked for the next line.\n⚠️ The model could not write that line (the GPU fell over). ' +
        'Try again, or ask an admin to check the worker.',
    );
    expect(w.fake.channelMessages(threadId).filter((m) => m.content.startsWith('⚠️'))).toEqual([]);

    await w.admin('resume');
    const finished = await w.fake.waitForOriginal(started.id, new RegExp(`\n\n${LINE_POSTED}$`), 30_000);
    expect(finished.content).toMatch(/^📖 \*\*Ben\*\* started a story:\nA lantern swung in the dark\./);
    expect(lines(opening.id)).toHaveLength(1);
    // The new bot never had, and never used, the old interactions' tokens.
    const webhookEdits = w.fake
      .requests({ method: 'PATCH' })
      .filter((r) => r.at >= restartedAt && [asked.token, started.token].some((t) => r.path.includes(t)));
    expect(webhookEdits).toEqual([]);
    expect(w.logs.filter((l) => l.includes('could not'))).toEqual([]);
  }, 60_000);

  it('posts the line anyway when the thread cannot be read ' +
    'after the restart (the old reply then stays as it was)', async () => {
    await w.admin('pause');
    const asked = w.command(w.ben, 'continue', {}, threadId);
    await w.fake.waitForOriginal(asked.id, /⏸️ .*\(#1 in line\)/, 10_000);
    const before = lines(threadId).length;
    w.fake.failNext(new RegExp(`^/channels/${threadId}/messages$`), {
      method: 'GET',
      status: 403,
      body: { code: 50001, message: 'Missing Access' },
    });

    await w.restart();
    const jobId = w.bot.jobs.pending().find((r) => r.user.id === w.ben.id)!.job_id;
    await w.fake.waitFor(
      () =>
        w.logs.find((l) =>
          l.startsWith(
            `storyloom discord: could not look for the reply of job ${jobId} from before the restart: Missing Access`,
          ),
        ),
      10_000,
      'the failed look in the log',
    );
    await w.admin('resume');
    await w.fake.waitFor(() => lines(threadId).length === before + 1, 30_000, 'the line in the thread');
    expect(w.fake.interactionState(asked.id)!.original!.content).toMatch(/⏸️/);
  }, 60_000);
});
