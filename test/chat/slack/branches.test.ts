/**
 * Branches on Slack, end to end in Socket Mode: `@storyloom branch 2` in a story's thread (a mention's words fill
 * /branch's line), its notice in the thread with the story's buttons, Continue from there growing a new branch,
 * `@storyloom branches` answered privately, `@storyloom export` uploading the Markdown and then the tree's JSON, and
 * `@storyloom switch 2` back to the first branch, Continue growing it from its last line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeMrkdwn } from '../../../src/chat/slack/mrkdwn.ts';
import type { treeDocument } from '../../../src/stories/tree-file.ts';
import { currentBranch } from '../../../src/stories/tree.ts';
import type { StoredMessage } from '../../fakes/slack/types.ts';
import {
  press,
  startSlackWorld,
  startStory,
  stopSlackWorld,
  storyOf,
  until,
  waitForLines,
  type SlackWorld,
} from './harness.ts';

describe('Slack: a story that branches', () => {
  let world: SlackWorld;
  beforeAll(async () => {
    world = await startSlackWorld('socket');
  });
  afterAll(() => stopSlackWorld(world));

  /** The action ids of a message's buttons, as their actions. */
  const actionsOf = (message: StoredMessage) => {
    const block = message.blocks?.find((b) => b.type === 'actions');
    return ((block?.elements ?? []) as { action_id: string }[]).map((e) => e.action_id.split(':')[1]);
  };

  it('@storyloom branch 2 after 4 lines, Continue from there, branches, and export', async () => {
    const { fake } = world;
    const channel = fake.addChannel({ name: 'branching' }).id;
    const bob = fake.addUser({ name: 'bob' }).id;
    const alice = fake.defaultUser.id;
    const { root } = await startStory(world, 'The lighthouse keeper counted the ships. --length 60', { channel });
    let lines = await waitForLines(world, channel, root.ts, 1);
    for (let n = 2; n <= 3; n++) {
      await press(world, lines.at(-1)!, 'continue', bob);
      lines = await waitForLines(world, channel, root.ts, n);
    }
    const before = storyOf(world, root.ts);
    expect(before.lines).toHaveLength(4);
    const privately = (user: string, part: string) =>
      until(
        () => fake.ephemeralMessages(channel).find((m) => m.user === user && m.text?.includes(part)),
        `a private “${part}”`,
      );

    await fake.mention({ channel, thread_ts: root.ts, user: bob, text: 'branch 2' });
    await privately(bob, 'Only alice (who started this story) or an admin can move it back to an earlier line.');
    await fake.mention({ channel, thread_ts: root.ts, text: 'branch' });
    await privately(alice, '@storyloom branch needs its line');
    expect(storyOf(world, root.ts).head).toBe(before.head);

    await fake.mention({ channel, thread_ts: root.ts, text: 'branch 2' });
    const notice = await until(
      () => fake.threadReplies(channel, root.ts).find((m) => m.text?.startsWith('↩️ alice moved the story back')),
      'the branch notice',
    );
    // A notice's text (what notifications show) is on one line; its blocks keep the line breaks.
    expect(notice.text).toMatch(/^↩️ alice moved the story back to line 2, by the model: /);
    expect(notice.text).toMatch(/the lines that came after it stay on theirs \(see @storyloom branches\)\.$/);
    const shown = escapeMrkdwn(before.lines[1].text.replace(/\s+/g, ' ').trim()).slice(0, 30);
    expect(notice.text).toContain(`by the model: ${shown}`);
    expect(actionsOf(notice)).toEqual(['continue', 'retry', 'end']);
    // Nothing was deleted (a line may be marked delivered meanwhile: compare ids and texts).
    const ids = (lines: { id: string; text: string }[]) => lines.map((l) => [l.id, l.text]);
    expect(ids(storyOf(world, root.ts).lines)).toEqual(ids(before.lines));

    await press(world, notice, 'continue', bob);
    await waitForLines(world, channel, root.ts, 4);
    const after = storyOf(world, root.ts);
    expect(after.lines[4].parent).toBe(before.lines[1].id);
    expect(currentBranch(after)).toHaveLength(3);

    await fake.mention({ channel, thread_ts: root.ts, user: bob, text: 'branches' });
    const listed = await privately(bob, 'This story has 2 branches:');
    expect(listed.text).toContain('• 1. ▶️ the current branch: 3 lines, the last “');
    expect(listed.text).toContain('• 2. forks from line 2: 4 lines, the last “');
    expect(listed.text).toContain('@storyloom switch &lt;branch&gt; (its number here).');
    expect(listed.text).toContain('@storyloom branch &lt;line&gt; (the opening is line 1).');

    await fake.mention({ channel, thread_ts: root.ts, text: 'export' });
    const files = await until(() => {
      const uploaded = fake.uploadedFiles().filter((f) => f.completedAt && f.thread_ts === root.ts);
      return uploaded.length === 2 && uploaded;
    }, 'both files of the export');
    expect(files.map((f) => f.filename)).toEqual([
      'the-lighthouse-keeper-counted-the-ships.md',
      'the-lighthouse-keeper-counted-the-ships.tree.json',
    ]);
    expect(files[1].initial_comment).toBe(
      '📄 the-lighthouse-keeper-counted-the-ships.tree.json: every line of every branch, as JSON.',
    );
    const doc = JSON.parse(files[1].bytes!.toString('utf8')) as ReturnType<typeof treeDocument>;
    expect(doc.head).toBe(after.head);
    expect(doc.lines.map((l) => l.parent)).toEqual(after.lines.map((l) => l.parent));
    expect(files[0].bytes!.toString('utf8')).toContain(after.lines[4].text.slice(0, 20).trim());

    await fake.mention({ channel, thread_ts: root.ts, user: bob, text: 'switch 2' });
    await privately(bob, 'Only alice (who started this story) or an admin can switch it to another branch.');
    await fake.mention({ channel, thread_ts: root.ts, text: 'switch 1' });
    await privately(alice, 'Branch 1 is the current branch already: new lines grow from its last line.');
    expect(storyOf(world, root.ts).head).toBe(after.head);
    await fake.mention({ channel, thread_ts: root.ts, text: 'switch 2' });
    const switched = await until(
      () => fake.threadReplies(channel, root.ts).find((m) => m.text?.startsWith('🔀 alice switched the story')),
      'the switch notice',
    );
    expect(switched.text).toMatch(/^🔀 alice switched the story to branch 2; it goes on from line 4, by the model: /);
    expect(switched.text).toMatch(/the branch it left stays as it was \(see @storyloom branches\)\.$/);
    const last = escapeMrkdwn(before.lines[3].text.replace(/\s+/g, ' ').trim()).slice(0, 30);
    expect(switched.text).toContain(`by the model: ${last}`);
    expect(actionsOf(switched)).toEqual(['continue', 'retry', 'undo', 'end']);
    expect(storyOf(world, root.ts).head).toBe(before.lines[3].id);
    expect(ids(storyOf(world, root.ts).lines)).toEqual(ids(after.lines));

    await press(world, switched, 'continue', bob);
    await waitForLines(world, channel, root.ts, 5);
    const grown = storyOf(world, root.ts);
    expect(grown.lines).toHaveLength(6);
    expect(grown.lines[5].parent).toBe(before.lines[3].id);
    expect(currentBranch(grown).map((l) => l.id)).toEqual([...before.lines.map((l) => l.id), grown.head]);
  }, 90_000);
});
