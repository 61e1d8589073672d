import { GatewayDispatchEvents, GatewayIntentBits, PermissionFlagsBits, type APIMessage } from 'discord.js';
import type { FakeContext } from '../context.ts';
import { apiError, ErrorCode } from '../errors.ts';
import type { RouteRequest, Router } from '../rest/router.ts';
import { isObject, validateMessage, validNonce } from '../validation.ts';
import { hasPermission } from '../permissions.ts';
import { openForMessages, requireBotPermission, sendPermission } from './access.ts';

/**
 * Registers channel message routes (send, with nonces; list, fetch, edit, delete), typing, and attachment downloads.
 */
export function registerMessageRoutes(router: Router, ctx: FakeContext): void {
  router.add('POST', '/channels/:channelId/messages', (req) => ({ status: 200, body: sendMessage(ctx, req) }));
  // Get Channel Messages (https://discord.com/developers/docs/resources/message#get-channel-messages): it "requires
  // the current user to have the VIEW_CHANNEL permission", and "If the current user is missing the
  // READ_MESSAGE_HISTORY permission in the channel, then no messages will be returned."
  router.add('GET', '/channels/:channelId/messages', ({ params, query }) => {
    const channel = ctx.world.requireChannel(params.channelId!);
    requireBotPermission(ctx, channel, 0n);
    if (!botHas(ctx, channel.guild_id, PermissionFlagsBits.ReadMessageHistory)) return { status: 200, body: [] };
    return { status: 200, body: page(ctx.messages.inChannel(params.channelId!), query) };
  });
  // Get Channel Message (https://discord.com/developers/docs/resources/message#get-channel-message): "If operating
  // on a guild channel, this endpoint requires the current user to have the VIEW_CHANNEL and READ_MESSAGE_HISTORY
  // permissions." It answers the message as it is now, edits included.
  router.add('GET', '/channels/:channelId/messages/:messageId', ({ params }) => {
    const channel = ctx.world.requireChannel(params.channelId!);
    requireBotPermission(ctx, channel, PermissionFlagsBits.ReadMessageHistory);
    return { status: 200, body: ctx.messages.requireInChannel(params.channelId!, params.messageId!) };
  });
  router.add('PATCH', '/channels/:channelId/messages/:messageId', (req) => ({
    status: 200,
    body: editMessage(ctx, req),
  }));
  router.add('DELETE', '/channels/:channelId/messages/:messageId', ({ params }) => {
    ctx.world.requireChannel(params.channelId!);
    ctx.messages.delete(ctx.messages.requireInChannel(params.channelId!, params.messageId!).id);
    return { status: 204 };
  });
  router.add('POST', '/channels/:channelId/typing', ({ params }) => {
    ctx.world.requireChannel(params.channelId!);
    return { status: 204 };
  });
  router.add(
    'GET',
    '/attachments/:channelId/:attachmentId/:filename',
    ({ params }) => {
      const stored = ctx.attachments.get(params.attachmentId!);
      if (!stored) return { status: 404, raw: { data: Buffer.from('Not Found'), contentType: 'text/plain' } };
      return {
        status: 200,
        raw: { data: stored.data, contentType: stored.attachment.content_type ?? 'application/octet-stream' },
      };
    },
    'cdn',
  );
}

/**
 * Edit Message (https://discord.com/developers/docs/resources/message#edit-message): "The fields content, embeds,
 * and flags can be edited by the original message author. Other users can only edit flags and only if they have
 * the MANAGE_MESSAGES permission in the corresponding channel." Every message the fake holds is the bot's (users
 * post none), so another user's is only ever a case to refuse (50005). The author edits components and
 * attachments too (the JSON params list them; "the attachments array must contain all attachments that should be
 * present after edit"), and `components: []` takes every button off. The answer is the edited message, and it
 * "Fires a Message Update Gateway event". The bot token edits any message of the bot's this way, an interaction's
 * public reply included; an ephemeral one is not in the channel (10008).
 */
function editMessage(ctx: FakeContext, { params, body, files }: RouteRequest): APIMessage {
  const channel = ctx.world.requireChannel(params.channelId!);
  requireBotPermission(ctx, channel, 0n);
  const message = ctx.messages.requireInChannel(params.channelId!, params.messageId!);
  if (message.author.id !== ctx.bot.user.id) throw apiError(ErrorCode.EditByOtherUser);
  const json = isObject(body) ? body : {};
  validateMessage(json, { files: files.length });
  return ctx.messages.edit(message.id, json, files);
}

/** Whether the bot has `permission` in a guild (always, outside one). */
function botHas(ctx: FakeContext, guildId: string | undefined, permission: bigint): boolean {
  return !guildId || hasPermission(ctx.world.memberPermissions(guildId, ctx.bot.user.id), permission);
}

function sendMessage(ctx: FakeContext, { params, body, files }: RouteRequest): APIMessage {
  const channel = ctx.world.requireChannel(params.channelId!);
  requireBotPermission(ctx, channel, sendPermission(channel));
  const json = isObject(body) ? body : {};
  validateMessage(json, { files: files.length, requireContent: true });
  const nonce = validNonce(json);
  // enforce_nonce: the author's message with this nonce in the window is the answer, and nothing new is made.
  const earlier =
    nonce !== undefined && json.enforce_nonce === true ? ctx.nonces.find(ctx.bot.user.id, nonce) : undefined;
  const repeat = earlier ? ctx.messages.get(earlier) : undefined;
  if (repeat && !repeat.ephemeral) return { ...repeat.message, nonce };
  const reference = isObject(json.message_reference) ? json.message_reference : undefined;
  const replyTo = reference?.message_id
    ? ctx.messages.requireInChannel(channel.id, String(reference.message_id))
    : undefined;
  if (openForMessages(channel))
    ctx.gateway.dispatch(GatewayDispatchEvents.ThreadUpdate, channel, GatewayIntentBits.Guilds);
  const extras = replyTo
    ? {
        message_reference: { type: 0, message_id: replyTo.id, channel_id: channel.id, guild_id: channel.guild_id },
        referenced_message: replyTo,
      }
    : {};
  const message = ctx.messages.create(channel.id, ctx.bot.user, json, files, extras);
  if (nonce === undefined) return message;
  // The nonce comes back in this answer only: fetched messages do not carry it.
  ctx.nonces.remember(ctx.bot.user.id, nonce, message.id);
  return { ...message, nonce };
}

/** Applies Discord's `limit` / `before` / `after` / `around` paging; returns newest first. */
function page(messages: APIMessage[], query: Record<string, string>): APIMessage[] {
  const limit = Math.min(100, Math.max(1, Number(query.limit ?? 50)));
  const newestFirst = [...messages].reverse();
  const byId = (id: string) => BigInt(id);
  if (query.before) return newestFirst.filter((m) => byId(m.id) < byId(query.before!)).slice(0, limit);
  if (query.after)
    return messages
      .filter((m) => byId(m.id) > byId(query.after!))
      .slice(0, limit)
      .reverse();
  if (query.around) {
    const index = newestFirst.findIndex((m) => m.id === query.around);
    if (index < 0) return [];
    const start = Math.max(0, index - Math.floor(limit / 2));
    return newestFirst.slice(start, start + limit);
  }
  return newestFirst.slice(0, limit);
}
