/**
 * Discord's gateway sharding rules, as the fake applies them. The source for each rule is
 * https://discord.com/developers/docs/events/gateway#sharding (discord-api-docs, docs/events/gateway.mdx),
 * quoted next to the code that follows it.
 */
import { GatewayDispatchEvents } from 'discord.js';

/** `[shard_id, num_shards]`, as sent in IDENTIFY and echoed in READY. */
export type ShardKey = [number, number];

/**
 * The shard that receives a guild's events.
 * Docs: "To calculate which events will be sent to which shard, the following formula can be used:
 * shard_id = (guild_id >> 22) % num_shards".
 */
export function shardForGuild(guildId: string, numShards: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(numShards));
}

/** Events whose payload is the guild itself, so the guild's id is `d.id` rather than `d.guild_id`. */
const GUILD_PAYLOAD_EVENTS = new Set<string>([
  GatewayDispatchEvents.GuildCreate,
  GatewayDispatchEvents.GuildUpdate,
  GatewayDispatchEvents.GuildDelete,
]);

/** The guild a dispatch belongs to, or undefined for an event with no guild (a DM, an entitlement). */
export function guildOfDispatch(event: string, data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const d = data as { id?: unknown; guild_id?: unknown };
  const id = GUILD_PAYLOAD_EVENTS.has(event) ? d.id : d.guild_id;
  return typeof id === 'string' ? id : undefined;
}

/**
 * Whether a session identified as `shard` receives an event of `guildId`.
 * Docs: "Gateway events that do not contain a guild_id will only be sent to the first shard (shard_id: 0).
 * This includes Direct Message (DM), subscription and entitlement events."
 * Each session routes by its own num_shards; docs: "You can establish multiple sessions with the same
 * [shard_id, num_shards], or sessions with different num_shards values." So a session whose count differs
 * from the others' is not refused: it simply gets its own share (a [0, 1] session gets everything).
 */
export function shardReceives(shard: ShardKey, guildId: string | undefined): boolean {
  const [id, count] = shard;
  return guildId === undefined ? id === 0 : shardForGuild(guildId, count) === id;
}

/**
 * Whether IDENTIFY's `shard` is one Discord accepts; anything else closes with 4010.
 * Docs (Sharding): "The first item in this array should be the zero-based integer value of the current shard,
 * while the second represents the total number of shards." Close code table: "4010 Invalid shard: You sent us an
 * invalid shard when identifying."
 */
export function validShard(shard: unknown): shard is ShardKey {
  if (!Array.isArray(shard) || shard.length !== 2) return false;
  const [id, count] = shard as unknown[];
  if (typeof id !== 'number' || typeof count !== 'number') return false;
  return Number.isInteger(id) && Number.isInteger(count) && id >= 0 && id < count;
}

/** The gateway's sharding settings (see DiscordFakeOptions). */
export interface ShardingSettings {
  /** `shards` in GET /gateway/bot: docs: "Recommended number of shards to use when connecting". */
  recommendedShards: number;
  /** `session_start_limit.max_concurrency`: docs: "Number of identify requests allowed per 5 seconds". */
  maxConcurrency: number;
  /** How long one rate-limit bucket stays busy after an IDENTIFY (Discord: 5000 ms); 0 turns the check off. */
  identifyIntervalMs: number;
  /** Docs: "Each shard can only support a maximum of 2500 guilds"; beyond it IDENTIFY closes with 4011. */
  maxGuildsPerShard: number;
}

/**
 * The identify rate limit per max_concurrency bucket. Docs: "rate_limit_key = shard_id % max_concurrency ...
 * When you start your bot, you may start up to max_concurrency shards at a time", and (Identifying): "If your app
 * exceeds this limit, Discord will respond with a Invalid Session (opcode 9) event."
 */
export class IdentifyBuckets {
  private readonly lastIdentify = new Map<number, number>();

  constructor(private readonly settings: ShardingSettings) {}

  /** Takes the bucket of `shardId` if it is free (and marks it busy); false means answer op 9. */
  take(shardId: number, now = Date.now()): boolean {
    if (this.settings.identifyIntervalMs <= 0) return true;
    const key = shardId % this.settings.maxConcurrency;
    const last = this.lastIdentify.get(key);
    if (last !== undefined && now - last < this.settings.identifyIntervalMs) return false;
    this.lastIdentify.set(key, now);
    return true;
  }
}
