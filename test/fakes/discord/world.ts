import {
  ChannelType,
  Locale,
  type APINewsChannel,
  type APIRole,
  type APITextChannel,
  type APIThreadChannel,
  type APIUser,
  type UserFlags,
} from 'discord.js';
import { apiError, ErrorCode } from './errors.ts';
import { toPermissionBits, type PermissionInput } from './permissions.ts';
import type { SnowflakeFactory } from './snowflake.ts';

/** A text or announcement channel, or a thread: the channels the fake knows. */
export type FakeChannel = APITextChannel | APINewsChannel | APIThreadChannel;

/** A guild's own state; its channels and threads live in the world's channel map. */
export interface GuildRecord {
  id: string;
  name: string;
  ownerId: string;
  locale: Locale;
  roles: APIRole[];
  botRoleId: string;
  joinedAt: string;
}

/** How a user appears as a member of every guild: roles (ids or names) and an optional fixed bitfield. */
export interface MemberInfo {
  roles: string[];
  permissions?: bigint;
  locale: string;
  joinedAt: string;
}

/** A test user to create: only `username` is needed. */
export interface UserSpec {
  id?: string;
  username: string;
  globalName?: string;
  /** Role ids or role names; names resolve per guild. */
  roles?: string[];
  /** A fixed permission bitfield for interactions, overriding what the roles grant. */
  permissions?: PermissionInput;
  /** The user's client locale, sent as the interaction `locale` (default en-US). */
  locale?: string;
}

/**
 * The fake Discord's store of users, guilds and channels (threads included).
 * It holds plain API objects that route handlers read and patch in place.
 */
export class World {
  readonly users = new Map<string, APIUser>();
  readonly members = new Map<string, MemberInfo>();
  readonly guilds = new Map<string, GuildRecord>();
  readonly channels = new Map<string, FakeChannel>();

  constructor(private readonly ids: SnowflakeFactory) {}

  /** Adds a user who is a member of every guild, and returns its API object. */
  addUser(spec: UserSpec, bot = false): APIUser {
    const id = spec.id ?? this.ids.next();
    const user: APIUser = {
      id,
      username: spec.username,
      discriminator: '0',
      global_name: spec.globalName ?? (bot ? null : spec.username),
      avatar: null,
      public_flags: 0 as UserFlags,
      flags: 0 as UserFlags,
      banner: null,
      accent_color: null,
      avatar_decoration_data: null,
      collectibles: null,
      primary_guild: null,
      ...(bot ? { bot: true } : {}),
    };
    this.users.set(id, user);
    this.members.set(id, {
      roles: spec.roles ?? [],
      ...(spec.permissions === undefined ? {} : { permissions: toPermissionBits(spec.permissions) }),
      locale: spec.locale ?? Locale.EnglishUS,
      joinedAt: new Date().toISOString(),
    });
    return user;
  }

  /** Adds a guild text (or announcement) channel and returns it. */
  addTextChannel(
    guildId: string,
    spec: { id?: string; name: string; topic?: string; announcement?: boolean },
  ): FakeChannel {
    const position = [...this.channels.values()].filter((c) => c.guild_id === guildId).length;
    const base = {
      id: spec.id ?? this.ids.next(),
      name: spec.name,
      guild_id: guildId,
      position,
      parent_id: null,
      permission_overwrites: [],
      nsfw: false,
      topic: spec.topic ?? null,
      last_message_id: null,
      rate_limit_per_user: 0,
      default_auto_archive_duration: 1440 as const,
      default_thread_rate_limit_per_user: 0,
      flags: 0,
    };
    const channel: FakeChannel = spec.announcement
      ? { ...base, type: ChannelType.GuildAnnouncement }
      : { ...base, type: ChannelType.GuildText };
    this.channels.set(channel.id, channel);
    return channel;
  }

  /** Stores a thread created by a route handler. */
  addThread(thread: APIThreadChannel): void {
    this.channels.set(thread.id, thread);
  }

  /** Returns a user, or throws 404 Unknown User. */
  requireUser(id: string): APIUser {
    const user = this.users.get(id);
    if (!user) throw apiError(ErrorCode.UnknownUser);
    return user;
  }

  /** Returns a guild, or throws 404 Unknown Guild. */
  requireGuild(id: string): GuildRecord {
    const guild = this.guilds.get(id);
    if (!guild) throw apiError(ErrorCode.UnknownGuild);
    return guild;
  }

  /** Returns a channel or thread, or throws 404 Unknown Channel. */
  requireChannel(id: string): FakeChannel {
    const channel = this.channels.get(id);
    if (!channel) throw apiError(ErrorCode.UnknownChannel);
    return channel;
  }

  /** The channels of a guild that are not threads, in creation order. */
  guildChannels(guildId: string): (APITextChannel | APINewsChannel)[] {
    return [...this.channels.values()].filter(
      (c): c is APITextChannel | APINewsChannel => c.guild_id === guildId && !isThread(c),
    );
  }

  /** All threads, optionally only those of one guild. */
  threads(guildId?: string): APIThreadChannel[] {
    return [...this.channels.values()].filter(
      (c): c is APIThreadChannel => isThread(c) && (guildId === undefined || c.guild_id === guildId),
    );
  }

  /** The permission bitfield a member has in a guild: a fixed one, or @everyone plus their roles. */
  memberPermissions(guildId: string, userId: string): bigint {
    const guild = this.requireGuild(guildId);
    const info = this.members.get(userId);
    if (info?.permissions !== undefined) return info.permissions;
    const roleIds = new Set([guild.id, ...this.memberRoleIds(guild, userId)]);
    return guild.roles.filter((r) => roleIds.has(r.id)).reduce((all, r) => all | BigInt(r.permissions), 0n);
  }

  /** The ids of the roles a user has in a guild (role names resolved, unknown ones dropped). */
  memberRoleIds(guild: GuildRecord, userId: string): string[] {
    const wanted = this.members.get(userId)?.roles ?? [];
    const roles = guild.roles.filter((r) => r.id !== guild.id && (wanted.includes(r.id) || wanted.includes(r.name)));
    return roles.map((r) => r.id);
  }
}

/** Whether a channel is a thread (announcement, public or private). */
export function isThread(channel: FakeChannel): channel is APIThreadChannel {
  return (
    channel.type === ChannelType.PublicThread ||
    channel.type === ChannelType.PrivateThread ||
    channel.type === ChannelType.AnnouncementThread
  );
}
