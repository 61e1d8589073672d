/**
 * The slash commands. `/story opening [temperature] [length]`: the deferred reply
 * becomes the story's opening message (who started it, the opening, a status
 * line), a public thread starts from it, named after the opening, and the model's
 * lines go into that thread; the opening's status line shows the first line's
 * progress. A thread command acts on the story of the thread it is run in,
 * holding the story's deliveries until its reply is tied to its job (but /vote
 * and /pick, which queue none, and may close a vote, whose winner's line goes
 * out before their answer).
 */
import {
  ChannelType,
  ThreadAutoArchiveDuration,
  type ChatInputCommandInteraction,
  type Message,
  type ThreadChannel,
} from 'discord.js';
import { findCommand } from '../../../../commands/index.ts';
import type { CommandContext, Reply, ThreadMaker } from '../../../core/types.ts';
import { UserError } from '../../../stories/errors.ts';
import { isMissingPermission, missingPermissionError } from '../api-errors.ts';
import { canHoldStories, channelOf } from '../context.ts';
import type { DiscordParts } from '../parts.ts';
import { NO_MENTIONS, escapedPieces, openingBudget, openingFrame, threadName, type Frame } from '../render.ts';
import type { Responder } from '../responder.ts';
import { showReply } from '../show-reply.ts';

/** What a waiting line's status message says when its story ends first. */
export const STORY_ENDED = '🛑 The story ended before this line was written.';

/** Thread commands that queue no job: nothing of theirs to tie to a reply, so they hold no deliveries back. */
const QUEUE_NOTHING = new Set(['vote', 'pick']);

/** Runs a slash command: `/story` makes its thread; thread commands act on the thread's story. */
export async function runCommand(
  parts: DiscordParts,
  interaction: ChatInputCommandInteraction,
  responder: Responder,
  ctx: CommandContext,
): Promise<void> {
  const name = interaction.commandName;
  const raw = Object.fromEntries(interaction.options.data.map((option) => [option.name, option.value]));
  if (name === 'story') return startStory(parts, interaction, responder, ctx, raw);
  const { core } = parts;
  if (findCommand(name)?.scope !== 'thread') {
    return showReply(parts.status, responder, ctx, await core.run(ctx, name, raw));
  }
  const storyId = core.storyIdIn(ctx);
  const call = () => core.run(ctx, name, raw, { storyId });
  if (QUEUE_NOTHING.has(name)) return showReply(parts.status, responder, ctx, await call());
  await runOnStory(parts, storyId, responder, ctx, call);
}

/** Runs a command on one story, holding its deliveries meanwhile; a job that /end withdrew gets its status closed. */
export async function runOnStory(
  parts: DiscordParts,
  storyId: string,
  responder: Responder,
  ctx: CommandContext,
  call: () => Promise<Reply>,
): Promise<void> {
  const release = parts.gate.hold(storyId);
  try {
    const withdrawn = parts.core.story(storyId).pending?.job_id;
    const reply = await call();
    await showReply(parts.status, responder, ctx, reply);
    if (withdrawn && reply.story?.status === 'ended') await parts.status.finish(withdrawn, STORY_ENDED);
  } finally {
    release();
  }
}

/** Starts a story from a slash command. */
async function startStory(
  parts: DiscordParts,
  interaction: ChatInputCommandInteraction,
  responder: Responder,
  ctx: CommandContext,
  raw: Record<string, unknown>,
): Promise<void> {
  if (!canHoldStories(await channelOf(interaction))) {
    const where = 'Start a story in a text channel, not inside a thread: each story gets a thread of its own.';
    throw new UserError('bad_option', where);
  }
  let frame: Frame | undefined;
  let release: (() => void) | undefined;
  const makeThread: ThreadMaker = async (story) => {
    // Why: hold the story's deliveries until its job is tied to this reply.
    release = parts.gate.hold(story.id);
    const [first, ...rest] = escapedPieces(story.lines[0].text, openingBudget(ctx.person.name));
    frame = openingFrame(ctx.person.name, first);
    const opening = await responder.show({ content: frame('⏳ Handing the story to the model…') });
    // Why: /story's reply is public, so it always lands somewhere; null would mean a private reply.
    if (!opening) throw new Error('storyloom discord: the opening of a story could not be shown');
    const thread = await openThread(opening, story.title);
    for (const piece of rest) await thread.send({ content: piece, allowedMentions: NO_MENTIONS });
    return { thread: thread.id, message: opening.id };
  };
  try {
    const reply = await parts.core.run(ctx, 'story', raw, { makeThread });
    await showReply(parts.status, responder, ctx, reply, frame);
  } finally {
    release?.();
  }
}

/** Starts a public thread from the opening message. */
async function openThread(opening: Message, title: string): Promise<ThreadChannel> {
  const channel = await opening.client.channels.fetch(opening.channelId);
  const archive = ThreadAutoArchiveDuration.OneWeek;
  const options = { name: threadName(title), startMessage: opening.id, autoArchiveDuration: archive };
  try {
    if (channel?.type === ChannelType.GuildText) return await channel.threads.create(options);
    if (channel?.type === ChannelType.GuildAnnouncement) return await channel.threads.create(options);
  } catch (error) {
    throw isMissingPermission(error) ? missingPermissionError() : error;
  }
  throw new Error(`channel ${opening.channelId} cannot hold threads`);
}
