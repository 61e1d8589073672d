import { Locale, type APIRole, type RoleFlags } from 'discord.js';
import {
  DEFAULT_BOT_PERMISSIONS,
  DEFAULT_EVERYONE_PERMISSIONS,
  toPermissionBits,
  type PermissionInput,
} from './permissions.ts';
import type { SnowflakeFactory } from './snowflake.ts';
import type { FakeChannel, GuildRecord, World } from './world.ts';

/** A channel to create in a guild; a bare string is a text channel's name. */
export interface ChannelSpec {
  id?: string;
  name: string;
  topic?: string;
  /** An announcement (news) channel instead of a text channel. */
  announcement?: boolean;
}

/** A role to create in a guild. */
export interface RoleSpec {
  id?: string;
  name: string;
  permissions?: PermissionInput;
}

/** A guild to create: only `name` is needed. */
export interface GuildSpec {
  id?: string;
  name: string;
  channels?: (ChannelSpec | string)[];
  roles?: RoleSpec[];
  /** What @everyone may do (default: read, write, use commands, threads). */
  everyonePermissions?: PermissionInput;
  /** What the bot's managed role grants; REST routes check it (default: a story bot's needs). */
  botPermissions?: PermissionInput;
  ownerId?: string;
  locale?: Locale;
}

/** A created guild as the test driver reports it. */
export interface FakeGuild {
  id: string;
  name: string;
  channels: FakeChannel[];
  roles: APIRole[];
}

/** Creates a guild with its @everyone role, the bot's managed role, extra roles and channels. */
export function createGuild(world: World, ids: SnowflakeFactory, spec: GuildSpec, botId: string): FakeGuild {
  const id = spec.id ?? ids.next();
  const everyone = role(id, '@everyone', spec.everyonePermissions ?? DEFAULT_EVERYONE_PERMISSIONS, 0);
  const botRole = role(ids.next(), 'storyloom', spec.botPermissions ?? DEFAULT_BOT_PERMISSIONS, 1);
  botRole.managed = true;
  botRole.tags = { bot_id: botId };
  const extra = (spec.roles ?? []).map((r, i) => role(r.id ?? ids.next(), r.name, r.permissions ?? 0n, i + 2));
  const guild: GuildRecord = {
    id,
    name: spec.name,
    ownerId: spec.ownerId ?? ids.next(),
    locale: spec.locale ?? Locale.EnglishUS,
    roles: [everyone, botRole, ...extra],
    botRoleId: botRole.id,
    joinedAt: new Date().toISOString(),
  };
  world.guilds.set(id, guild);
  world.members.get(botId)?.roles.push(botRole.id);
  const channels = (spec.channels ?? ['general']).map((c) =>
    world.addTextChannel(id, typeof c === 'string' ? { name: c } : c),
  );
  return { id, name: guild.name, channels, roles: guild.roles };
}

function role(id: string, name: string, permissions: PermissionInput, position: number): APIRole {
  return {
    id,
    name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position,
    permissions: toPermissionBits(permissions).toString(),
    managed: false,
    mentionable: false,
    flags: 0 as RoleFlags,
  };
}
