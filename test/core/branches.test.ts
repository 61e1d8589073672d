/**
 * /branch, /branches, /export and /undo on a story tree, through core: who may branch, what is refused (and that a
 * refusal changes nothing), a story file from before branches loaded as one branch, and undo on a fork. Lines come
 * from hand-written responses, so every test runs without a worker.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/app.ts';
import type { Response } from '../../src/jobs/protocol.ts';
import { UserError } from '../../src/stories/errors.ts';
import type { Story } from '../../src/stories/schema.ts';
import type { treeDocument } from '../../src/stories/tree-file.ts';
import { currentBranch } from '../../src/stories/tree.ts';
import { ctx, startTestBot, testConfig } from '../helpers/bot.ts';

const bots: Bot[] = [];
afterEach(async () => {
  await Promise.all(bots.splice(0).map((b) => b.stop()));
});

const thread = async (s: { id: string }) => ({ thread: `t-${s.id}`, message: null });
const inThread = (who: string, story: { id: string }, admin = false) => ctx(who, { thread: `t-${story.id}`, admin });

function ok(jobId: string, text: string): Response {
  const result = {
    text,
    stop: 'stop_rule' as const,
    model: 'small',
    model_sha256: 'a'.repeat(64),
    device: 'cpu',
    ms: 1,
  };
  return {
    v: 1,
    type: 'response',
    job_id: jobId,
    worker_id: 'w',
    finished_at: new Date().toISOString(),
    ok: true,
    result,
  };
}

async function refused(work: Promise<unknown>): Promise<UserError> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

/** A bot, and a way to answer the job a story waits for as a worker would. */
async function world(config = testConfig({ STORYLOOM_MAX_IN_FLIGHT: '50' })) {
  const { bot } = await startTestBot(config);
  bots.push(bot);
  /** The request of the job the story waits for. */
  const requestOf = (storyId: string) => {
    const jobId = bot.stories.get(storyId).pending!.job_id;
    return bot.jobs.pending().find((r) => r.job_id === jobId)!;
  };
  const answer = async (storyId: string, text: string): Promise<Story> => {
    const request = requestOf(storyId);
    await bot.core.storyJobs.response(request, ok(request.job_id, text));
    return bot.stories.get(storyId);
  };
  return { bot, answer, requestOf };
}

/** Ann's story, continued to 4 lines: the opening and three model lines. */
async function fourLines() {
  const w = await world();
  const started = await w.bot.core.start(ctx('ann'), { opening: 'The ferry left at dawn.' }, thread);
  const id = started.story!.id;
  await w.answer(id, 'Gulls followed it out.');
  for (const text of ['The fog came in.', 'Nobody saw the shore again.']) {
    await w.bot.core.run(inThread('bob', started.story!), 'continue', {});
    await w.answer(id, text);
  }
  return { ...w, id, story: () => w.bot.stories.get(id) };
}

describe('/branch and /branches', () => {
  it('moves the story back to line 2; Continue grows a new branch; /branches lists both, forking at 2', async () => {
    const { bot, answer, requestOf, id, story } = await fourLines();
    const before = story();
    const reply = await bot.core.run(inThread('ann', before), 'branch', { line: '2' });
    expect(reply.text).toBe(
      '↩️ Ann moved the story back to line 2, by the model:\nGulls followed it out.\n' +
        'New lines grow a new branch from here; the lines that came after it stay on theirs (see /branches).',
    );
    expect(reply.ephemeral).toBe(false);
    expect(reply.buttons!.map((b) => b.action)).toEqual(['continue', 'retry', 'end']);
    expect(reply.buttons![0].customId).toBe(`sl:continue:${id}:${before.version + 1}`);
    expect(story().lines).toEqual(before.lines);
    expect(story().head).toBe(before.lines[1].id);

    await bot.core.press(ctx('bob'), reply.buttons![0].customId);
    expect(requestOf(id).prompt).toBe('The ferry left at dawn. Gulls followed it out. ');
    const after = await answer(id, 'The sea was calm that day.');
    expect(after.lines).toHaveLength(5);
    expect(after.lines[4]).toMatchObject({ text: 'The sea was calm that day.', parent: before.lines[1].id });
    expect(currentBranch(after).map((l) => l.text)).toEqual([
      'The ferry left at dawn.',
      'Gulls followed it out.',
      'The sea was calm that day.',
    ]);

    const listed = await bot.core.run(inThread('cy', after), 'branches', {});
    expect(listed.ephemeral).toBe(true);
    expect(listed.text).toBe(
      [
        'This story has 2 branches:',
        '• 1. ▶️ the current branch: 3 lines, the last “The sea was calm that day.”',
        '• 2. forks from line 2: 4 lines, the last “Nobody saw the shore again.”',
        'To go on from the last line of another branch: /switch <branch> (its number here).',
        'To go on from an earlier line of the current branch: /branch <line> (the opening is line 1).',
      ].join('\n'),
    );
  });

  it('exports the current branch as Markdown and the whole tree as JSON', async () => {
    const { bot, answer, id, story } = await fourLines();
    await bot.core.run(inThread('ann', story()), 'branch', { line: 2 });
    await bot.core.run(inThread('ann', story()), 'continue', {});
    const after = await answer(id, 'The sea was calm that day.');
    const exported = await bot.core.run(inThread('bob', after), 'export', {});
    expect(exported.text).toBe(
      '“The ferry left at dawn.”, 3 lines on the current branch, and all 2 branches in the .tree.json file.',
    );
    const [markdown, tree] = [exported.file!, ...exported.moreFiles!];
    expect(markdown.name).toBe('the-ferry-left-at-dawn.md');
    expect(markdown.content).toContain('The sea was calm that day.');
    expect(markdown.content).not.toContain('Nobody saw the shore again.');
    expect(tree).toMatchObject({ name: 'the-ferry-left-at-dawn.tree.json', mime: 'application/json' });
    const doc = JSON.parse(tree.content) as ReturnType<typeof treeDocument>;
    expect(doc.head).toBe(after.head);
    expect(doc.lines.map((l) => [l.text, l.parent, l.on_current_branch])).toEqual([
      ['The ferry left at dawn.', null, true],
      ['Gulls followed it out.', after.lines[0].id, true],
      ['The fog came in.', after.lines[1].id, false],
      ['Nobody saw the shore again.', after.lines[2].id, false],
      ['The sea was calm that day.', after.lines[1].id, true],
    ]);
    expect(doc.lines[4]).toMatchObject({ kind: 'model', author: { id: 'ann' }, model: 'small' });
    expect(doc.lines[4].sampling).toMatchObject({ temperature: 0.8, stop: 'sentence' });
  });

  it('is for the owner or an admin; refusals change nothing', async () => {
    const { bot, id, story } = await fourLines();
    const before = story();
    const notOwner = await refused(bot.core.run(inThread('bob', before), 'branch', { line: 2 }));
    expect(notOwner).toMatchObject({
      code: 'forbidden',
      message: 'Only Ann (who started this story) or an admin can move it back to an earlier line.',
    });
    for (const [line, code] of [
      ['9', 'bad_option'],
      ['0', 'bad_option'],
      ['two', 'bad_option'],
      ['4', 'bad_option'],
      [undefined, 'bad_option'],
    ] as const) {
      expect((await refused(bot.core.run(inThread('ann', before), 'branch', { line }))).code).toBe(code);
    }
    expect((await refused(bot.core.run(ctx('ann'), 'branch', { line: 2 }))).code).toBe('not_in_story');
    expect(story()).toEqual(before);
    expect(
      JSON.parse(readFileSync(join(bot.config.STORYLOOM_DATA_DIR, 'mailbox/stories', `${id}.json`), 'utf8')),
    ).toEqual(JSON.parse(JSON.stringify(before)));

    const byAdmin = await bot.core.run(inThread('root', before, true), 'branch', { line: 3 });
    expect(byAdmin.text).toMatch(/^↩️ Root moved the story back to line 3/);
    expect(story().head).toBe(before.lines[2].id);
    expect((await bot.core.run(inThread('bob', before), 'branches', {})).text).toContain('• 2. forks from line 3');
  });

  it('is refused while a line is being written, and once the story has ended', async () => {
    const { bot, story } = await fourLines();
    await bot.core.run(inThread('bob', story()), 'continue', {});
    const busy = await refused(bot.core.run(inThread('ann', story()), 'branch', { line: 2 }));
    expect(busy).toMatchObject({ code: 'busy', message: 'A line is being written right now; branch once it arrives.' });
    await bot.core.run(inThread('ann', story()), 'end', {});
    const ended = await bot.core.run(inThread('ann', story()), 'branch', { line: 2 }).catch((e: UserError) => e);
    expect(ended).toMatchObject({ code: 'story_ended' });
    const one = (await bot.core.run(inThread('ann', story()), 'branches', {})).text;
    expect(one).toMatch(/^This story has 1 branch:\n• 1\. ▶️ the current branch: 4 lines/);
    expect(one).not.toContain('/switch');
  });
});

describe('/switch', () => {
  /** fourLines, moved back to line 2 and continued there: branch 1 (current) ends in the new line 5. */
  async function forked() {
    const w = await fourLines();
    await w.bot.core.run(inThread('ann', w.story()), 'branch', { line: 2 });
    await w.bot.core.run(inThread('bob', w.story()), 'continue', {});
    await w.answer(w.id, 'The sea was calm that day.');
    return w;
  }
  const texts = (s: Story) => currentBranch(s).map((l) => l.text);

  it('switches back and forth; Continue grows each branch from its last line; nothing is deleted', async () => {
    const { bot, answer, requestOf, id, story } = await forked();
    const before = story();
    const [opening, gulls, fog, nobody, calm] = before.lines;

    const reply = await bot.core.run(inThread('ann', before), 'switch', { branch: '2' });
    expect(reply.text).toBe(
      '🔀 Ann switched the story to branch 2; it goes on from line 4, by the model:\nNobody saw the shore again.\n' +
        'New lines grow from here; the branch it left stays as it was (see /branches).',
    );
    expect(reply.ephemeral).toBe(false);
    expect(reply.buttons!.map((b) => b.action)).toEqual(['continue', 'retry', 'undo', 'end']);
    expect(reply.buttons![0].customId).toBe(`sl:continue:${id}:${before.version + 1}`);
    expect(story().lines).toEqual(before.lines);
    expect(story().head).toBe(nobody.id);
    expect(texts(story())).toEqual([opening, gulls, fog, nobody].map((l) => l.text));
    const listed = (await bot.core.run(inThread('cy', story()), 'branches', {})).text;
    expect(listed).toContain('• 1. ▶️ the current branch: 4 lines, the last “Nobody saw the shore again.”');
    expect(listed).toContain('• 2. forks from line 2: 3 lines, the last “The sea was calm that day.”');

    await bot.core.press(ctx('bob'), reply.buttons![0].customId);
    expect(requestOf(id).prompt).toBe(
      'The ferry left at dawn. Gulls followed it out. The fog came in. Nobody saw the shore again. ',
    );
    const grown = await answer(id, 'Then the lamps went out.');
    expect(grown.lines.at(-1)).toMatchObject({ text: 'Then the lamps went out.', parent: nobody.id });
    expect(currentBranch(grown)).toHaveLength(5);

    const back = await bot.core.run(inThread('root', grown, true), 'switch', { branch: 2 });
    expect(back.text).toMatch(/^🔀 Root switched the story to branch 2; it goes on from line 3, by the model:\n/);
    expect(story().head).toBe(calm.id);
    await bot.core.run(inThread('bob', story()), 'continue', {});
    expect(requestOf(id).prompt).toBe('The ferry left at dawn. Gulls followed it out. The sea was calm that day. ');
    const after = await answer(id, 'They reached the island by noon.');
    expect(after.lines.at(-1)!.parent).toBe(calm.id);
    expect(texts(after)).toEqual([...texts(before), 'They reached the island by noon.']);
    expect(after.lines.slice(0, 6).map((l) => l.text)).toEqual([...before.lines, grown.lines[5]].map((l) => l.text));
  });

  it('is for the owner or an admin, names the branches there are, and refusals change nothing', async () => {
    const { bot, id, story } = await forked();
    const before = story();
    const notOwner = await refused(bot.core.run(inThread('bob', before), 'switch', { branch: 2 }));
    expect(notOwner).toMatchObject({
      code: 'forbidden',
      message: 'Only Ann (who started this story) or an admin can switch it to another branch.',
    });
    const missing = await refused(bot.core.run(inThread('ann', before), 'switch', { branch: 3 }));
    expect(missing).toMatchObject({
      code: 'bad_option',
      message: 'There is no branch 3: this story has branches 1 to 2, 1 being the current one. /branches lists them.',
    });
    const current = await refused(bot.core.run(inThread('ann', before), 'switch', { branch: 1 }));
    expect(current).toMatchObject({
      code: 'bad_option',
      message: 'Branch 1 is the current branch already: new lines grow from its last line.',
    });
    for (const branch of ['0', 'two', '-1', undefined]) {
      expect((await refused(bot.core.run(inThread('ann', before), 'switch', { branch }))).code).toBe('bad_option');
    }
    expect((await refused(bot.core.run(ctx('ann'), 'switch', { branch: 2 }))).code).toBe('not_in_story');
    expect(story()).toEqual(before);
    expect(
      JSON.parse(readFileSync(join(bot.config.STORYLOOM_DATA_DIR, 'mailbox/stories', `${id}.json`), 'utf8')),
    ).toEqual(JSON.parse(JSON.stringify(before)));
  });

  it('says a story that never branched has only branch 1', async () => {
    const { bot, story } = await fourLines();
    const before = story();
    const error = await refused(bot.core.run(inThread('ann', before), 'switch', { branch: 2 }));
    expect(error).toMatchObject({
      code: 'bad_option',
      message: 'There is no branch 2: this story has only branch 1, the current one. /branches lists them.',
    });
    expect(story()).toEqual(before);
  });

  it('is refused while a line is being written, and once the story has ended', async () => {
    const { bot, story } = await forked();
    await bot.core.run(inThread('bob', story()), 'continue', {});
    const pending = story();
    const busy = await refused(bot.core.run(inThread('ann', pending), 'switch', { branch: 2 }));
    expect(busy).toMatchObject({ code: 'busy', message: 'A line is being written right now; switch once it arrives.' });
    expect(story()).toEqual(pending);
    await bot.core.run(inThread('ann', story()), 'end', {});
    const ended = story();
    expect(await refused(bot.core.run(inThread('ann', ended), 'switch', { branch: 2 }))).toMatchObject({
      code: 'story_ended',
    });
    expect(story()).toEqual(ended);
  });
});

describe('undo on a fork', () => {
  it('refuses to remove a line another branch goes on from, and says to use /branch', async () => {
    const { bot, answer, id, story } = await fourLines();
    await bot.core.run(inThread('ann', story()), 'branch', { line: 3 });
    const before = story();
    const error = await refused(bot.core.run(inThread('ann', before), 'undo', {}));
    expect(error).toMatchObject({
      code: 'has_branches',
      message:
        'Another branch goes on from line 3, so undo would cut it off. ' +
        'Use /branch 2 instead to go on from the line before it: nothing is deleted.',
    });
    expect(story()).toEqual(before);

    await bot.core.run(inThread('ann', story()), 'continue', {});
    await answer(id, 'A new ending.');
    const undone = await bot.core.run(inThread('ann', story()), 'undo', {});
    expect(undone.text).toBe('Removed the last line (by the model).');
    expect(story().lines).toEqual(before.lines);
    expect(story().head).toBe(before.head);
  });
});

describe('a story saved before stories branched', () => {
  it('loads as one branch, goes on from its last line, and branches like any other', async () => {
    const config = testConfig({ STORYLOOM_MAX_IN_FLIGHT: '50' });
    const flat = readFileSync(join(import.meta.dirname, '../stories/flat-story.json'), 'utf8');
    const stories = join(config.STORYLOOM_DATA_DIR, 'mailbox/stories');
    mkdirSync(stories, { recursive: true });
    const { id } = JSON.parse(flat) as { id: string };
    writeFileSync(join(stories, `${id}.json`), flat);
    const { bot, answer, requestOf } = await world(config);
    const story = bot.stories.findByThread('test', 't-flat')!;
    expect(story.head).toBe(story.lines[3].id);
    const there = ctx('ann', { thread: 't-flat' });
    expect((await bot.core.run(there, 'branches', {})).text).toContain('• 1. ▶️ the current branch: 4 lines');

    await bot.core.run(there, 'continue', {});
    expect(requestOf(id).prompt).toBe(
      'The ferry left at dawn. Gulls followed it out past the harbour wall. Bob counted the passengers twice. ' +
        'One of them was not on the list. ',
    );
    const grown = await answer(id, 'It was the captain.');
    expect(grown.lines[4].parent).toBe(story.lines[3].id);
    const saved = JSON.parse(readFileSync(join(stories, `${id}.json`), 'utf8')) as Story;
    expect(saved.head).toBe(grown.lines[4].id);
    expect(saved.lines.map((l) => l.parent)).toEqual([null, ...saved.lines.slice(0, -1).map((l) => l.id)]);

    await bot.core.run(there, 'branch', { line: 2 });
    await bot.core.run(there, 'add', { text: 'Bob stayed ashore.' });
    expect((await bot.core.run(there, 'branches', {})).text).toContain('• 2. forks from line 2: 5 lines');
  });
});
