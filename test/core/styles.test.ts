/**
 * A story's style through core, with hand-written responses (no worker): /story --style puts it in the story and in
 * every request (protocol revision 3), `any` and no style ask for none (the request is what it was before styles),
 * a line records the style the worker used (or none, when its model lacks it, or an older worker ignores the
 * field), /status in the thread says which, the export shows it, and a vote's candidates carry it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/app.ts';
import type { Request, Response } from '../../src/jobs/protocol.ts';
import { UserError } from '../../src/stories/errors.ts';
import { treeDocument } from '../../src/stories/tree-file.ts';
import { toMarkdown } from '../../src/stories/text.ts';
import { currentBranch } from '../../src/stories/tree.ts';
import { ctx, startTestBot, testConfig } from '../helpers/bot.ts';

const bots: Bot[] = [];
afterEach(async () => {
  await Promise.all(bots.splice(0).map((b) => b.stop()));
});

const thread = async (s: { id: string }) => ({ thread: `t-${s.id}`, message: null });
const inThread = (who: string, story: { id: string }) => ctx(who, { thread: `t-${story.id}` });

/** A worker's answer; `style` undefined: an older worker, which writes no `style`. */
function answer(request: Request, texts: string[], style?: string | null): Response {
  const candidates = texts.map((text, i) => ({ text, stop: 'stop_rule' as const, seed: i, chars: text.length }));
  const result = {
    text: texts[0],
    stop: 'stop_rule' as const,
    model: 'tiny-styled',
    model_sha256: 'b'.repeat(64),
    device: 'cpu',
    ms: 1,
    ...(texts.length > 1 ? { candidates } : {}),
    ...(style !== undefined ? { style } : {}),
  };
  const finished_at = new Date().toISOString();
  return { v: 1, type: 'response', job_id: request.job_id, worker_id: 'w', finished_at, ok: true, result };
}

async function world() {
  const { bot } = await startTestBot(testConfig({ STORYLOOM_MAX_IN_FLIGHT: '50' }));
  bots.push(bot);
  const requestOf = (storyId: string) => {
    const jobId = bot.stories.get(storyId).pending!.job_id;
    return bot.jobs.pending().find((r) => r.job_id === jobId)!;
  };
  const respond = async (storyId: string, texts: string[], style?: string | null) => {
    const request = requestOf(storyId);
    await bot.core.storyJobs.response(request, answer(request, texts, style));
    return bot.stories.get(storyId);
  };
  return { bot, requestOf, respond };
}

describe('a story’s style', () => {
  it('goes into every request, is recorded on each line as the worker used it, and shows in /status', async () => {
    const w = await world();
    const story = (
      await w.bot.core.run(
        ctx('ann'),
        'story',
        { opening: 'It is a truth.', style: 'austen' },
        {
          makeThread: thread,
        },
      )
    ).story!;
    expect(story.settings.style).toBe('austen');
    expect(w.requestOf(story.id).style).toBe('austen');
    const status = (s: { id: string }) => w.bot.core.run(inThread('ann', s), 'status', {});
    expect((await status(story)).text).toMatch(/This story asks for the austen style\.$/);
    const after = await w.respond(story.id, ['Universally acknowledged.'], 'austen');
    expect(currentBranch(after).at(-1)!.style).toBe('austen');
    expect((await status(story)).text).toMatch(/This story is written in the austen style\.$/);
    // A worker whose model has no such style writes with none, and says so.
    await w.bot.core.run(inThread('bob', story), 'continue', {});
    expect(w.requestOf(story.id).style).toBe('austen');
    const plain = await w.respond(story.id, ['A plain line.'], null);
    expect(currentBranch(plain).at(-1)!.style).toBeNull();
    expect((await status(story)).text).toMatch(/model has no such style: its newest line was written in none\.$/);
    // An older worker drops the field: the line records none.
    await w.bot.core.run(inThread('bob', story), 'continue', {});
    const older = await w.respond(story.id, ['An older worker.']);
    expect(currentBranch(older).at(-1)!.style).toBeNull();
    // The export shows it.
    expect(toMarkdown(older)).toMatch(/In the austen style\./);
    const doc = treeDocument(older);
    expect(doc.style).toBe('austen');
    expect(doc.lines.map((l) => l.style)).toEqual([null, 'austen', null, null]);
  });

  it('asks for none with `any` or without the option: the request is what it was before styles', async () => {
    const w = await world();
    for (const raw of [{ opening: 'No style.' }, { opening: 'Any style.', style: 'any' }]) {
      const story = (await w.bot.core.run(ctx('ann'), 'story', raw, { makeThread: thread })).story!;
      expect(story.settings.style).toBeUndefined();
      expect('style' in w.requestOf(story.id)).toBe(false);
      const after = await w.respond(story.id, ['A line.']);
      expect('style' in currentBranch(after).at(-1)!).toBe(false);
      expect((await w.bot.core.run(inThread('ann', story), 'status', {})).text).toMatch(/no particular style \(any\)/);
      expect(treeDocument(after).style).toBe('any');
      expect(toMarkdown(after)).not.toMatch(/In the .* style/);
    }
  });

  it('refuses a style that is not one of the list, naming them', async () => {
    const w = await world();
    const error = await w.bot.core.run(ctx('ann'), 'story', { opening: 'x', style: 'gothic' }).catch((e) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(
      'style must be one of any, general, mystery, science-fiction, adventure, romance, humor, austen, melville.',
    );
    expect(w.bot.stories.all()).toEqual([]);
  });

  it('gives a vote’s candidates the style they were written in', async () => {
    const w = await world();
    const raw = { opening: 'Call me Ishmael.', style: 'melville', candidates: 2 };
    const story = (await w.bot.core.run(ctx('ann'), 'story', raw, { makeThread: thread })).story!;
    expect(w.requestOf(story.id)).toMatchObject({ style: 'melville', candidates: 2 });
    const voting = await w.respond(story.id, ['Some years ago.', 'Never mind how long.'], 'melville');
    expect(voting.vote!.style).toBe('melville');
    await w.bot.core.run(inThread('ann', story), 'pick', { candidate: 2 });
    const after = w.bot.stories.get(story.id);
    expect(after.lines.filter((l) => l.vote).map((l) => l.style)).toEqual(['melville', 'melville']);
  });
});
