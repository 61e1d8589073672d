import { randomBytes } from 'node:crypto';
import {
  ApplicationCommandType,
  ComponentType,
  InteractionContextType,
  InteractionType,
  type APIApplicationCommand,
  type APIChatInputApplicationCommandGuildInteraction,
  type APIMessage,
  type APIMessageComponentButtonInteraction,
  type APIUser,
  type Locale,
} from 'discord.js';
import { buildCommandOptions, type CommandOptionsInput } from './command-options.ts';
import type { FakeContext } from './context.ts';
import type { InteractionRecord } from './interactions.ts';
import { interactionMemberPayload } from './payloads.ts';
import { meetsCommandGate } from './permissions.ts';

/** Who acts: a user object from `addUser`, or a user id. */
export type Actor = APIUser | string;

/** A slash command a user runs. */
export interface CommandInvocation {
  channelId: string;
  user: Actor;
  name: string;
  /** Defaults to the channel's guild. */
  guildId?: string;
  subcommand?: string;
  subcommandGroup?: string;
  options?: CommandOptionsInput;
  /** The user's client locale (default: the user's, en-US). */
  locale?: string;
}

/** A button a user presses on a message. */
export interface ButtonPress {
  messageId: string;
  customId: string;
  user: Actor;
  /** Defaults to the message's channel. */
  channelId?: string;
  locale?: string;
}

/** The payload to dispatch and the record to keep for one interaction. */
export interface BuiltInteraction<P> {
  payload: P;
  record: InteractionRecord;
}

/** Builds a complete guild CHAT_INPUT interaction, as Discord sends it in INTERACTION_CREATE. */
export function commandInteraction(
  ctx: FakeContext,
  call: CommandInvocation,
): BuiltInteraction<APIChatInputApplicationCommandGuildInteraction> {
  const base = baseInteraction(ctx, call.channelId, call.user, call.guildId, call.locale);
  const command = ctx.commands.resolve(call.name, base.guild_id);
  checkCommandGate(ctx, command, base.guild_id, base.member.user);
  const options = buildCommandOptions(call.options, call, command);
  const payload: APIChatInputApplicationCommandGuildInteraction = {
    ...base,
    type: InteractionType.ApplicationCommand,
    data: {
      id: command?.id ?? ctx.ids.next(),
      name: call.name,
      type: ApplicationCommandType.ChatInput,
      ...(command?.guild_id ? { guild_id: command.guild_id } : {}),
      options,
    },
  };
  return { payload, record: record(base, InteractionType.ApplicationCommand, call.name) };
}

/**
 * Refuses, as Discord does, a command gated by `default_member_permissions` to a
 * member without those permissions: Discord hides it from them and never
 * dispatches it, so the driver throws instead of sending.
 */
function checkCommandGate(
  ctx: FakeContext,
  command: APIApplicationCommand | undefined,
  guildId: string,
  user: APIUser,
): void {
  const required = command?.default_member_permissions;
  const isOwner = ctx.world.requireGuild(guildId).ownerId === user.id;
  if (meetsCommandGate(ctx.world.memberPermissions(guildId, user.id), required, isOwner)) return;
  throw new Error(
    `${user.username} may not run /${command!.name}: it needs default_member_permissions ${required}, ` +
      `so Discord does not dispatch it`,
  );
}

/** Builds a complete button interaction for a button that is on the message and enabled. */
export function buttonInteraction(
  ctx: FakeContext,
  press: ButtonPress,
): BuiltInteraction<APIMessageComponentButtonInteraction> {
  const message = ctx.messages.get(press.messageId)?.message;
  if (!message) throw new Error(`no message ${press.messageId}`);
  const button = findComponent(message, press.customId);
  if (!button || button.type !== ComponentType.Button)
    throw new Error(`message ${message.id} has no button "${press.customId}"`);
  if (button.disabled === true) throw new Error(`button "${press.customId}" is disabled`);
  const base = baseInteraction(ctx, press.channelId ?? message.channel_id, press.user, undefined, press.locale);
  const payload: APIMessageComponentButtonInteraction = {
    ...base,
    type: InteractionType.MessageComponent,
    data: { custom_id: press.customId, component_type: ComponentType.Button },
    message,
  };
  const built = record(base, InteractionType.MessageComponent, press.customId);
  return { payload, record: { ...built, sourceMessageId: message.id } };
}

function baseInteraction(
  ctx: FakeContext,
  channelId: string,
  actor: Actor,
  guildId: string | undefined,
  locale: string | undefined,
) {
  const channel = ctx.world.requireChannel(channelId);
  const guild = ctx.world.requireGuild(guildId ?? channel.guild_id ?? '');
  const user = ctx.world.requireUser(typeof actor === 'string' ? actor : actor.id);
  return {
    id: ctx.ids.next(),
    application_id: ctx.bot.applicationId,
    token: `fake-interaction-token.${randomBytes(24).toString('base64url')}`,
    version: 1 as const,
    guild: { id: guild.id, locale: guild.locale, features: [] },
    guild_id: guild.id,
    channel,
    channel_id: channel.id,
    member: interactionMemberPayload(ctx.world, guild, user.id),
    app_permissions: ctx.world.memberPermissions(guild.id, ctx.bot.user.id).toString(),
    locale: (locale ?? ctx.world.members.get(user.id)?.locale ?? 'en-US') as Locale,
    guild_locale: guild.locale,
    entitlements: [],
    authorizing_integration_owners: { 0: guild.id },
    context: InteractionContextType.Guild,
    attachment_size_limit: 10 * 1024 * 1024,
  };
}

function record(
  base: ReturnType<typeof baseInteraction>,
  type: InteractionRecord['type'],
  name: string,
): InteractionRecord {
  return {
    id: base.id,
    token: base.token,
    type,
    guildId: base.guild_id,
    channelId: base.channel_id,
    userId: base.member.user.id,
    name,
    createdAt: Date.now(),
    followupIds: [],
  };
}

interface ComponentLike {
  type: number;
  custom_id?: string;
  disabled?: boolean;
  components?: ComponentLike[];
  accessory?: ComponentLike;
}

/** Finds a component by custom_id anywhere in a message's component tree. */
function findComponent(message: APIMessage, customId: string): ComponentLike | undefined {
  const queue = [...((message.components ?? []) as ComponentLike[])];
  while (queue.length > 0) {
    const component = queue.shift()!;
    if (component.custom_id === customId) return component;
    queue.push(...(component.components ?? []), ...(component.accessory ? [component.accessory] : []));
  }
  return undefined;
}
