import { randomBytes } from 'node:crypto';
import type { ExpiredTokenError } from './interactions.ts';
import type { BucketLimit } from './rest/rate-limits.ts';

/** Settings of {@link startDiscordFake}; every one has a default. */
export interface DiscordFakeOptions {
  /** The bot token the fake accepts (default: a fresh `fake-bot-token.<hex>`). */
  botToken?: string;
  /** The bot user's name (default `storyloom-test-bot`). */
  botUsername?: string;
  /** The bot user id, also used as the application id (default: a fresh snowflake). */
  botUserId?: string;
  /** How long after the dispatch an interaction callback is accepted (default 3000 ms). */
  ackWindowMs?: number;
  /** How long an interaction token works on webhook routes (default 15 minutes). */
  tokenLifetimeMs?: number;
  /** What an expired token answers: 401 50027 `invalid-token` (default) or 404 10015 `unknown-webhook`. */
  expiredTokenError?: ExpiredTokenError;
  /** The `heartbeat_interval` sent in HELLO (default 41250 ms, Discord's usual). */
  heartbeatIntervalMs?: number;
  /** Requests allowed per bucket and window before a natural 429 (default 50 per 1000 ms). */
  rateLimit?: BucketLimit;
  /** How long a message nonce counts for `enforce_nonce` (Discord: "the past few minutes"; default 2 minutes). */
  nonceWindowMs?: number;
  /**
   * Privileged intents the app may request: GuildMembers 1<<1, GuildPresences 1<<8, MessageContent 1<<15 (default none:
   * 4014).
   */
  privilegedIntents?: number;
  /** `shards` in GET /gateway/bot, Discord's recommended shard count, what discord.js uses for 'auto' (default 1). */
  recommendedShards?: number;
  /** `session_start_limit.max_concurrency` in GET /gateway/bot: IDENTIFYs per 5 s, one per bucket (default 1). */
  maxConcurrency?: number;
  /**
   * How long an IDENTIFY keeps its bucket (shard_id % max_concurrency) busy; another IDENTIFY in it meanwhile gets
   * op 9. Discord's window is 5000 ms; the default, 0, turns the check off so tests that log in again stay fast.
   */
  identifyIntervalMs?: number;
  /** The most guilds one session may hold; IDENTIFY beyond it closes with 4011 Sharding required (default 2500). */
  maxGuildsPerShard?: number;
  /** The port to listen on, on 127.0.0.1 (default: any free port). */
  port?: number;
}

/** {@link DiscordFakeOptions} with the defaults filled in. */
export type ResolvedOptions = Required<Omit<DiscordFakeOptions, 'botUserId'>> & { botUserId?: string };

/** Fills in the defaults. */
export function resolveOptions(options: DiscordFakeOptions = {}): ResolvedOptions {
  return {
    botToken: options.botToken ?? `fake-bot-token.${randomBytes(12).toString('hex')}`,
    botUsername: options.botUsername ?? 'storyloom-test-bot',
    ...(options.botUserId ? { botUserId: options.botUserId } : {}),
    ackWindowMs: options.ackWindowMs ?? 3000,
    tokenLifetimeMs: options.tokenLifetimeMs ?? 15 * 60_000,
    expiredTokenError: options.expiredTokenError ?? 'invalid-token',
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
    rateLimit: options.rateLimit ?? { limit: 50, windowMs: 1000 },
    nonceWindowMs: options.nonceWindowMs ?? 2 * 60_000,
    privilegedIntents: options.privilegedIntents ?? 0,
    recommendedShards: options.recommendedShards ?? 1,
    maxConcurrency: options.maxConcurrency ?? 1,
    identifyIntervalMs: options.identifyIntervalMs ?? 0,
    maxGuildsPerShard: options.maxGuildsPerShard ?? 2500,
    port: options.port ?? 0,
  };
}
