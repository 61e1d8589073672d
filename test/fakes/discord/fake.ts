import type { Server } from 'node:http';
import {
  GatewayDispatchEvents,
  GatewayIntentBits,
  type APIApplicationCommand,
  type APIMessage,
  type APIThreadChannel,
  type APIUser,
} from 'discord.js';
import type { StoredAttachment } from './attachments.ts';
import type { FakeContext } from './context.ts';
import { GatewayControls } from './gateway/gateway-controls.ts';
import { createGuild, type ChannelSpec, type FakeGuild, type GuildSpec } from './guilds.ts';
import {
  buttonInteraction,
  commandInteraction,
  type ButtonPress,
  type CommandInvocation,
} from './interaction-payloads.ts';
import type { ExpiredTokenError, InteractionRecord, InteractionState } from './interactions.ts';
import { guildCreatePayload } from './payloads.ts';
import type { FaultInjector, FaultSpec } from './rest/faults.ts';
import type { RateLimiter, RateLimitInjection } from './rest/rate-limits.ts';
import { matches, type RecordedRequest, type RequestFilter, type RequestRecorder } from './rest/recorder.ts';
import { waitFor } from './wait.ts';
import type { FakeChannel, UserSpec } from './world.ts';

/** An interaction the driver dispatched: its id and token, and the exact INTERACTION_CREATE payload. */
export interface SentInteraction {
  id: string;
  token: string;
  payload: unknown;
}

/** The parts of a running fake that {@link DiscordFake} wraps. */
export interface DiscordFakeParts {
  ctx: FakeContext;
  server: Server;
  recorder: RequestRecorder;
  limiter: RateLimiter;
  faults: FaultInjector;
}

/**
 * A running fake Discord: REST under {@link DiscordFake.restUrl}, the gateway at
 * {@link DiscordFake.gatewayUrl}, a test driver (guilds, users, commands, buttons),
 * state views, recorded requests, fault injection, and the gateway controls it inherits.
 */
export class DiscordFake extends GatewayControls {
  /** What discord.js takes as `rest: { api }`: `http://127.0.0.1:PORT/api`. */
  readonly restUrl: string;
  /** The gateway URL `GET /gateway/bot` returns: `ws://127.0.0.1:PORT/gateway`. */
  readonly gatewayUrl: string;
  /** The token the fake accepts, for `client.login(fake.botToken)`. */
  readonly botToken: string;
  /** The bot's user; its id is also the application id. */
  readonly botUser: APIUser;
  /** The application id (used in command and webhook routes). */
  readonly applicationId: string;
  private readonly ctx: FakeContext;

  constructor(private readonly parts: DiscordFakeParts) {
    super(parts.ctx.gateway, parts.ctx.events);
    this.ctx = parts.ctx;
    this.restUrl = this.ctx.urls.rest;
    this.gatewayUrl = this.ctx.urls.gateway;
    this.botToken = this.ctx.botToken;
    this.botUser = this.ctx.bot.user;
    this.applicationId = this.ctx.bot.applicationId;
  }

  /** Adds a guild (default channel: `general`); sends GUILD_CREATE to connected bots. */
  addGuild(spec: GuildSpec): FakeGuild {
    const guild = createGuild(this.ctx.world, this.ctx.ids, spec, this.botUser.id);
    const record = this.ctx.world.requireGuild(guild.id);
    this.ctx.gateway.dispatch(
      GatewayDispatchEvents.GuildCreate,
      guildCreatePayload(this.ctx.world, record, this.botUser.id, false),
      GatewayIntentBits.Guilds,
    );
    return this.changed(guild);
  }

  /** Adds a text channel to a guild; sends CHANNEL_CREATE. */
  addChannel(guildId: string, spec: ChannelSpec | string): FakeChannel {
    this.ctx.world.requireGuild(guildId);
    const channel = this.ctx.world.addTextChannel(guildId, typeof spec === 'string' ? { name: spec } : spec);
    this.ctx.gateway.dispatch(GatewayDispatchEvents.ChannelCreate, channel, GatewayIntentBits.Guilds);
    return this.changed(channel);
  }

  /** Adds a user who is a member of every guild. */
  addUser(spec: UserSpec): APIUser {
    return this.changed(this.ctx.world.addUser(spec));
  }

  /** A user runs a slash command: dispatches INTERACTION_CREATE (type 2). */
  sendCommand(invocation: CommandInvocation): SentInteraction {
    return this.send(commandInteraction(this.ctx, invocation));
  }

  /** A user presses a button on a message: dispatches INTERACTION_CREATE (type 3) with that message. */
  pressButton(press: ButtonPress): SentInteraction {
    return this.send(buttonInteraction(this.ctx, press));
  }

  /** How an interaction was answered, and its original and followup messages. */
  interactionState(idOrToken: string): InteractionState | undefined {
    return this.ctx.interactions.state(idOrToken);
  }

  /** Moves an interaction `ms` into the past: past 3 s callbacks get 10062, past 15 min the token expires. */
  ageInteraction(idOrToken: string, ms: number): void {
    this.ctx.interactions.age(idOrToken, ms);
    this.ctx.events.emit('change');
  }

  /**
   * Expires an interaction token now: webhook routes answer 401 50027 (`invalid-token`) or 404 10015
   * (`unknown-webhook`).
   */
  expireInteractionToken(idOrToken: string, as?: ExpiredTokenError): void {
    this.ctx.interactions.expireToken(idOrToken, as);
    this.ctx.events.emit('change');
  }

  /** A channel's or thread's visible (non-ephemeral) messages, oldest first. */
  channelMessages(channelId: string): APIMessage[] {
    return this.ctx.messages.inChannel(channelId);
  }

  /** Any stored message by id, ephemeral ones included. */
  message(id: string): APIMessage | undefined {
    return this.ctx.messages.get(id)?.message;
  }

  /**
   * Every version of a message, oldest first: as it was created, then as each edit (Edit Message with the bot token,
   * or an interaction's webhook) left it. Shows what readers saw change, e.g. counts going up in place.
   */
  messageRevisions(id: string): APIMessage[] {
    return this.ctx.messages.revisions(id);
  }

  /** An attachment's metadata and bytes. */
  attachment(id: string): StoredAttachment | undefined {
    return this.ctx.attachments.get(id);
  }

  /** A channel or thread by id. */
  channel(id: string): FakeChannel | undefined {
    return this.ctx.world.channels.get(id);
  }

  /** Every thread, optionally of one guild. */
  threads(guildId?: string): APIThreadChannel[] {
    return this.ctx.world.threads(guildId);
  }

  /** Registered commands: global ones, or a guild's. */
  commands(guildId?: string): APIApplicationCommand[] {
    return this.ctx.commands.list(guildId ?? null);
  }

  /** Recorded REST requests matching the filter, oldest first. */
  requests(filter?: RequestFilter): RecordedRequest[] {
    return this.parts.recorder.list(filter);
  }

  /** Forgets the recorded REST requests. */
  clearRequests(): void {
    this.parts.recorder.clear();
  }

  /** Answers the next request(s) whose path (below /api/v10) matches `route` with a 429. */
  rateLimitNext(route: RegExp, spec: RateLimitInjection): void {
    this.parts.limiter.inject(route, spec);
  }

  /** Answers the next request(s) whose path matches `route` with an error status (e.g. 500). */
  failNext(route: RegExp, spec: FaultSpec): void {
    this.parts.faults.inject(route, spec);
  }

  /** Resolves with the first truthy result of `check`, re-checked on every change; rejects after `timeoutMs`. */
  waitFor<T>(check: () => T | undefined | null | false, timeoutMs = 2000, what?: string): Promise<T> {
    return waitFor(this.ctx.events, check, timeoutMs, what);
  }

  /** Resolves with the first recorded request matching `filter` (already recorded ones count). */
  waitForRequest(filter: RequestFilter, timeoutMs = 2000): Promise<RecordedRequest> {
    return this.waitFor(
      () => this.parts.recorder.list().find((r) => matches(r, filter)),
      timeoutMs,
      `a request like ${JSON.stringify(filter, replacer)}`,
    );
  }

  /** Resolves with an interaction's `@original` message once its content matches. */
  waitForOriginal(idOrToken: string, content: RegExp | string, timeoutMs = 2000): Promise<APIMessage> {
    const fits = (m: APIMessage | undefined) =>
      m && (typeof content === 'string' ? m.content === content : content.test(m.content));
    return this.waitFor(
      () => {
        const original = this.interactionState(idOrToken)?.original;
        return fits(original) ? original : undefined;
      },
      timeoutMs,
      `the original response of ${idOrToken} to match ${String(content)}`,
    );
  }

  /** Stops the fake: drops every connection and closes the server. */
  async close(): Promise<void> {
    await this.ctx.gateway.close();
    this.parts.server.closeAllConnections();
    await new Promise<void>((resolve) => this.parts.server.close(() => resolve()));
  }

  private send(built: { payload: unknown; record: InteractionRecord }): SentInteraction {
    this.ctx.interactions.add(built.record);
    this.ctx.gateway.dispatch(GatewayDispatchEvents.InteractionCreate, built.payload);
    return this.changed({ id: built.record.id, token: built.record.token, payload: built.payload });
  }

  private changed<T>(value: T): T {
    this.ctx.events.emit('change');
    return value;
  }
}

function replacer(_key: string, value: unknown): unknown {
  return value instanceof RegExp ? String(value) : value;
}
