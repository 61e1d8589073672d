/**
 * What core tells an adapter about a line: its buttons name the line (a marker
 * an adapter can find again in a thread), and `maybePosted` says whether the line
 * may be in the thread already: never on a first delivery; always from the
 * startup sweep and when a response is handled again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/app.ts';
import { buttonId, parseButtonId, readButtonId, storyButtons } from '../../src/core/buttons.ts';
import { UserError } from '../../src/stories/errors.ts';
import { ctx, startTestBot, testConfig } from '../helpers/bot.ts';
import { responseTo, withModelLine } from '../helpers/model-line.ts';

const STORY = '01J0000000000000000000000C';
const LINE = '01J0000000000000000000000M';

describe('button ids', () => {
  it(
    'name the line they are posted under, within Discord’s ' + '100 characters; older ids without a line still work',
    () => {
      expect(readButtonId(buttonId('continue', STORY, 123_456_789, LINE))).toEqual({
        action: 'continue',
        storyId: STORY,
        version: 123_456_789,
        lineId: LINE,
      });
      expect(buttonId('continue', STORY, 123_456_789, LINE).length).toBeLessThanOrEqual(75);
      expect(parseButtonId(`sl:undo:${STORY}:3`)).toEqual({ action: 'undo', storyId: STORY, version: 3, lineId: null });
      const { story, line } = withModelLine({ platform: 'test', channel: 'c1', thread: 't1' }, 'The tide came in.');
      expect(storyButtons(story, line.id).map((b) => readButtonId(b.customId)?.lineId)).toEqual([
        line.id,
        line.id,
        line.id,
        line.id,
      ]);
      expect(readButtonId(`sl:undo:${STORY}:3:not-a-line`)).toBeNull();
      expect(() => parseButtonId('story:continue')).toThrow(UserError);
    },
  );
});

describe('maybePosted', () => {
  const bots: Bot[] = [];
  afterEach(async () => {
    for (const bot of bots.splice(0)) await bot.stop();
  });

  it(
    'is false on a line’s first delivery, and true from ' + 'a response handled again and from the startup sweep',
    async () => {
      // No worker answers here: the test hands core each response, so the requests stay in the mailbox.
      const config = testConfig({ STORYLOOM_MAX_IN_FLIGHT: '10' });
      const { bot, delivery } = await startTestBot(config);
      bots.push(bot);
      const reply = await bot.core.start(ctx('ann'), { seed: 'The ferry left at dawn.' }, async (s) => ({
        thread: `t-${s.id}`,
        message: null,
      }));
      const storyId = reply.story!.id;
      /** Queues the next line and hands core its response (with the chat down, if told). */
      async function nextLine(text: string, chatDown: boolean, jobId?: string) {
        const id = jobId ?? (await bot.core.continue(ctx('ann'), storyId)).jobId!;
        const request = bot.jobs.pending().find((r) => r.job_id === id)!;
        delivery.failing = chatDown;
        const handled = bot.core.storyJobs.response(request, responseTo(request, text));
        if (chatDown) await expect(handled).rejects.toThrow('chat is down');
        else await handled;
        delivery.failing = false;
        return request;
      }
      const retried = await nextLine('The tide came in.', true, reply.jobId);
      await bot.core.storyJobs.response(retried, responseTo(retried, 'ignored: applied already'));
      await nextLine('The gulls came back.', true);
      await bot.core.storyJobs.deliverUndelivered();
      await nextLine('The lamp went out.', false);
      expect(delivery.lines.map((d) => [d.line.text, d.maybePosted])).toEqual([
        ['The tide came in.', true],
        ['The gulls came back.', true],
        ['The lamp went out.', false],
      ]);
      expect(delivery.lines.every((d) => d.buttons.every((b) => readButtonId(b.customId)?.lineId === d.line.id))).toBe(
        true,
      );

      await bot.stop();
      bots.pop();
      const restarted = await startTestBot(config);
      bots.push(restarted.bot);
      expect(restarted.delivery.lines).toEqual([]); // every line was marked delivered: the sweep has nothing to do
    },
  );
});
