import { PermissionFlagsBits } from 'discord.js';
import type { FakeContext } from '../context.ts';
import { apiError, ErrorCode } from '../errors.ts';
import { hasPermission } from '../permissions.ts';
import { isThread, type FakeChannel } from '../world.ts';

/** Throws 403 50013 Missing Permissions unless the bot has `needed` (and ViewChannel) in the channel's guild. */
export function requireBotPermission(ctx: FakeContext, channel: FakeChannel, needed: bigint): void {
  if (!channel.guild_id) return;
  const granted = ctx.world.memberPermissions(channel.guild_id, ctx.bot.user.id);
  if (!hasPermission(granted, needed | PermissionFlagsBits.ViewChannel)) throw apiError(ErrorCode.MissingPermissions);
}

/** The permission sending a message into a channel needs: SendMessagesInThreads in threads. */
export function sendPermission(channel: FakeChannel): bigint {
  return isThread(channel) ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages;
}

/**
 * Gets a channel ready for a new message: a locked, archived thread refuses it
 * (400 50083); an archived, unlocked one is unarchived, as Discord does.
 * Returns whether the thread was unarchived, so the caller can send THREAD_UPDATE.
 */
export function openForMessages(channel: FakeChannel): boolean {
  if (!isThread(channel) || !channel.thread_metadata?.archived) return false;
  if (channel.thread_metadata.locked) throw apiError(ErrorCode.ThreadArchived);
  channel.thread_metadata.archived = false;
  channel.thread_metadata.archive_timestamp = new Date().toISOString();
  return true;
}
