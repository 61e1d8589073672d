import type { ChannelRateLimit } from './ChannelRateLimiter.ts';
import type { Delivery } from './DeliveryLog.ts';
import type { ChannelInput, UserInput } from './FakeWorkspace.ts';
import type {
  ClickButtonInput,
  InteractionDriver,
  MentionInput,
  SendEventOptions,
  SlashCommandInput,
  UserMessageInput,
} from './InteractionDriver.ts';
import { SignedRequestDriver } from './SignedRequestDriver.ts';
import { type SlackFakeParts, SlackFakeRecords } from './SlackFakeRecords.ts';
import type { SocketConnection, WaitForConnectionOptions } from './SocketModeServer.ts';
import type { FakeChannel, FakeIdentity, FakeUser } from './types.ts';

/**
 * A running fake Slack: its URLs and credentials, the people's driver, and what it recorded. Made by `startSlackFake`.
 */
export class SlackFake extends SlackFakeRecords {
  /** `http://127.0.0.1:PORT/api/`, for `clientOptions: { slackApiUrl }`. */
  readonly apiUrl: string;
  /** `http://127.0.0.1:PORT` */
  readonly baseUrl: string;
  /** The bot token (`xoxb-fake-…`) the Web API accepts. */
  readonly botToken: string;
  /** The app-level token (`xapp-fake-…`) for Socket Mode. */
  readonly appToken: string;
  /** The secret HTTP-mode requests are signed with. */
  readonly signingSecret: string;
  /** Team, app, bot and bot-user ids. */
  readonly identity: FakeIdentity;
  /** The channel driver calls use when they name none (`general`). */
  readonly defaultChannel: FakeChannel;
  /** The user driver calls act as when they name none (`alice`). */
  readonly defaultUser: FakeUser;

  constructor(parts: SlackFakeParts) {
    super(parts);
    this.baseUrl = parts.baseUrl;
    this.apiUrl = `${parts.baseUrl}/api/`;
    this.botToken = parts.tokens.bot;
    this.appToken = parts.tokens.app;
    this.signingSecret = parts.signingSecret;
    this.identity = parts.workspace.identity;
    this.defaultChannel = parts.workspace.requireChannel(parts.defaults.channel);
    this.defaultUser = parts.workspace.requireUser(parts.defaults.user);
  }

  // ----- workspace -----

  /** Adds a channel; `id` is generated (`C…`) unless given. */
  addChannel(input: ChannelInput): FakeChannel {
    return this.parts.workspace.addChannel(input);
  }

  /** Adds a user; `id` is generated (`U…`) unless given. */
  addUser(input: UserInput): FakeUser {
    return this.parts.workspace.addUser(input);
  }

  // ----- driving the app -----

  /** Runs a slash command as a user in a channel. */
  sendSlashCommand(input: SlashCommandInput): Promise<Delivery> {
    return this.parts.driver.sendSlashCommand(input);
  }

  /** Clicks the button with `actionId` on a stored message. */
  clickButton(input: ClickButtonInput): Promise<Delivery> {
    return this.parts.driver.clickButton(input);
  }

  /** Delivers any Events API event; `{ retry: n }` delivers it as retry n. */
  sendEvent(event: Record<string, unknown>, options?: SendEventOptions): Promise<Delivery> {
    return this.parts.driver.sendEvent(event, options);
  }

  /** A user posts a message (stored, then announced as a `message` event). */
  postUserMessage(input: UserMessageInput): ReturnType<InteractionDriver['postUserMessage']> {
    return this.parts.driver.postUserMessage(input);
  }

  /** A user mentions the bot (stored, then announced as an `app_mention` event). */
  mention(input: MentionInput): ReturnType<InteractionDriver['mention']> {
    return this.parts.driver.mention(input);
  }

  /** Delivers a request again as its next retry (`retry_attempt` + 1, same payload and event_id). */
  redeliver(delivery: Delivery, retryReason?: string): Promise<Delivery> {
    return this.parts.dispatcher.redeliver(delivery, retryReason);
  }

  /** HTTP mode: where signed requests go (e.g. Bolt's `http://127.0.0.1:PORT/slack/events`). */
  setRequestUrl(url: string): void {
    this.parts.setRequestUrl(url);
  }

  /** A signed-request driver for the request URL, for hand-made requests (bad signatures, url_verification…). */
  httpDriver(url = this.parts.getRequestUrl()): SignedRequestDriver {
    if (!url) throw new Error('Slack fake: no request URL; call fake.setRequestUrl(url) or pass one');
    return new SignedRequestDriver(url, this.signingSecret);
  }

  // ----- Socket Mode -----

  /** Resolves with a live Socket Mode connection (optionally newer than `newerThan`). */
  waitForConnection(options?: WaitForConnectionOptions): Promise<SocketConnection> {
    return this.parts.socket.waitForConnection(options);
  }

  /** Sends `{"type":"disconnect","reason":…}`; the client should reconnect via `apps.connections.open`. */
  requestReconnect(reason?: string): void {
    this.parts.socket.requestReconnect(reason);
  }

  /** Cuts every Socket Mode connection abruptly (no close frame). */
  dropConnections(): void {
    this.parts.socket.dropConnections();
  }

  // ----- rate limits -----

  /** Sets (or, with undefined, clears) the per-channel `chat.postMessage` limit. */
  setChannelRateLimit(limit: ChannelRateLimit | undefined): void {
    this.parts.limiter.setLimit(limit);
  }

  /** Makes the next `count` calls to `method` answer 429 `ratelimited` with `Retry-After: retryAfterSec`. */
  rateLimitNext(method: string, retryAfterSec = 1, count = 1): void {
    this.parts.limiter.forceNext(method, retryAfterSec, count);
  }

  /**
   * Makes the next `count` calls to `method` fail with `{ ok: false, error }` (e.g. `internal_error`, `missing_scope`).
   */
  failNext(method: string, error: string, count = 1): void {
    this.parts.faults.failNext(method, error, count);
  }

  /**
   * Makes the next call to `method` whose arguments match `when` wait `ms` before it is handled and answered
   * (a slow Slack); `heldCalls` lists the calls held so far.
   */
  holdNext(method: string, ms: number, when?: (args: Record<string, unknown>) => boolean): void {
    this.parts.faults.holdNext(method, ms, when);
  }

  /** The methods of the calls held so far, in order. */
  get heldCalls(): readonly string[] {
    return this.parts.faults.held;
  }

  /** Stops everything: redelivery timers, Socket Mode connections, the HTTP server. */
  async close(): Promise<void> {
    this.parts.dispatcher.close();
    await this.parts.socket.close();
    await this.parts.closeServer();
  }
}
