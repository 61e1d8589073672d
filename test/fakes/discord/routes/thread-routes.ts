import {
  ChannelType,
  GatewayDispatchEvents,
  GatewayIntentBits,
  MessageFlags,
  PermissionFlagsBits,
  type APIThreadChannel,
  type ChannelFlags,
  type ThreadAutoArchiveDuration,
  type ThreadChannelType,
  type ThreadMemberFlags,
} from 'discord.js';
import type { FakeContext } from '../context.ts';
import { apiError, ErrorCode, FormErrorCollector } from '../errors.ts';
import type { Router } from '../rest/router.ts';
import { isObject, maxLength, validateThread } from '../validation.ts';
import { isThread, type FakeChannel } from '../world.ts';
import { requireBotPermission } from './access.ts';

type Json = Record<string, unknown>;

/** Registers thread routes: start from a message, start without one, edit (archive, lock, rename), join/leave. */
export function registerThreadRoutes(router: Router, ctx: FakeContext): void {
  router.add('POST', '/channels/:channelId/messages/:messageId/threads', ({ params, body }) => {
    const parent = threadParent(ctx, params.channelId!);
    requireBotPermission(ctx, parent, PermissionFlagsBits.CreatePublicThreads);
    const message = ctx.messages.requireInChannel(parent.id, params.messageId!);
    if (message.thread || ((message.flags ?? 0) & MessageFlags.HasThread) !== 0)
      throw apiError(ErrorCode.ThreadAlreadyCreated);
    const json = isObject(body) ? body : {};
    validateThread(json, true);
    const type =
      parent.type === ChannelType.GuildAnnouncement ? ChannelType.AnnouncementThread : ChannelType.PublicThread;
    // Why: a thread started from a message takes the message's id, as on Discord.
    const thread = createThread(ctx, parent, message.id, type, json);
    message.thread = thread;
    message.flags = (message.flags ?? 0) | MessageFlags.HasThread;
    ctx.messages.dispatchUpdate(message);
    return { status: 201, body: thread };
  });
  router.add('POST', '/channels/:channelId/threads', ({ params, body }) => {
    const parent = threadParent(ctx, params.channelId!);
    const json = isObject(body) ? body : {};
    const type = Number(json.type ?? ChannelType.PrivateThread) as ThreadChannelType;
    const needed =
      type === ChannelType.PrivateThread
        ? PermissionFlagsBits.CreatePrivateThreads
        : PermissionFlagsBits.CreatePublicThreads;
    requireBotPermission(ctx, parent, needed);
    validateThread(json, true);
    return { status: 201, body: createThread(ctx, parent, ctx.ids.next(), type, json) };
  });
  router.add('PATCH', '/channels/:channelId', ({ params, body }) => {
    const channel = ctx.world.requireChannel(params.channelId!);
    const json = isObject(body) ? body : {};
    return { status: 200, body: isThread(channel) ? editThread(ctx, channel, json) : editChannel(ctx, channel, json) };
  });
  for (const method of ['PUT', 'DELETE']) {
    router.add(method, '/channels/:channelId/thread-members/@me', ({ params }) => {
      if (!isThread(ctx.world.requireChannel(params.channelId!))) throw apiError(ErrorCode.InvalidChannelType);
      return { status: 204 };
    });
  }
}

function threadParent(ctx: FakeContext, channelId: string): FakeChannel {
  const parent = ctx.world.requireChannel(channelId);
  if (parent.type !== ChannelType.GuildText && parent.type !== ChannelType.GuildAnnouncement) {
    throw apiError(ErrorCode.InvalidChannelType);
  }
  return parent;
}

function createThread(
  ctx: FakeContext,
  parent: FakeChannel,
  id: string,
  type: ThreadChannelType,
  body: Json,
): APIThreadChannel {
  const now = new Date().toISOString();
  const parentDefault = isThread(parent) ? undefined : parent.default_auto_archive_duration;
  const duration = Number(body.auto_archive_duration ?? parentDefault ?? 1440) as ThreadAutoArchiveDuration;
  const thread: APIThreadChannel = {
    id,
    type,
    guild_id: parent.guild_id!,
    parent_id: parent.id,
    owner_id: ctx.bot.user.id,
    name: String(body.name),
    last_message_id: null,
    rate_limit_per_user: Number(body.rate_limit_per_user ?? 0),
    flags: 0 as ChannelFlags,
    message_count: 0,
    member_count: 1,
    total_message_sent: 0,
    thread_metadata: {
      archived: false,
      auto_archive_duration: duration,
      archive_timestamp: now,
      locked: false,
      create_timestamp: now,
      ...(type === ChannelType.PrivateThread ? { invitable: body.invitable !== false } : {}),
    },
    member: { id, user_id: ctx.bot.user.id, join_timestamp: now, flags: 0 as ThreadMemberFlags },
  };
  ctx.world.addThread(thread);
  ctx.gateway.dispatch(
    GatewayDispatchEvents.ThreadCreate,
    { ...thread, newly_created: true },
    GatewayIntentBits.Guilds,
  );
  return thread;
}

function editThread(ctx: FakeContext, thread: APIThreadChannel, body: Json): APIThreadChannel {
  validateThread(body, false);
  const meta = thread.thread_metadata!;
  if (body.locked !== undefined) requireBotPermission(ctx, thread, PermissionFlagsBits.ManageThreads);
  if (typeof body.name === 'string') thread.name = body.name;
  if (typeof body.locked === 'boolean') meta.locked = body.locked;
  if (typeof body.archived === 'boolean' && body.archived !== meta.archived) {
    meta.archived = body.archived;
    meta.archive_timestamp = new Date().toISOString();
  }
  if (body.auto_archive_duration !== undefined)
    meta.auto_archive_duration = Number(body.auto_archive_duration) as ThreadAutoArchiveDuration;
  if (body.rate_limit_per_user !== undefined) thread.rate_limit_per_user = Number(body.rate_limit_per_user);
  ctx.gateway.dispatch(GatewayDispatchEvents.ThreadUpdate, thread, GatewayIntentBits.Guilds);
  return thread;
}

function editChannel(ctx: FakeContext, channel: FakeChannel, body: Json): FakeChannel {
  requireBotPermission(ctx, channel, PermissionFlagsBits.ManageChannels);
  const errors = new FormErrorCollector();
  if (body.name !== undefined && (typeof body.name !== 'string' || body.name.length < 1 || body.name.length > 100)) {
    errors.add(['name'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
  }
  if (typeof body.topic === 'string') maxLength(errors, ['topic'], body.topic, 1024);
  errors.throwIfAny();
  if (typeof body.name === 'string') channel.name = body.name;
  if (typeof body.topic === 'string' && !isThread(channel)) channel.topic = body.topic;
  ctx.gateway.dispatch(GatewayDispatchEvents.ChannelUpdate, channel, GatewayIntentBits.Guilds);
  return channel;
}
