/** Counted words read right: one line, one person, one file; and the model only once it wrote something. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/app.ts';
import { cleanupText, statusText } from '../../src/core/format.ts';
import { count } from '../../src/stories/plural.ts';
import type { Heartbeat } from '../../src/jobs/protocol.ts';
import { toMarkdown } from '../../src/stories/text.ts';
import { ctx, startTestBot, testConfig } from '../helpers/bot.ts';
import { ROOT } from '../helpers/python.ts';

const beat = JSON.parse(readFileSync(join(ROOT, 'contract/protocol/valid/heartbeat-colab.json'), 'utf8')) as Heartbeat;

const bots: Bot[] = [];
afterEach(async () => {
  await Promise.all(bots.splice(0).map((b) => b.stop()));
});

describe('plurals', () => {
  it('counts', () => {
    expect([count(0, 'line'), count(1, 'line'), count(2, 'line')]).toEqual(['0 lines', '1 line', '2 lines']);
    expect([count(1, 'person', 'people'), count(3, 'person', 'people')]).toEqual(['1 person', '3 people']);
  });

  it('/status: 1 line written, 1 line waiting; and 1 file that could not be removed', () => {
    const text = statusText([{ heartbeat: { ...beat, jobs_done: 1 }, fresh: true, ageS: 1 }], 1, []);
    expect(text).toContain('· 1 line written');
    expect(text).toContain('Queue: 1 line waiting.');
    const two = statusText([{ heartbeat: { ...beat, jobs_done: 2 }, fresh: true, ageS: 1 }], 0, []);
    expect(two).toContain('· 2 lines written');
    expect(cleanupText({ unremovable: 1, advice: 'Ask for Content manager.' })).toBe(
      '⚠️ The mailbox is filling up: 1 file could not be removed. Ask for Content manager.',
    );
  });

  it('the end and the export of a story that is only its opening', async () => {
    const { bot } = await startTestBot(testConfig());
    bots.push(bot);
    const thread = async (s: { id: string }) => ({ thread: `t-${s.id}`, message: null });
    const started = await bot.core.start(ctx('ann'), { opening: 'Only this.' }, thread);
    const ended = await bot.core.end(ctx('ann'), started.story!.id);
    expect(ended.text).toBe('The end. 1 line by 1 person. Use /export in this thread for the whole story.');
    const exported = await bot.core.run(ctx('bob', { thread: `t-${started.story!.id}` }), 'export', {});
    expect(exported.text).toBe('“Only this.”, 1 line.');
    expect(toMarkdown(ended.story!)).toContain('; 1 line by Ann. The end.*');
  });
});
