/**
 * Story styles on Discord, end to end, with the real embedded worker on a styled model (random weights; styles any,
 * general, mystery, austen): `/story style:austen` (a choice of the registered option) writes austen lines, recorded
 * in the story file and on each line; `/status` in the thread says so; Continue keeps the style; a style the model
 * lacks (melville) gets lines written in none, and `/status` says that; a story without a style (or with `any`)
 * asks for none; `/export`'s tree JSON carries the style and each line's. A value that is not a choice (which only
 * a hand-made interaction can send: the fake, like Discord's API, does not check choices) is refused by core,
 * privately, naming the styles.
 */
import { ApplicationCommandOptionType, MessageFlags, type APIMessage } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STYLES } from '../../../commands/story.ts';
import { LINE_POSTED } from '../../../src/chat/discord/delivery.ts';
import type { Request } from '../../../src/jobs/protocol.ts';
import type { treeDocument } from '../../../src/stories/tree-file.ts';
import type { SentInteraction } from '../../fakes/discord/index.ts';
import { NO_SUCH_STYLE, recordRequests, startStyledWorker, storyFileOf } from '../../helpers/styles.ts';
import { customIds, startDiscordWorld, type DiscordWorld } from './world.ts';

describe('Discord: story styles with a styled model', () => {
  let w: DiscordWorld;
  /** Every request the bot wrote into the mailbox, as written. */
  let requests: Request[] = [];
  beforeAll(async () => {
    w = await startDiscordWorld({ worker: false });
    w.worker = await startStyledWorker(w.config, 'discord');
    requests = recordRequests(w.bot.transport);
  });
  afterAll(() => w?.close());

  const story = (id: string) => w.bot.stories.get(id);
  /** The story as its file in the mailbox holds it. */
  const storyFile = (id: string) => storyFileOf(w.config, id);
  const requestFor = (jobId: string) => requests.find((r) => r.job_id === jobId)!;
  const posted = (sent: SentInteraction) => w.fake.waitForOriginal(sent.id, new RegExp(LINE_POSTED), 30_000);
  const lineMessages = (threadId: string) => w.fake.channelMessages(threadId).filter((m) => customIds(m).length > 0);

  /** `/story opening [style:…]`: waits for the first line; returns the story, its thread and the interaction. */
  async function start(opening: string, style?: string) {
    const sent = w.command(w.ana, 'story', { opening, ...(style ? { style } : {}) });
    const reply = await w.fake.waitForOriginal(sent.id, /✅/, 30_000);
    const threadId = reply.thread?.id ?? reply.id;
    const found = w.bot.stories.findByThread('discord', threadId)!;
    await w.fake.waitFor(() => lineMessages(threadId).length >= 1, 30_000);
    return { sent, threadId, id: found.id };
  }

  /** `/status` in a thread, by Ben: the answer (private to him). */
  async function status(threadId: string): Promise<APIMessage> {
    const sent = w.command(w.ben, 'status', {}, threadId);
    const reply = await w.fake.waitForOriginal(sent.id, /\nThis story .*\.$/, 10_000);
    // Private to the asker, like every /status.
    expect(w.fake.interactionState(sent.id)!.ephemeral).toBe(true);
    return reply;
  }

  /** `/export` in a thread: the Markdown and the tree's JSON. */
  async function exported(threadId: string) {
    const sent = w.command(w.ben, 'export', {}, threadId);
    const reply = await w.fake.waitFor(() => {
      const original = w.fake.interactionState(sent.id)?.original;
      return original?.attachments.length === 2 ? original : undefined;
    }, 10_000);
    expect(reply.content).toMatch(/^“.*”, \d lines\.$/);
    const [markdown, json] = reply.attachments.map((a) => w.fake.attachment(a.id)!.data.toString('utf8'));
    return { markdown, doc: JSON.parse(json) as ReturnType<typeof treeDocument> };
  }

  let austen: { threadId: string; id: string };

  it('registers style as a choice of /story, and the fake sends style:austen as that string option', async () => {
    const registered = w.fake.commands(w.guild.id).find((c) => c.name === 'story')!;
    const option = registered.options!.find((o) => o.name === 'style')!;
    expect(option.type).toBe(ApplicationCommandOptionType.String);
    expect('choices' in option && option.choices!.map((c) => c.value)).toEqual([...STYLES]);

    const started = await start('It is a truth universally acknowledged.', 'austen');
    austen = started;
    const data = (started.sent.payload as { data: { options: { name: string; type: number; value: unknown }[] } }).data;
    expect(data.options).toContainEqual({ name: 'style', type: ApplicationCommandOptionType.String, value: 'austen' });
  });

  it('/story style:austen: the line is written in austen, in the story and its file; /status says so', async () => {
    const s = story(austen.id);
    expect(s.settings.style).toBe('austen');
    expect(s.lines.map((l) => [l.kind, l.style])).toEqual([
      ['seed', undefined],
      ['model', 'austen'],
    ]);
    expect(s.lines[1].model).toBe('styled');
    expect(requestFor(s.lines[1].job_id!).style).toBe('austen');
    await w.fake.waitFor(() => storyFile(austen.id).lines[1]?.style === 'austen', 10_000);
    expect(storyFile(austen.id).settings.style).toBe('austen');
    expect(lineMessages(austen.threadId)).toHaveLength(1);

    const reply = await status(austen.threadId);
    expect(reply.content).toMatch(/\nThis story is written in the austen style\.$/);
  });

  it('Continue (the button, then /continue) writes more austen lines', async () => {
    const [first] = lineMessages(austen.threadId);
    await posted(w.press(w.ben, first, customIds(first)[0]));
    await posted(w.command(w.ana, 'continue', {}, austen.threadId));
    const s = story(austen.id);
    expect(s.lines.map((l) => l.style)).toEqual([undefined, 'austen', 'austen', 'austen']);
    for (const line of s.lines.slice(1)) expect(requestFor(line.job_id!).style).toBe('austen');
    expect(lineMessages(austen.threadId)).toHaveLength(3);
    expect((await status(austen.threadId)).content).toMatch(/This story is written in the austen style\.$/);
  });

  it("/export: the tree's JSON has the style and each line's; the Markdown says which", async () => {
    const { markdown, doc } = await exported(austen.threadId);
    expect(doc.style).toBe('austen');
    expect(doc.lines.map((l) => l.style)).toEqual([null, 'austen', 'austen', 'austen']);
    expect(markdown).toMatch(/ In the austen style\.\*/);
  });

  it('a style the model lacks (melville): lines written in none, and /status and the export say so', async () => {
    const { threadId, id } = await start('Call me Ishmael.', 'melville');
    let s = story(id);
    expect(s.settings.style).toBe('melville');
    expect(s.lines[1].style).toBeNull();
    expect(requestFor(s.lines[1].job_id!).style).toBe('melville');
    expect((await status(threadId)).content).toMatch(new RegExp(`\\n${escapeRegExp(NO_SUCH_STYLE)}$`));
    await posted(w.command(w.ben, 'continue', {}, threadId));
    s = story(id);
    expect(s.lines.map((l) => l.style)).toEqual([undefined, null, null]);
    await w.fake.waitFor(() => storyFile(id).lines[2]?.style === null, 10_000);
    const { markdown, doc } = await exported(threadId);
    expect(doc.style).toBe('melville');
    expect(doc.lines.map((l) => l.style)).toEqual([null, null, null]);
    expect(markdown).toMatch(/ In the melville style\.\*/);
  });

  it('a story without a style, or with style:any, asks for none: no style in the request or on the line', async () => {
    for (const style of [undefined, 'any']) {
      const { threadId, id } = await start(`The rain came in the night (${style ?? 'no style'}).`, style);
      const s = story(id);
      expect(s.settings.style).toBeUndefined();
      expect('style' in s.lines[1]).toBe(false);
      expect('style' in requestFor(s.lines[1].job_id!)).toBe(false);
      expect('style' in storyFile(id).settings).toBe(false);
      expect((await status(threadId)).content).toMatch(/\nThis story asks for no particular style \(any\)\.$/);
      const { markdown, doc } = await exported(threadId);
      expect(doc.style).toBe('any');
      expect(doc.lines.map((l) => l.style)).toEqual([null, null]);
      expect(markdown).not.toMatch(/In the .* style/);
    }
  });

  it('a value that is not a choice (gothic) reaches the bot; core refuses it privately, naming styles', async () => {
    const before = w.bot.stories.all().length;
    const asked = requests.length;
    const shown = w.fake.channelMessages(w.channelId).length;
    const sent = w.command(w.ana, 'story', { opening: 'A dark and stormy night.', style: 'gothic' });
    const refusal = await w.fake.waitFor(() => w.fake.interactionState(sent.id)!.followups[0], 10_000);
    expect(refusal.content).toBe(`style must be one of ${STYLES.join(', ')}.`);
    expect(refusal.flags! & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    // The deferred answer is gone, and nothing new shows in the channel.
    expect(w.fake.interactionState(sent.id)!.original).toBeUndefined();
    expect(w.fake.channelMessages(w.channelId)).toHaveLength(shown);
    expect(w.bot.stories.all()).toHaveLength(before);
    expect(requests).toHaveLength(asked);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
