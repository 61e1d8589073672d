/**
 * Branches on Discord, end to end: the `/branch line` slash command (an integer option registered from
 * commands/), its answer in the thread with the story's buttons, Continue from there growing a new branch,
 * `/branches` answered privately, `/export` attaching the Markdown and the tree's JSON to one message, and
 * `/switch branch` back to the first branch, Continue growing it from its last line.
 */
import { MessageFlags, type APIMessage } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINE_POSTED } from '../../../src/chat/discord/delivery.ts';
import type { treeDocument } from '../../../src/stories/tree-file.ts';
import { currentBranch } from '../../../src/stories/tree.ts';
import type { SentInteraction } from '../../fakes/discord/index.ts';
import { customIds, startDiscordWorld, unescaped, type DiscordWorld } from './world.ts';

describe('Discord: a story that branches', () => {
  let w: DiscordWorld;
  let threadId: string;
  let storyId: string;
  beforeAll(async () => {
    w = await startDiscordWorld();
  });
  afterAll(() => w?.close());

  const story = () => w.bot.stories.get(storyId);
  const posted = (sent: SentInteraction) => w.fake.waitForOriginal(sent.id, new RegExp(LINE_POSTED), 30_000);
  const privately = async (sent: SentInteraction): Promise<APIMessage> => {
    const message = await w.fake.waitFor(() => w.fake.interactionState(sent.id)!.followups[0]);
    expect(message.flags! & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    return message;
  };

  it('/branch 2 after 4 lines: the thread shows line 2 with its buttons, and Continue grows from it', async () => {
    const started = await w.startStory(w.ana, 'The lighthouse keeper counted the ships.');
    ({ threadId } = started);
    storyId = started.story.id;
    for (let i = 0; i < 2; i++) await posted(w.command(w.ben, 'continue', {}, threadId));
    expect(story().lines).toHaveLength(4);
    const before = story();

    const refused = await privately(w.command(w.ben, 'branch', { line: 2 }, threadId));
    expect(refused.content).toBe('Only Ana (who started this story) or an admin can move it back to an earlier line.');
    expect(story().head).toBe(before.head);

    const sent = w.command(w.ana, 'branch', { line: 2 }, threadId);
    const reply = await w.fake.waitForOriginal(sent.id, /branches\)\.$/, 10_000);
    expect(unescaped(reply.content)).toBe(
      `↩️ Ana moved the story back to line 2, by the model:\n${before.lines[1].text}\n` +
        'New lines grow a new branch from here; the lines that came after it stay on theirs (see /branches).',
    );
    expect(w.fake.interactionState(sent.id)!.ephemeral).toBe(false);
    expect(customIds(reply).map((id) => id.split(':')[1])).toEqual(['continue', 'retry', 'end']);
    expect(story().head).toBe(before.lines[1].id);
    // Nothing was deleted (a line may be marked delivered meanwhile: compare ids and texts).
    expect(story().lines.map((l) => [l.id, l.text])).toEqual(before.lines.map((l) => [l.id, l.text]));

    await posted(w.press(w.ben, reply, customIds(reply)[0]));
    const after = story();
    expect(after.lines).toHaveLength(5);
    expect(after.lines[4].parent).toBe(before.lines[1].id);
    expect(currentBranch(after).map((l) => l.id)).toEqual([before.lines[0].id, before.lines[1].id, after.head]);
  });

  it('/branches answers privately: two branches, the other forking at line 2', async () => {
    const sent = w.command(w.mod, 'branches', {}, threadId);
    const reply = await w.fake.waitForOriginal(sent.id, /the opening is line 1\)\.$/, 10_000);
    expect(w.fake.interactionState(sent.id)!.ephemeral).toBe(true);
    const text = unescaped(reply.content);
    expect(text).toMatch(/^This story has 2 branches:\n• 1\. ▶️ the current branch: 3 lines, the last “/);
    expect(text).toContain('\n• 2. forks from line 2: 4 lines, the last “');
  });

  it('/export attaches the Markdown of the current branch and the tree as JSON', async () => {
    const sent = w.command(w.ben, 'export', {}, threadId);
    const reply = await w.fake.waitForOriginal(sent.id, /\.tree\.json file\.$/, 10_000);
    expect(reply.attachments.map((a) => a.filename)).toEqual([
      'the-lighthouse-keeper-counted-the-ships.md',
      'the-lighthouse-keeper-counted-the-ships.tree.json',
    ]);
    const [markdown, json] = reply.attachments.map((a) => w.fake.attachment(a.id)!.data.toString('utf8'));
    const after = story();
    expect(markdown).toContain(after.lines[4].text.slice(0, 30));
    expect(markdown).toContain("This is the current branch of 2; the story's .tree.json file holds every branch.");
    const doc = JSON.parse(json) as ReturnType<typeof treeDocument>;
    expect(doc.head).toBe(after.head);
    expect(doc.lines.map((l) => l.id)).toEqual(after.lines.map((l) => l.id));
    expect(doc.lines.map((l) => l.on_current_branch)).toEqual([true, true, false, false, true]);
  });

  it('refuses /branch to a line that does not exist, and /undo at a fork, saying what to do', async () => {
    const missing = await privately(w.command(w.ana, 'branch', { line: 9 }, threadId));
    expect(missing.content).toBe('There is no line 9: the story has lines 1 to 3. /branches lists its branches.');
    const moved = w.command(w.ana, 'branch', { line: 2 }, threadId);
    const reply = await w.fake.waitForOriginal(moved.id, /branches\)\.$/, 10_000);
    expect(customIds(reply).map((id) => id.split(':')[1])).toEqual(['continue', 'retry', 'end']);
    const undone = await privately(w.command(w.ana, 'undo', {}, threadId));
    expect(undone.content).toBe(
      'Another branch goes on from line 2, so undo would cut it off. ' +
        'Use /branch 1 instead to go on from the line before it: nothing is deleted.',
    );
    expect(story().lines).toHaveLength(5);
  });

  it('/switch 2 goes back to the first branch: the thread shows its last line; Continue grows from it', async () => {
    const before = story();
    expect(currentBranch(before).map((l) => l.id)).toEqual([before.lines[0].id, before.lines[1].id]);
    const refused = await privately(w.command(w.ben, 'switch', { branch: 2 }, threadId));
    expect(refused.content).toBe('Only Ana (who started this story) or an admin can switch it to another branch.');
    const missing = await privately(w.command(w.ana, 'switch', { branch: 4 }, threadId));
    expect(missing.content).toBe(
      'There is no branch 4: this story has branches 1 to 3, 1 being the current one. /branches lists them.',
    );
    expect(story().head).toBe(before.head);

    const sent = w.command(w.ana, 'switch', { branch: 2 }, threadId);
    const reply = await w.fake.waitForOriginal(sent.id, /see \/branches\)\.$/, 10_000);
    expect(unescaped(reply.content)).toBe(
      `🔀 Ana switched the story to branch 2; it goes on from line 4, by the model:\n${before.lines[3].text}\n` +
        'New lines grow from here; the branch it left stays as it was (see /branches).',
    );
    expect(w.fake.interactionState(sent.id)!.ephemeral).toBe(false);
    expect(customIds(reply).map((id) => id.split(':')[1])).toEqual(['continue', 'retry', 'undo', 'end']);
    expect(story().head).toBe(before.lines[3].id);
    expect(story().lines.map((l) => [l.id, l.text])).toEqual(before.lines.map((l) => [l.id, l.text]));

    await posted(w.press(w.ben, reply, customIds(reply)[0]));
    const after = story();
    expect(after.lines).toHaveLength(6);
    expect(after.lines[5].parent).toBe(before.lines[3].id);
    expect(currentBranch(after).map((l) => l.id)).toEqual([...before.lines.slice(0, 4).map((l) => l.id), after.head]);
  });
});
