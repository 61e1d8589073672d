/**
 * A graceful stop, in core: once the bot drains, every command, button and typed line is refused with a
 * message that says to try again shortly, and nothing changes; a line being posted at that moment is posted
 * and marked delivered before the drain resolves; a post that hangs leaves the drain at its bound, and the
 * restart posts the line.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/app.ts';
import { buttonId } from '../../src/core/buttons.ts';
import { UserError } from '../../src/stories/errors.ts';
import { ctx, startTestBot, testConfig } from '../helpers/bot.ts';
import { responseTo } from '../helpers/model-line.ts';

describe('a graceful stop', () => {
  const bots: Bot[] = [];
  afterEach(async () => {
    for (const bot of bots.splice(0)) await bot.stop();
  });

  async function storyWithPendingLine(config = testConfig({ STORYLOOM_MAX_IN_FLIGHT: '10' })) {
    const started = await startTestBot(config);
    bots.push(started.bot);
    const { bot } = started;
    const thread = async (s: { id: string }) => ({ thread: `t-${s.id}`, message: null });
    const reply = await bot.core.start(ctx('ann'), { seed: 'The ferry left at dawn.' }, thread);
    const request = bot.jobs.pending().find((r) => r.job_id === reply.jobId)!;
    return { ...started, config, storyId: reply.story!.id, request };
  }

  it('refuses commands, buttons and typed lines once draining, and changes nothing', async () => {
    const { bot, storyId } = await storyWithPendingLine();
    const before = JSON.stringify(bot.stories.get(storyId));
    const pendingBefore = bot.jobs.pending().length;
    expect(await bot.drain(1_000)).toBe(true);
    const refusals = [
      bot.chat.run(ctx('bob'), 'story', { seed: 'A new one.' }),
      bot.chat.run(ctx('ann'), 'end', {}, { storyId }),
      bot.chat.press(ctx('ann'), buttonId('continue', storyId, bot.stories.get(storyId).version)),
      bot.chat.addLine(ctx('ann'), storyId, 'My own line.'),
    ];
    for (const refused of refusals) {
      const error = await refused.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).code).toBe('stopping');
      expect((error as UserError).message).toMatch(/restarting\. Try again in a minute/);
    }
    expect(JSON.stringify(bot.stories.get(storyId))).toBe(before);
    expect(bot.jobs.pending().length).toBe(pendingBefore);
  });

  it('waits for a line being posted, which is posted and marked delivered', async () => {
    const { bot, delivery, storyId, request } = await storyWithPendingLine();
    let release: () => void = () => undefined;
    delivery.hold = new Promise((resolve) => (release = resolve));
    const handled = bot.core.storyJobs.response(request, responseTo(request, 'The tide came in.'));
    await new Promise((r) => setTimeout(r, 50));
    let drained: boolean | undefined;
    const draining = bot.drain(5_000).then((done) => (drained = done));
    await new Promise((r) => setTimeout(r, 200));
    expect(drained).toBeUndefined(); // still waiting for the post
    const at = Date.now();
    release();
    await draining;
    await handled;
    expect(drained).toBe(true);
    expect(Date.now() - at).toBeLessThan(1_000);
    expect(delivery.lines.map((d) => d.line.text)).toEqual(['The tide came in.']);
    expect(bot.stories.get(storyId).lines.at(-1)).toMatchObject({ text: 'The tide came in.', delivered: true });
  });

  it('gives up at its bound on a post that hangs; the restart posts the line', async () => {
    const { bot, delivery, config, request } = await storyWithPendingLine();
    delivery.hold = new Promise(() => undefined); // a chat that never answers
    void bot.core.storyJobs.response(request, responseTo(request, 'The gulls came back.'));
    await new Promise((r) => setTimeout(r, 50));
    const at = Date.now();
    expect(await bot.drain(300)).toBe(false);
    expect(Date.now() - at).toBeGreaterThanOrEqual(290);
    expect(Date.now() - at).toBeLessThan(1_000);
    await bot.stop();
    bots.pop();
    const restarted = await startTestBot(config);
    bots.push(restarted.bot);
    expect(restarted.delivery.lines.map((d) => [d.line.text, d.maybePosted])).toEqual([['The gulls came back.', true]]);
  });
});
