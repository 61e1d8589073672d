import type { ChannelRateLimiter } from '../ChannelRateLimiter.ts';
import type { FakeWorkspace } from '../FakeWorkspace.ts';
import type { FileStore } from '../FileStore.ts';
import type { MessageStore } from '../MessageStore.ts';
import type { StoredMessage } from '../types.ts';

/**
 * A Web API error answer. Handlers throw it; the router turns it into
 * `{ ok: false, error, ...extra }` with the given HTTP status and headers.
 */
export class SlackApiError extends Error {
  constructor(
    readonly error: string,
    readonly extra: Record<string, unknown> = {},
    readonly httpStatus = 200,
    readonly headers: Record<string, string> = {},
  ) {
    super(error);
  }

  /** Slack's 429 answer: `{ ok: false, error: 'ratelimited' }` with `Retry-After`. */
  static rateLimited(retryAfterSec: number): SlackApiError {
    return new SlackApiError('ratelimited', {}, 429, { 'Retry-After': String(retryAfterSec) });
  }
}

/** Which kind of token a method accepts. */
export type TokenKind = 'bot' | 'app';

/** One method's arguments, parsed, and the answer body it produces on success. */
export type ApiHandler = (args: Record<string, unknown>) => Record<string, unknown>;

/** A Web API method the fake implements. */
export interface ApiMethod {
  token: TokenKind;
  handle: ApiHandler;
}

/** What the Web API handlers share: the workspace state and a few hooks into the server. */
export interface ApiServices {
  workspace: FakeWorkspace;
  messages: MessageStore;
  files: FileStore;
  limiter: ChannelRateLimiter;
  /** `http://127.0.0.1:PORT`, for URLs the fake hands out. */
  baseUrl(): string;
  /** A fresh single-use Socket Mode URL, for `apps.connections.open`. */
  issueSocketUrl(): string;
  /** Called after the bot posts a message (to echo it as an event, when enabled). */
  onBotMessage(message: StoredMessage): void;
}
