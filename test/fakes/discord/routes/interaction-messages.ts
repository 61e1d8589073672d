import { InteractionType, MessageType, type APIMessage } from 'discord.js';
import type { FakeContext } from '../context.ts';
import type { InteractionRecord } from '../interactions.ts';
import { interactionMetadata } from '../interactions.ts';
import type { UploadedFile } from '../rest/body.ts';

/**
 * Creates a message on behalf of an interaction (a reply, a deferred "thinking"
 * message, or a followup): authored by the bot, marked with the application's
 * webhook id and the interaction's metadata, in the interaction's channel.
 */
export function createInteractionMessage(
  ctx: FakeContext,
  record: InteractionRecord,
  body: Record<string, unknown>,
  files: UploadedFile[],
  flags: number,
): APIMessage {
  const user = ctx.world.requireUser(record.userId);
  const isCommand = record.type === InteractionType.ApplicationCommand;
  return ctx.messages.create(record.channelId, ctx.bot.user, body, files, {
    type: isCommand ? MessageType.ChatInputCommand : MessageType.Default,
    flags,
    webhook_id: ctx.bot.applicationId,
    application_id: ctx.bot.applicationId,
    interaction_metadata: interactionMetadata(record, user),
    ...(isCommand ? { interaction: { id: record.id, type: record.type, name: record.name, user } } : {}),
  });
}
