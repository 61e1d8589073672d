/**
 * Role: who ran a command, and where: the context core takes (on Slack, context.ts
 * too). On Discord: who ran an interaction, and where. A story thread is the
 * context's thread and its parent the channel. Admins are the users in
 * `DISCORD_ADMIN_IDS` (on top of the ManageGuild gate Discord applies).
 */
import { ChannelType, GuildMember, type Channel, type Interaction } from 'discord.js';
import type { Config } from '../../config.ts';
import type { CommandContext } from '../../core/types.ts';

/** The channel an interaction happened in: from the cache, or fetched. */
export async function channelOf(interaction: Interaction): Promise<Channel | null> {
  if (interaction.channel) return interaction.channel;
  if (!interaction.channelId) return null;
  return interaction.client.channels.fetch(interaction.channelId).catch(() => null);
}

/** The name storyloom shows for the user: their server nickname, display name or username. */
export function displayName(interaction: Interaction): string {
  const member = interaction.member;
  if (member instanceof GuildMember) return member.displayName;
  return member?.nick ?? interaction.user.globalName ?? interaction.user.username;
}

/** The command context of an interaction. */
export async function contextOf(interaction: Interaction, config: Config): Promise<CommandContext> {
  const channel = await channelOf(interaction);
  const inThread = channel?.isThread() ?? false;
  const channelId = interaction.channelId ?? '';
  const parent = channel?.isThread() ? channel.parentId : null;
  return {
    person: { id: interaction.user.id, name: displayName(interaction) },
    admin: config.DISCORD_ADMIN_IDS.includes(interaction.user.id),
    place: {
      platform: 'discord',
      channel: inThread ? (parent ?? channelId) : channelId,
      thread: inThread ? channelId : null,
    },
  };
}

/** Whether a story can start here: a text or announcement channel, where threads hang off messages. */
export function canHoldStories(channel: Channel | null): boolean {
  return channel?.type === ChannelType.GuildText || channel?.type === ChannelType.GuildAnnouncement;
}
