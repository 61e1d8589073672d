import {
  GatewayDispatchEvents,
  GatewayIntentBits,
  MessageFlags,
  MessageType,
  type APIMessage,
  type APIUser,
} from 'discord.js';
import type { AttachmentStore } from './attachments.ts';
import { apiError, ErrorCode } from './errors.ts';
import { resolveMentions } from './mentions.ts';
import type { UploadedFile } from './rest/body.ts';
import type { SnowflakeFactory } from './snowflake.ts';
import { isThread, type World } from './world.ts';

type Json = Record<string, unknown>;

/** Sends a gateway dispatch to the sessions whose intents include `intent`. */
export type DispatchSink = (event: string, data: unknown, intent?: number) => void;

/** A stored message and what the public API cannot see of it. */
export interface MessageRecord {
  message: APIMessage;
  /** Ephemeral messages are only reachable through their interaction's webhook token. */
  ephemeral: boolean;
}

/** Extra fields for a message made by an interaction response or a webhook. */
export type MessageExtras = Partial<
  Pick<
    APIMessage,
    | 'type'
    | 'flags'
    | 'webhook_id'
    | 'application_id'
    | 'interaction_metadata'
    | 'interaction'
    | 'message_reference'
    | 'referenced_message'
  >
>;

/** Flags a bot may set itself when sending or editing. */
const SETTABLE_FLAGS = MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications | MessageFlags.IsComponentsV2;

/**
 * Every message the fake holds, by id, with the per-channel bookkeeping Discord
 * does (last_message_id, thread message counts) and the MESSAGE_* dispatches that
 * the GuildMessages intent would deliver.
 */
export class MessageStore {
  private readonly records = new Map<string, MessageRecord>();
  /** Every version of each message, oldest first: as created, then after each edit. */
  private readonly versions = new Map<string, APIMessage[]>();

  constructor(
    private readonly world: World,
    private readonly ids: SnowflakeFactory,
    private readonly attachments: AttachmentStore,
    private readonly dispatch: DispatchSink,
  ) {}

  /** Creates a message from a (validated) body and returns it. */
  create(
    channelId: string,
    author: APIUser,
    body: Json,
    files: UploadedFile[],
    extras: MessageExtras = {},
  ): APIMessage {
    const channel = this.world.requireChannel(channelId);
    const id = this.ids.next();
    const content = typeof body.content === 'string' ? body.content : '';
    const flags = (Number(body.flags ?? 0) & SETTABLE_FLAGS) | (extras.flags ?? 0);
    const message: APIMessage = {
      id,
      channel_id: channelId,
      author,
      content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: body.tts === true,
      ...resolveMentions(this.world, content, body.allowed_mentions),
      mention_channels: [],
      attachments: this.attachments.resolve(channelId, body, files),
      embeds: Array.isArray(body.embeds) ? (body.embeds as APIMessage['embeds']) : [],
      components: Array.isArray(body.components) ? (body.components as APIMessage['components']) : [],
      pinned: false,
      type: body.message_reference ? MessageType.Reply : MessageType.Default,
      ...extras,
      flags,
    };
    const ephemeral = (flags & MessageFlags.Ephemeral) !== 0;
    this.records.set(id, { message, ephemeral });
    this.versions.set(id, [structuredClone(message)]);
    if (!ephemeral) {
      channel.last_message_id = id;
      if (isThread(channel)) {
        channel.message_count = (channel.message_count ?? 0) + 1;
        channel.total_message_sent = (channel.total_message_sent ?? 0) + 1;
      }
      this.dispatch(
        GatewayDispatchEvents.MessageCreate,
        { ...message, guild_id: channel.guild_id },
        GatewayIntentBits.GuildMessages,
      );
    }
    return message;
  }

  /** Applies an edit (content, embeds, components, attachments, flags) and returns the message. */
  edit(id: string, body: Json, files: UploadedFile[], clearFlags = 0): APIMessage {
    const record = this.require(id);
    const message = record.message;
    if (typeof body.content === 'string' || body.content === null) message.content = body.content ?? '';
    if (Array.isArray(body.embeds)) message.embeds = body.embeds as APIMessage['embeds'];
    if (Array.isArray(body.components)) message.components = body.components as APIMessage['components'];
    if (body.attachments !== undefined || files.length > 0) {
      message.attachments = this.attachments.resolve(message.channel_id, body, files, message.attachments);
    }
    const current = message.flags ?? 0;
    const settable = (body.flags === undefined ? current : Number(body.flags)) & SETTABLE_FLAGS;
    message.flags = ((current & ~SETTABLE_FLAGS) | settable) & ~clearFlags;
    Object.assign(message, resolveMentions(this.world, message.content, body.allowed_mentions));
    message.edited_timestamp = new Date().toISOString();
    this.versions.get(id)?.push(structuredClone(message));
    if (!record.ephemeral) this.dispatchUpdate(message);
    return message;
  }

  /** Removes a message. */
  delete(id: string): void {
    const record = this.require(id);
    this.records.delete(id);
    if (record.ephemeral) return;
    const guildId = this.world.channels.get(record.message.channel_id)?.guild_id;
    this.dispatch(
      GatewayDispatchEvents.MessageDelete,
      { id, channel_id: record.message.channel_id, guild_id: guildId },
      GatewayIntentBits.GuildMessages,
    );
  }

  /** Every version of a message, oldest first: as it was created, then as each edit left it (empty if unknown). */
  revisions(id: string): APIMessage[] {
    return this.versions.get(id) ?? [];
  }

  /** Returns a stored message (ephemeral ones included), if any. */
  get(id: string): MessageRecord | undefined {
    return this.records.get(id);
  }

  /** Returns a message, or throws 404 Unknown Message. */
  require(id: string): MessageRecord {
    const record = this.records.get(id);
    if (!record) throw apiError(ErrorCode.UnknownMessage);
    return record;
  }

  /** Returns a non-ephemeral message of a channel, or throws 404 Unknown Message. */
  requireInChannel(channelId: string, id: string): APIMessage {
    const record = this.records.get(id);
    if (!record || record.ephemeral || record.message.channel_id !== channelId)
      throw apiError(ErrorCode.UnknownMessage);
    return record.message;
  }

  /** The non-ephemeral messages of a channel, oldest first. */
  inChannel(channelId: string): APIMessage[] {
    return [...this.records.values()]
      .filter((r) => !r.ephemeral && r.message.channel_id === channelId)
      .map((r) => r.message);
  }

  /** Sends MESSAGE_UPDATE for a message changed outside {@link MessageStore.edit} (e.g. a thread start). */
  dispatchUpdate(message: APIMessage): void {
    const guildId = this.world.channels.get(message.channel_id)?.guild_id;
    this.dispatch(
      GatewayDispatchEvents.MessageUpdate,
      { ...message, guild_id: guildId },
      GatewayIntentBits.GuildMessages,
    );
  }
}
