import {
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildVerificationLevel,
  type APIGuild,
  type APIGuildMember,
  type APIInteractionGuildMember,
  type GatewayGuildCreateDispatchData,
  type GuildMemberFlags,
  type GuildSystemChannelFlags,
} from 'discord.js';
import type { GuildRecord, World } from './world.ts';

/** The guild member object of a user, as GUILD_CREATE and REST return it. */
export function memberPayload(world: World, guild: GuildRecord, userId: string): APIGuildMember {
  const info = world.members.get(userId);
  return {
    user: world.requireUser(userId),
    nick: null,
    avatar: null,
    banner: null,
    roles: world.memberRoleIds(guild, userId),
    joined_at: info?.joinedAt ?? guild.joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
    pending: false,
    communication_disabled_until: null,
  };
}

/** The member object inside an interaction: a guild member plus their `permissions` string. */
export function interactionMemberPayload(world: World, guild: GuildRecord, userId: string): APIInteractionGuildMember {
  return {
    ...memberPayload(world, guild, userId),
    permissions: world.memberPermissions(guild.id, userId).toString(),
  };
}

/** The guild object of `GET /guilds/:id`: everything but channels, members and threads. */
export function guildPayload(guild: GuildRecord): APIGuild {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    icon_hash: null,
    splash: null,
    discovery_splash: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    widget_enabled: false,
    widget_channel_id: null,
    verification_level: GuildVerificationLevel.None,
    default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
    explicit_content_filter: GuildExplicitContentFilter.Disabled,
    roles: guild.roles,
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: GuildMFALevel.None,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0 as GuildSystemChannelFlags,
    rules_channel_id: null,
    max_members: 500_000,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: GuildPremiumTier.None,
    premium_subscription_count: 0,
    preferred_locale: guild.locale,
    public_updates_channel_id: null,
    max_video_channel_users: 25,
    max_stage_video_channel_users: 50,
    nsfw_level: GuildNSFWLevel.Default,
    premium_progress_bar_enabled: false,
    hub_type: null,
    safety_alerts_channel_id: null,
    incidents_data: null,
  };
}

/**
 * The GUILD_CREATE payload: the guild with its channels, active threads and members.
 * Without the privileged GuildMembers intent Discord sends only the bot's own member.
 */
export function guildCreatePayload(
  world: World,
  guild: GuildRecord,
  botId: string,
  allMembers: boolean,
): GatewayGuildCreateDispatchData {
  const memberIds = allMembers ? [...world.users.keys()] : [botId];
  return {
    ...guildPayload(guild),
    joined_at: guild.joinedAt,
    large: false,
    unavailable: false,
    member_count: world.users.size,
    voice_states: [],
    members: memberIds.map((id) => memberPayload(world, guild, id)),
    channels: world.guildChannels(guild.id),
    threads: world.threads(guild.id).filter((t) => !t.thread_metadata?.archived),
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}
