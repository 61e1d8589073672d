/** Core commands at their edges: bad input from users, limits, stale results, versions. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/app.ts';
import { UserError } from '../../src/stories/errors.ts';
import { BURST, Limits } from '../../src/core/limits.ts';
import type { Worker } from '../../src/worker/worker.ts';
import { ctx, startTestBot, startTestWorker, testConfig } from '../helpers/bot.ts';
import { tinyModel } from '../helpers/models.ts';
import { until } from '../helpers/worker-process.ts';

const bots: Bot[] = [];
const workers: Worker[] = [];
afterEach(async () => {
  for (const w of workers.splice(0)) {
    await w.stop();
    await w.transport.close();
  }
  await Promise.all(bots.splice(0).map((b) => b.stop()));
});

async function bot(overrides: Record<string, string> = {}) {
  const started = await startTestBot(testConfig({ STORYLOOM_MAX_IN_FLIGHT: '50', ...overrides }));
  bots.push(started.bot);
  return started;
}

async function refused(work: Promise<unknown>): Promise<string> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return (error as UserError).code;
}

const thread = async (s: { id: string }) => ({ thread: `t-${s.id}`, message: null });

describe('bad input from users gets a clear error and loses nothing', () => {
  it.each([
    ['an empty seed', { seed: '' }, 'bad_option'],
    ['a seed of spaces', { seed: '   \n\t ' }, 'empty'],
    ['a seed of emoji only', { seed: '\u{1F408}\u{1F408}' }, 'empty'],
    ['a 100,000-character seed', { seed: 'x'.repeat(100_000) }, 'too_long'],
    ['a temperature out of range', { seed: 'Hi there.', temperature: 5 }, 'bad_option'],
    ['a length that is not a number', { seed: 'Hi there.', length: 'long' }, 'bad_option'],
    ['a length out of range', { seed: 'Hi there.', length: 5 }, 'bad_option'],
  ])('%s', async (_name, raw, code) => {
    const { bot: b } = await bot();
    expect(await refused(b.core.start(ctx('ann'), raw))).toBe(code);
    expect(b.stories.all()).toHaveLength(0);
    const ok = await b.core.start(ctx('ann'), { seed: 'A good seed.' });
    expect(ok.story!.lines[0].text).toBe('A good seed.');
  });

  it('calls the story’s first words its opening, and still reads them under their old name, seed', async () => {
    const { bot: b } = await bot();
    const first = async (who: string, raw: Record<string, string>) => {
      const reply = await b.core.start(ctx(who), raw);
      return reply.story!.lines[0].text;
    };
    expect(await first('ann', { opening: 'Named anew.' })).toBe('Named anew.');
    expect(await first('bob', { seed: 'Named as before.' })).toBe('Named as before.');
    expect(await first('cy', { opening: 'This one.', seed: 'Not this.' })).toBe('This one.');
    await expect(first('dee', {})).rejects.toThrow('/story needs its opening: the words the story begins with.');
    await expect(first('dee', { opening: '🐈' })).rejects.toThrow('The opening needs at least one letter or digit.');
  });

  it('cleans control characters, NUL, bidi overrides and zalgo, and keeps emoji and any script', async () => {
    const { bot: b } = await bot();
    const seed =
      'The\u0000 cat\u0007 \u202eevil\u202c Z\u0334\u0335\u0336\u0337a \u{1F408} \u05e9\u05dc\u05d5\u05dd café';
    const reply = await b.core.start(ctx('ann'), { seed });
    expect(reply.story!.lines[0].text).toBe('The cat evil Z\u0334\u0335a \u{1F408} \u05e9\u05dc\u05d5\u05dd café');
  });

  it('thread commands outside a story thread, and unknown commands, say what to do', async () => {
    const { bot: b } = await bot();
    expect(await refused(b.core.run(ctx('ann'), 'continue', {}))).toBe('not_in_story');
    expect(await refused(b.core.run(ctx('ann'), 'dance', {}))).toBe('unknown_command');
    expect(await refused(b.core.press(ctx('ann'), 'sl:explode:x:1'))).toBe('unknown_command');
  });
});

describe('limits', () => {
  it('caps the lines one person has waiting', async () => {
    const { bot: b } = await bot({ STORYLOOM_MAX_IN_FLIGHT: '2' });
    await b.core.start(ctx('ann'), { seed: 'One.' });
    await b.core.start(ctx('ann'), { seed: 'Two.' });
    expect(await refused(b.core.start(ctx('ann'), { seed: 'Three.' }))).toBe('in_flight_cap');
    await b.core.start(ctx('bob'), { seed: 'Bob may.' });
  });

  it('asks people to slow down after a burst, saying when they may ask again, but not admins', async () => {
    const { bot: b } = await bot({ STORYLOOM_COOLDOWN_S: '60' });
    for (let i = 0; i < BURST; i++) await b.core.start(ctx('ann'), { opening: `Story ${i}.` });
    const error = await b.core.start(ctx('ann'), { opening: 'One too many.' }).catch((e: unknown) => e as UserError);
    const message = 'Slow down a little: you can ask for another line in 60 s.';
    expect(error).toMatchObject({ code: 'cooldown', message });
    expect((error as UserError).retryAfterMs).toBeGreaterThan(59_000);
    expect((error as UserError).retryAfterMs).toBeLessThanOrEqual(60_000);
    for (let i = 0; i <= BURST; i++) await b.core.start(ctx('root', { admin: true }), { opening: `Admin ${i}.` });
  });

  it('refills the burst one request per cooldown, so a person who reads between lines is never refused', () => {
    let now = 0;
    const limits = new Limits({ maxInFlightPerUser: 2, cooldownS: 3, maxQueue: 100 }, () => now);
    const ask = () => {
      limits.check('ann', false, 0, 0);
      limits.record('ann');
    };
    // The first line lands in 0.3 s, and Continue is pressed at once, again and again: BURST times in a row.
    for (let i = 0; i < BURST; i++, now += 300) ask();
    expect(() => ask()).toThrow(expect.objectContaining({ code: 'cooldown', retryAfterMs: 3000 - BURST * 300 }));
    // Reading a line (3 s or more) earns the next request back.
    now += 3000 - BURST * 300;
    ask();
    for (let i = 0; i < 20; i++) {
      now += 3000;
      ask();
    }
  });

  it('caps the whole queue', async () => {
    const { bot: b } = await bot({ STORYLOOM_MAX_QUEUE: '2' });
    await b.core.start(ctx('ann'), { seed: 'One.' });
    await b.core.start(ctx('bob'), { seed: 'Two.' });
    expect(await refused(b.core.start(ctx('cy'), { seed: 'Three.' }))).toBe('queue_full');
  });

  it('one job in flight per story', async () => {
    const { bot: b } = await bot();
    const reply = await b.core.start(ctx('ann'), { seed: 'One.' }, thread);
    expect(await refused(b.core.continue(ctx('bob'), reply.story!.id))).toBe('busy');
  });
});

describe('story jobs', () => {
  it('a result that went stale while it was written is regenerated once, against the new text', async () => {
    const { bot: b, delivery } = await bot();
    const reply = await b.core.start(ctx('ann'), { seed: 'The ship left the harbour.' }, thread);
    const id = reply.story!.id;
    await b.core.add(ctx('bob'), id, 'A storm was coming.');
    workers.push(await startTestWorker(b.config, await tinyModel()));
    await until(() => delivery.lines.length === 1, 60_000, 'the regenerated line');
    const story = b.stories.get(id);
    expect(story.lines.map((l) => l.kind)).toEqual(['seed', 'human', 'model']);
    expect(story.lines[2].job_id).not.toBe(reply.jobId);
    expect(delivery.lines[0].jobId).toBe(story.lines[2].job_id);
  });

  it(
    'a regenerated job prompts with the new text, and a ' + 'second stale result is applied, not regenerated again',
    async () => {
      const { bot: b, delivery } = await bot();
      const reply = await b.core.start(ctx('ann'), { seed: 'The ship left the harbour.' }, thread);
      const id = reply.story!.id;
      const ok = (jobId: string, text: string) => ({
        v: 1 as const,
        type: 'response' as const,
        job_id: jobId,
        worker_id: 'w',
        finished_at: new Date().toISOString(),
        ok: true as const,
        result: {
          text,
          stop: 'stop_rule' as const,
          model: 'small',
          model_sha256: 'a'.repeat(64),
          device: 'cpu',
          ms: 1,
        },
      });
      const requestOf = (jobId: string) => b.jobs.pending().find((r) => r.job_id === jobId)!;
      await b.core.add(ctx('bob'), id, 'A storm was coming.');
      await b.core.storyJobs.response(requestOf(reply.jobId!), ok(reply.jobId!, 'Stale words.'));
      const second = b.stories.get(id).pending!;
      expect(second).toMatchObject({ attempt: 2, purpose: 'regenerate' });
      expect(requestOf(second.job_id).prompt).toMatch(/A storm was coming\.\s*$/);
      await b.core.add(ctx('cy'), id, 'The gulls went quiet.');
      await b.core.storyJobs.response(requestOf(second.job_id), ok(second.job_id, 'Rain fell on the deck.'));
      const story = b.stories.get(id);
      expect(story.pending).toBeNull();
      expect(story.lines.map((l) => [l.kind, l.text])).toEqual([
        ['seed', 'The ship left the harbour.'],
        ['human', 'A storm was coming.'],
        ['human', 'The gulls went quiet.'],
        ['model', 'Rain fell on the deck.'],
      ]);
      expect(delivery.lines.map((d) => d.jobId)).toEqual([second.job_id]);
    },
  );

  it('buttons from an older version refuse to retry or undo', async () => {
    const { bot: b } = await bot();
    const reply = await b.core.start(ctx('ann'), { seed: 'One.' }, thread);
    const id = reply.story!.id;
    await b.core.add(ctx('ann'), id, 'Two.');
    expect(await refused(b.core.press(ctx('ann'), `sl:undo:${id}:0`))).toBe('moved_on');
  });

  it('ending a story withdraws its job in flight', async () => {
    const { bot: b } = await bot();
    const reply = await b.core.start(ctx('ann'), { seed: 'One.' }, thread);
    const request = join(b.config.STORYLOOM_DATA_DIR, 'mailbox/requests', `${reply.jobId}.json`);
    expect(existsSync(request)).toBe(true);
    await b.core.end(ctx('ann'), reply.story!.id);
    expect(existsSync(request)).toBe(false);
    expect(b.jobs.pending()).toEqual([]);
  });
});

describe('starting a story', () => {
  it('a chat that cannot make the thread leaves no story behind', async () => {
    const { bot: b } = await bot();
    await expect(
      b.core.start(ctx('ann'), { seed: 'Lost at sea.' }, async () => {
        throw new Error('channel_not_found');
      }),
    ).rejects.toThrow('channel_not_found');
    expect(b.stories.all()).toEqual([]);
    expect(b.jobs.pending()).toEqual([]);
    expect(await b.transport.list('stories')).toEqual([]);
  });
});
