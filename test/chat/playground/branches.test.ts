/**
 * Branches in the playground's JSON API: /branch answers with the line the story goes on from and its buttons, a
 * story shows its current branch (and who may branch), /branches and /undo at a fork, /export's two files, and
 * /switch back to the first branch, Continue growing it from its last line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandResult } from '../../../src/chat/playground/api.ts';
import type { storyView } from '../../../src/chat/playground/render.ts';
import type { treeDocument } from '../../../src/stories/tree-file.ts';
import { currentBranch } from '../../../src/stories/tree.ts';
import type { Worker } from '../../../src/worker/worker.ts';
import { startTestWorker } from '../../helpers/bot.ts';
import { tinyModel } from '../../helpers/models.ts';
import { startTestPlayground, type TestPlayground } from '../../helpers/playground.ts';
import { until } from '../../helpers/worker-process.ts';

let pg: TestPlayground;
let worker: Worker;
beforeAll(async () => {
  pg = await startTestPlayground();
  worker = await startTestWorker(pg.config, await tinyModel());
});
afterAll(async () => {
  await worker.stop();
  await worker.transport.close();
  await pg.stop();
});

type StoryView = ReturnType<typeof storyView>;
type Answer = CommandResult & { error?: { code: string; message: string } };

async function command(user: string, text: string, thread?: string) {
  const res = await fetch(`${pg.url}/api/command`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, text, thread }),
  });
  return { status: res.status, body: (await res.json()) as Answer };
}
const view = async (id: string) => (await (await fetch(`${pg.url}/api/stories/${id}`)).json()) as StoryView;
/** Waits until the story's current branch has `lines` lines and nothing is being written. */
const idle = (id: string, lines: number) =>
  until(
    () => {
      const story = pg.bot.stories.get(id);
      return !story.pending && currentBranch(story).length === lines;
    },
    30_000,
    `${lines} lines`,
  );

describe('playground API: a story that branches', () => {
  it('/branch 2 after 4 lines, Continue from there, /branches, /undo at a fork, and /export', async () => {
    const started = await command('Ann', '/story The ferry left at dawn. --length 40');
    const id = started.body.storyId!;
    await idle(id, 2);
    for (const lines of [3, 4]) {
      expect((await command('Bob', '/continue', id)).status).toBe(200);
      await idle(id, lines);
    }
    const four = await view(id);
    expect(four).toMatchObject({ branches: 1, branch: { who: { anyone: false, admins: true, ids: ['pg:ann'] } } });

    const bob = await command('Bob', '/branch 2', id);
    expect(bob.status).toBe(403);
    expect(bob.body.error!.message).toBe(
      'Only Ann (who started this story) or an admin can move it back to an earlier line.',
    );
    const missing = await command('Ann', '/branch 9', id);
    expect([missing.status, missing.body.error!.code]).toEqual([400, 'bad_option']);
    expect((await view(id)).version).toBe(four.version);

    const moved = await command('Ann', '/branch 2', id);
    expect(moved.status).toBe(200);
    expect(moved.body.reply.text).toBe(
      `↩️ Ann moved the story back to line 2, by the model:\n${four.lines[1].text}\n` +
        'New lines grow a new branch from here; the lines that came after it stay on theirs (see /branches).',
    );
    expect(moved.body.reply.buttons.map((b) => b.action)).toEqual(['continue', 'retry', 'end']);
    expect(moved.body.story!.lines.map((l) => l.id)).toEqual(four.lines.slice(0, 2).map((l) => l.id));
    expect(moved.body.story!.branches).toBe(2);

    const undo = await command('Ann', '/undo', id);
    expect([undo.status, undo.body.error!.code]).toEqual([409, 'has_branches']);
    expect(undo.body.error!.message).toMatch(/Use \/branch 1 instead/);

    const pressed = await fetch(`${pg.url}/api/button`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'Bob', customId: moved.body.reply.buttons[0].customId }),
    });
    expect(pressed.status).toBe(200);
    await idle(id, 3);
    const after = await view(id);
    expect(after.lines.slice(0, 2).map((l) => l.id)).toEqual(four.lines.slice(0, 2).map((l) => l.id));
    expect(after.branches).toBe(2);

    const listed = await command('Cy', '/branches', id);
    expect(listed.body.reply.ephemeral).toBe(true);
    expect(listed.body.reply.text).toContain('• 2. forks from line 2: 4 lines, the last “');

    const exported = await command('Cy', '/export', id);
    const { files, file } = exported.body.reply;
    expect(files.map((f) => [f.name, f.mime])).toEqual([
      ['the-ferry-left-at-dawn.md', 'text/markdown'],
      ['the-ferry-left-at-dawn.tree.json', 'application/json'],
    ]);
    expect(file).toEqual(files[0]);
    const doc = JSON.parse(files[1].content) as ReturnType<typeof treeDocument>;
    expect(doc.lines).toHaveLength(5);
    expect(doc.current_branch).toEqual(after.lines.map((l) => l.id));

    const bobSwitch = await command('Bob', '/switch 2', id);
    expect([bobSwitch.status, bobSwitch.body.error!.message]).toEqual([
      403,
      'Only Ann (who started this story) or an admin can switch it to another branch.',
    ]);
    const noBranch = await command('Ann', '/switch 3', id);
    expect([noBranch.status, noBranch.body.error!.message]).toEqual([
      400,
      'There is no branch 3: this story has branches 1 to 2, 1 being the current one. /branches lists them.',
    ]);
    expect((await view(id)).version).toBe(after.version);

    const switched = await command('Ann', '/switch 2', id);
    expect(switched.status).toBe(200);
    expect(switched.body.reply.text).toBe(
      `🔀 Ann switched the story to branch 2; it goes on from line 4, by the model:\n${four.lines[3].text}\n` +
        'New lines grow from here; the branch it left stays as it was (see /branches).',
    );
    expect(switched.body.reply.buttons.map((b) => b.action)).toEqual(['continue', 'retry', 'undo', 'end']);
    expect(switched.body.story!.lines.map((l) => l.id)).toEqual(four.lines.map((l) => l.id));
    expect(switched.body.story!.branches).toBe(2);

    const again = await fetch(`${pg.url}/api/button`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'Bob', customId: switched.body.reply.buttons[0].customId }),
    });
    expect(again.status).toBe(200);
    await idle(id, 5);
    const grown = await view(id);
    expect(grown.lines.slice(0, 4).map((l) => l.id)).toEqual(four.lines.map((l) => l.id));
    expect(grown.branches).toBe(2);
    expect(pg.bot.stories.get(id).lines).toHaveLength(6);
  }, 90_000);
});
