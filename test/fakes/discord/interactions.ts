import {
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  type APIMessage,
  type APIMessageInteractionMetadata,
} from 'discord.js';
import { apiError, ErrorCode } from './errors.ts';
import type { MessageStore } from './messages.ts';

/** Which error an expired interaction token answers with on webhook routes. */
export type ExpiredTokenError = 'invalid-token' | 'unknown-webhook';

/** What the fake remembers of a dispatched interaction. */
export interface InteractionRecord {
  id: string;
  token: string;
  type: InteractionType.ApplicationCommand | InteractionType.MessageComponent;
  guildId: string;
  channelId: string;
  userId: string;
  /** The command name (commands) or the button's custom_id (components). */
  name: string;
  /** For components: the message the button was on. */
  sourceMessageId?: string;
  createdAt: number;
  response?: { type: InteractionResponseType; at: number; flags: number };
  originalMessageId?: string;
  followupIds: string[];
  modal?: unknown;
  expiredAs?: ExpiredTokenError;
}

/** A test's view of an interaction: how and when it was answered, and its messages. */
export interface InteractionState {
  id: string;
  token: string;
  type: InteractionType;
  name: string;
  acknowledged: boolean;
  /** The callback type used (4 reply, 5 deferred reply, 6 deferred update, 7 update, 9 modal). */
  responseType?: InteractionResponseType;
  deferred: boolean;
  ephemeral: boolean;
  /** Milliseconds between the dispatch and the callback. */
  respondedAfterMs?: number;
  /** The `@original` message (a loading message while a deferred reply is unedited). */
  original?: APIMessage;
  followups: APIMessage[];
  /** The modal sent with callback type 9. */
  modal?: unknown;
  tokenExpired: boolean;
}

/** Timing rules of interactions: the 3 s answer window and the 15 min token lifetime. */
export interface InteractionRules {
  ackWindowMs: number;
  tokenLifetimeMs: number;
  expiredTokenError: ExpiredTokenError;
}

/** Holds dispatched interactions and enforces Discord's rules on answering them. */
export class InteractionRegistry {
  private readonly records = new Map<string, InteractionRecord>();

  constructor(
    private readonly rules: InteractionRules,
    private readonly messages: MessageStore,
  ) {}

  /** Remembers a dispatched interaction. */
  add(record: InteractionRecord): void {
    this.records.set(record.id, record);
  }

  /** Finds an interaction by id or by token. */
  find(idOrToken: string): InteractionRecord | undefined {
    return this.records.get(idOrToken) ?? [...this.records.values()].find((r) => r.token === idOrToken);
  }

  /** Moves an interaction's creation time `ms` into the past. */
  age(idOrToken: string, ms: number): void {
    this.requireKnown(idOrToken).createdAt -= ms;
  }

  /** Makes an interaction's token answer webhook routes with an expiry error. */
  expireToken(idOrToken: string, as: ExpiredTokenError = this.rules.expiredTokenError): void {
    this.requireKnown(idOrToken).expiredAs = as;
  }

  /** The interaction a callback is for; throws 10062 when unknown or late, 40060 when already answered. */
  forCallback(id: string, token: string): InteractionRecord {
    const record = this.records.get(id);
    if (!record || record.token !== token) throw apiError(ErrorCode.UnknownInteraction);
    if (record.response) throw apiError(ErrorCode.AlreadyAcknowledged);
    if (Date.now() - record.createdAt > this.rules.ackWindowMs) throw apiError(ErrorCode.UnknownInteraction);
    return record;
  }

  /** The interaction behind a webhook token; throws 50027 / 10015 when unknown or expired. */
  forWebhook(token: string): InteractionRecord {
    const record = this.find(token);
    if (!record || record.token !== token) throw apiError(ErrorCode.InvalidWebhookToken);
    const expired =
      record.expiredAs ??
      (Date.now() - record.createdAt > this.rules.tokenLifetimeMs ? this.rules.expiredTokenError : undefined);
    if (expired === 'invalid-token') throw apiError(ErrorCode.InvalidWebhookToken);
    if (expired === 'unknown-webhook') throw apiError(ErrorCode.UnknownWebhook);
    return record;
  }

  /** The public view of an interaction. */
  state(idOrToken: string): InteractionState | undefined {
    const r = this.find(idOrToken);
    if (!r) return undefined;
    const responseType = r.response?.type;
    return {
      id: r.id,
      token: r.token,
      type: r.type,
      name: r.name,
      acknowledged: r.response !== undefined,
      ...(responseType === undefined ? {} : { responseType, respondedAfterMs: r.response!.at - r.createdAt }),
      deferred:
        responseType === InteractionResponseType.DeferredChannelMessageWithSource ||
        responseType === InteractionResponseType.DeferredMessageUpdate,
      ephemeral: ((r.response?.flags ?? 0) & MessageFlags.Ephemeral) !== 0,
      ...(r.originalMessageId ? { original: this.messages.get(r.originalMessageId)?.message } : {}),
      followups: r.followupIds.flatMap((id) => this.messages.get(id)?.message ?? []),
      ...(r.modal === undefined ? {} : { modal: r.modal }),
      tokenExpired: r.expiredAs !== undefined || Date.now() - r.createdAt > this.rules.tokenLifetimeMs,
    };
  }

  private requireKnown(idOrToken: string): InteractionRecord {
    const record = this.find(idOrToken);
    if (!record) throw new Error(`no interaction with id or token ${idOrToken}`);
    return record;
  }
}

/** The `interaction_metadata` Discord puts on messages an interaction created. */
export function interactionMetadata(
  record: InteractionRecord,
  user: APIMessage['author'],
): APIMessageInteractionMetadata {
  const base = { id: record.id, user, authorizing_integration_owners: { 0: record.guildId } };
  if (record.type === InteractionType.MessageComponent) {
    return { ...base, type: InteractionType.MessageComponent, interacted_message_id: record.sourceMessageId ?? '' };
  }
  return { ...base, type: InteractionType.ApplicationCommand };
}
