/**
 * `/story opening [temperature] [length]`: the deferred reply becomes the story's
 * opening message (who started it, the opening, a status line), a public thread
 * starts from it, named after the opening, and the model's lines go into that
 * thread. The opening's status line shows the first line's progress.
 */
import { ChannelType, ThreadAutoArchiveDuration, type ChatInputCommandInteraction, type Message, type ThreadChannel } from 'discord.js';
import type { ThreadMaker } from '../../core/core.ts';
import { UserError } from '../../core/errors.ts';
import type { CommandContext } from '../../core/types.ts';
import { isMissingPermission, missingPermissionError } from './api-errors.ts';
import { canHoldStories, channelOf } from './context.ts';
import type { AdapterParts } from './parts.ts';
import { NO_MENTIONS, escapedPieces, openingBudget, openingFrame, threadName, type Frame } from './render.ts';
import type { Responder } from './responder.ts';
import { showReply } from './show-reply.ts';

/** Starts a story from a slash command. */
export async function startStory(parts: AdapterParts, interaction: ChatInputCommandInteraction, responder: Responder, ctx: CommandContext, raw: Record<string, unknown>): Promise<void> {
  if (!canHoldStories(await channelOf(interaction))) {
    throw new UserError('bad_option', 'Start a story in a text channel, not inside a thread: each story gets a thread of its own.');
  }
  let frame: Frame | undefined;
  let release: (() => void) | undefined;
  const makeThread: ThreadMaker = async (story) => {
    // Why: hold the story's deliveries until its job is tied to this reply.
    release = parts.gate.hold(story.id);
    const [first, ...rest] = escapedPieces(story.lines[0].text, openingBudget(ctx.actor.name));
    frame = openingFrame(ctx.actor.name, first);
    const opening = await responder.show({ content: frame('⏳ Handing the story to the model…') });
    // Why: /story's reply is public, so it always lands somewhere; null would mean a private reply.
    if (!opening) throw new Error('storyloom discord: the opening of a story could not be shown');
    const thread = await openThread(opening, story.title);
    for (const piece of rest) await thread.send({ content: piece, allowedMentions: NO_MENTIONS });
    return { thread: thread.id, message: opening.id };
  };
  try {
    const reply = await parts.bot.core.start(ctx, raw, makeThread);
    await showReply(parts.live, responder, ctx, reply, frame);
  } finally {
    release?.();
  }
}

/** Starts a public thread from the opening message. */
async function openThread(opening: Message, title: string): Promise<ThreadChannel> {
  const channel = await opening.client.channels.fetch(opening.channelId);
  const options = { name: threadName(title), startMessage: opening.id, autoArchiveDuration: ThreadAutoArchiveDuration.OneWeek };
  try {
    if (channel?.type === ChannelType.GuildText) return await channel.threads.create(options);
    if (channel?.type === ChannelType.GuildAnnouncement) return await channel.threads.create(options);
  } catch (error) {
    throw isMissingPermission(error) ? missingPermissionError() : error;
  }
  throw new Error(`channel ${opening.channelId} cannot hold threads`);
}
