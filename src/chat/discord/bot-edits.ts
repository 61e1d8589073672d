/**
 * Edits one of the bot's messages with the bot token (PATCH
 * /channels/{channel}/messages/{message}): no interaction token needed, so it
 * works past an interaction token's 15 minutes and after a restart. A public
 * interaction reply is a message the bot user wrote, so this edits it too; an
 * ephemeral one cannot be reached this way (Discord answers 10008 Unknown Message),
 * which is why only public replies are ever edited like this.
 */
import type { Client } from 'discord.js';
import { NO_MENTIONS } from './render.ts';

/** A message, by its channel and id. */
export interface MessageRef {
  channelId: string;
  id: string;
}

/** Replaces the content of one of the bot's messages. */
export async function editAsBot(client: Client, message: MessageRef, content: string): Promise<void> {
  const channel = await client.channels.fetch(message.channelId);
  if (!channel?.isTextBased()) throw new Error(`channel ${message.channelId} holds no messages`);
  await channel.messages.edit(message.id, { content, allowedMentions: NO_MENTIONS });
}
