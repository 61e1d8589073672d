/**
 * A story on Discord, end to end: the real discord.js client against the Discord
 * fake, the real core on a local mailbox, and the embedded worker with the tiny model.
 */
import { ApplicationCommandOptionType, MessageFlags, type APIMessage, type APIThreadChannel } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINE_POSTED } from '../../../src/chat/discord/delivery.ts';
import { escapeStory, openingBudget } from '../../../src/chat/discord/render.ts';
import { storyButtons } from '../../../src/core/buttons.ts';
import type { SentInteraction } from '../../fakes/discord/index.ts';
import { customIds, startDiscordWorld, unescaped, type DiscordWorld } from './world.ts';

describe('Discord: a story from /story to /export', () => {
  let w: DiscordWorld;
  let threadId: string;
  let storyId: string;
  beforeAll(async () => {
    w = await startDiscordWorld();
  });
  afterAll(() => w?.close());

  const lines = () => w.fake.channelMessages(threadId).filter((m) => customIds(m).length > 0);
  async function lineFor(sent: SentInteraction): Promise<APIMessage> {
    await w.fake.waitForOriginal(sent.id, new RegExp(LINE_POSTED), 30_000);
    return lines().at(-1)!;
  }
  const story = () => w.bot.stories.get(storyId);

  it(
    'starts a story: defers at once, opens it in the reply, ' +
      'starts a thread and posts the first line there with buttons',
    async () => {
      const seed = `The lighthouse keeper climbed the stairs and called @everyone, @here and <@${w.ben.id}> up.`;
      const started = await w.startStory(w.ana, seed);
      ({ threadId } = started);
      storyId = started.story.id;
      const state = w.fake.interactionState(started.sent.id)!;
      expect(state).toMatchObject({ deferred: true, ephemeral: false, responseType: 5 });
      expect(state.respondedAfterMs).toBeLessThan(3000);
      expect(state.original!.content).toContain('📖 **Ana** started a story:');
      expect(state.original!.content).toContain('The lighthouse keeper climbed the stairs');
      const thread = w.fake.threads(w.guild.id).find((t) => t.id === threadId)!;
      expect(thread.id).toBe(state.original!.id);
      expect(thread.name).toBe(seed.slice(0, 100));
      expect(story().place).toMatchObject({
        platform: 'discord',
        channel: w.channelId,
        thread: threadId,
        message: state.original!.id,
      });

      const [line] = lines();
      const model = story().lines[1];
      expect(line.content).toBe(`${escapeStory(model.text)}\n-# ✍️ the model (${model.model}), asked by Ana`);
      expect(customIds(line)).toEqual(storyButtons(story(), model.id).map((b) => b.customId));
      expect(customIds(line).map((id) => id.split(':')[1])).toEqual(['continue', 'retry', 'undo', 'end']);
      const post = w.fake
        .requests({ method: 'POST', route: '/channels/:channelId/messages', path: `/channels/${threadId}/messages` })
        .at(-1)!;
      expect(post.headers.authorization).toBe(`Bot ${w.fake.botToken}`);
    },
  );

  it('continues by button and by /continue, with two people writing in one thread', async () => {
    const first = lines().at(-1)!;
    const pressed = w.press(w.ben, first, customIds(first)[0]);
    const byButton = await lineFor(pressed);
    expect(w.fake.interactionState(pressed.id)!.original!.content).toBe(
      `**Ben** asked for the next line.\n${LINE_POSTED}`,
    );
    expect(byButton.id).not.toBe(first.id);

    const continued = w.command(w.ana, 'continue', {}, threadId);
    await lineFor(continued);
    expect(story().lines.map((l) => l.kind)).toEqual(['seed', 'model', 'model', 'model']);
    expect(story().lines.map((l) => l.by.id)).toEqual([w.ana.id, w.ana.id, w.ben.id, w.ana.id]);
    expect(lines()).toHaveLength(3);
  });

  it('adds a human line, undoes it, refuses a stale button privately, and retries the model line', async () => {
    const added = w.command(w.ben, 'add', { text: 'Then the *light* went out.' }, threadId);
    const shown = await w.fake.waitForOriginal(added.id, /-# ✍️ Ben$/);
    expect(shown.content).toBe('Then the \\*light\\* went out.\n-# ✍️ Ben');
    expect(customIds(shown).map((id) => id.split(':')[1])).toEqual(['continue', 'undo', 'end']);

    const undone = w.command(w.ben, 'undo', {}, threadId);
    const undoReply = await w.fake.waitForOriginal(undone.id, /^Removed the last line \(by Ben\)\.$/);
    expect(story().lines).toHaveLength(4);

    const stale = w.press(w.ana, shown, customIds(shown)[1]);
    const refusal = await w.fake.waitFor(() => w.fake.interactionState(stale.id)!.followups[0]);
    expect(refusal.content).toMatch(/moved on/);
    expect(refusal.flags! & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(w.fake.interactionState(stale.id)!.original).toBeUndefined();

    const replaced = story().lines.at(-1)!;
    const retried = w.press(w.ana, undoReply, customIds(undoReply).find((id) => id.startsWith('sl:retry:'))!);
    const retryLine = await lineFor(retried);
    expect(w.fake.interactionState(retried.id)!.original!.content).toMatch(
      /^\*\*Ana\*\* asked the model to write its last line again\./,
    );
    expect(story().lines).toHaveLength(4);
    expect(story().lines.at(-1)!.id).not.toBe(replaced.id);
    expect(retryLine.content).toContain(escapeStory(story().lines.at(-1)!.text));
  });

  it('ends the story and exports it as an attached Markdown file; an ended story refuses its buttons', async () => {
    const ended = w.command(w.ana, 'end', {}, threadId);
    const endReply = await w.fake.waitForOriginal(ended.id, /^The end\. 4 lines by 2 people and the model\./);
    expect(endReply.content).toBe(
      'The end. 4 lines by 2 people and the model. Use /export in this thread for the whole story.',
    );
    expect(endReply.components).toEqual([]);

    const exported = w.command(w.ben, 'export', {}, threadId);
    const exportReply = await w.fake.waitForOriginal(exported.id, /lines\.$/);
    const [file] = exportReply.attachments;
    expect(file.filename).toMatch(/^the-lighthouse-keeper.*\.md$/);
    const markdown = w.fake.attachment(file.id)!.data.toString('utf8');
    expect(markdown).toContain('# The lighthouse keeper climbed the stairs');
    for (const line of story().lines) expect(markdown).toContain(line.text.slice(0, 40));

    const late = w.press(w.ben, lines().at(-1)!, customIds(lines().at(-1)!)[0]);
    const refusal = await w.fake.waitFor(() => w.fake.interactionState(late.id)!.followups[0]);
    expect(refusal.content).toBe(
      'This story has ended. Use /export for the whole story, or start a new one with /story.',
    );
  });

  it('starts a story from a /story registered before its option was renamed (seed, now opening)', async () => {
    const options = [
      { name: 'seed', type: ApplicationCommandOptionType.String as const, value: 'An old command still works.' },
    ];
    const sent = w.fake.sendCommand({ channelId: w.channelId, user: w.ben, name: 'story', options });
    const opening = await w.fake.waitForOriginal(sent.id, /✅/, 30_000);
    const started = w.bot.stories.findByThread('discord', opening.thread?.id ?? opening.id)!;
    expect(started.lines[0]).toMatchObject({ kind: 'seed', text: 'An old command still works.' });
  });

  it('exports an ended story from its thread after Discord archived it (a week later), for anyone', async () => {
    // Discord archives a quiet thread after its auto-archive time (a week for stories); storyloom never locks one.
    (w.fake.channel(threadId) as APIThreadChannel).thread_metadata!.archived = true;
    const exported = w.command(w.mod, 'export', {}, threadId);
    const reply = await w.fake.waitForOriginal(exported.id, /^“The lighthouse keeper.*”, 4 lines\.$/);
    expect(reply.attachments[0].filename).toMatch(/\.md$/);
  });

  it(
    'splits a seed whose escaped Markdown runs past ' + '2,000 characters, and refuses /story inside a thread',
    async () => {
      const seed = '**_~~a~~_** '.repeat(83).trim();
      expect(escapeStory(seed).length).toBeGreaterThan(openingBudget('Ben'));
      const { threadId: longThread, sent } = await w.startStory(w.ben, seed);
      const opening = w.fake.interactionState(sent.id)!.original!;
      const [rest] = w.fake.channelMessages(longThread);
      for (const message of [opening, rest]) expect(message.content.length).toBeLessThanOrEqual(2000);
      const shownSeed = opening.content.split('\n')[1] + rest.content;
      expect(unescaped(shownSeed).replace(/\s+/g, '')).toBe(seed.replace(/\s+/g, ''));

      const inThread = w.command(w.ana, 'story', { opening: 'A story in a story.' }, longThread);
      const refusal = await w.fake.waitFor(() => w.fake.interactionState(inThread.id)!.followups[0]);
      expect(refusal.content).toMatch(/text channel/);
      expect(refusal.flags! & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    },
  );

  it(
    'splits a long, Markdown-heavy /add into messages of at most ' +
      '2,000 characters, cut after sentence ends, buttons on the last',
    async () => {
      // 989 characters (under /add's 1,000) whose escapes almost double them, credited to a long Markdown-laden name.
      const sentence = (i: number) => `**__~~${'*_'.repeat(42)}${'ABCDEFGHIJ'[i]}~~__**.`;
      const text = Array.from({ length: 10 }, (_, i) => sentence(i)).join(' ');
      const quill = w.fake.addUser({ username: 'quill', globalName: '**__Quill__** & **__Ink__** ~~~~' });
      const { threadId: thread } = await w.startStory(w.ana, 'The printing press never slept.');
      const added = w.command(quill, 'add', { text }, thread);

      const first = await w.fake.waitForOriginal(added.id, /\.$/, 10_000);
      const rest = await w.fake.waitFor(
        () => {
          const followups = w.fake.interactionState(added.id)!.followups;
          return followups.some((m) => customIds(m).length > 0) ? followups : undefined;
        },
        10_000,
        'the last piece, with the buttons',
      );
      const pieces = [first, ...rest];
      expect(text.length).toBeLessThanOrEqual(1000);
      expect(pieces.length).toBeGreaterThan(1);
      for (const piece of pieces) expect(piece.content.length).toBeLessThanOrEqual(2000);
      for (const piece of pieces.slice(0, -1)) {
        expect(piece.content).toMatch(/\.$/);
        expect(piece.components).toEqual([]);
      }
      const last = pieces.at(-1)!;
      expect(last.content).toMatch(/\n-# ✍️ \\\*\\\*\\_\\_Quill/);
      expect(customIds(last).map((id) => id.split(':')[1])).toEqual(['continue', 'undo', 'end']);
      const shown = pieces
        .map((p) => p.content)
        .join(' ')
        .replace(/\n-# ✍️ .*$/, '');
      expect(unescaped(shown)).toBe(text);
    },
  );

  it(
    'never pings: every message sent or edited says ' + 'allowed_mentions {parse: []}, so nothing mentions anyone',
    async () => {
      const writes = w.fake
        .requests()
        .filter(
          (r) =>
            ['POST', 'PATCH'].includes(r.method) &&
            /\/messages|^\/webhooks\//.test(r.path) &&
            !r.route.endsWith('/threads'),
        );
      expect(writes.length).toBeGreaterThan(15);
      for (const r of writes)
        expect({ path: r.route, mentions: (r.body as { allowed_mentions?: unknown }).allowed_mentions }).toEqual({
          path: r.route,
          mentions: { parse: [] },
        });
      const replies = w.fake
        .requests({ route: '/interactions/:interactionId/:token/callback' })
        .map((r) => r.body as { type: number; data?: { content?: string; allowed_mentions?: unknown } });
      for (const reply of replies.filter((b) => b.data?.content !== undefined))
        expect(reply.data!.allowed_mentions).toEqual({ parse: [] });
      const everything = [...w.fake.channelMessages(w.channelId), ...w.fake.channelMessages(threadId)];
      expect(everything.some((m) => m.content.includes('@everyone'))).toBe(true);
      for (const m of everything)
        expect({ everyone: m.mention_everyone, users: m.mentions, roles: m.mention_roles }).toEqual({
          everyone: false,
          users: [],
          roles: [],
        });
      expect(w.logs.filter((l) => /failed/.test(l))).toEqual([]);
    },
  );
});
