/**
 * Role: DISCORD_SHARDS as discord.js's sharding options, all shards in this one
 * process (see docs/discord.md, "Sharding"). discord.js 14 (ClientOptions,
 * node_modules/discord.js/src/util/Options.js): `shards` is "The shard's id to run,
 * or an array of shard ids. If not specified, the client will spawn
 * ClientOptions#shardCount shards. If set to `auto`, it will fetch the recommended
 * amount of shards from Discord and spawn that amount"; `shardCount` is "The total
 * amount of shards used by all processes of this bot". With `auto`, @discordjs/ws
 * takes the count from `GET /gateway/bot`'s `shards` (WebSocketManager.getShardIds).
 */
import type { Client, ClientOptions } from 'discord.js';
import { ConfigError } from '../../config.ts';

/** The sharding options for the discord.js Client. */
export type ShardOptions = Pick<ClientOptions, 'shards' | 'shardCount'>;

/**
 * Reads DISCORD_SHARDS (already checked by config.ts's pattern): unset, no sharding (discord.js's default, one
 * shard); "auto"; a count N (shards 0..N-1 here); or "ids/count" ("0,1/4"). Throws a ConfigError naming the key
 * for an id not below the count, or one listed twice.
 */
export function shardOptions(value: string | undefined): ShardOptions {
  if (value === undefined) return {};
  if (value === 'auto') return { shards: 'auto' };
  const [list, total] = value.split('/');
  if (total === undefined) {
    const count = Number(list);
    return { shards: Array.from({ length: count }, (_, i) => i), shardCount: count };
  }
  const count = Number(total);
  const ids = list!.split(',').map(Number);
  const bad = ids.find((id) => id >= count);
  if (bad !== undefined) {
    throw new ConfigError(
      `storyloom: bad setting DISCORD_SHARDS="${value}": shard ${bad} does not exist in ${count} shards ` +
        `(ids run from 0 to ${count - 1}). See docs/discord.md.`,
    );
  }
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice !== undefined) {
    throw new ConfigError(`storyloom: bad setting DISCORD_SHARDS="${value}": shard ${twice} is listed twice.`);
  }
  // Why: with an id list and no shardCount, discord.js would take the list's length as the count.
  return { shards: ids, shardCount: count };
}

/** ", shards 0,1 of 2" once a sharded client is logged in ("" without sharding), for the login log line. */
export function describeShards(client: Client): string {
  const count = client.options.shardCount ?? 1;
  if (count <= 1) return '';
  return `, shards ${[...client.ws.shards.keys()].sort((a, b) => a - b).join(',')} of ${count}`;
}

/** A gateway refusal about shards as a storyloom error naming DISCORD_SHARDS; any other error as it is. */
export function explainShardRefusal(error: unknown): unknown {
  const message = error instanceof Error ? error.message : '';
  if (message === 'Sharding is required') {
    return new Error(
      'storyloom: Discord requires sharding for this bot (gateway close 4011: too many servers for one ' +
        'connection). Set DISCORD_SHARDS=auto. See docs/discord.md, "Sharding".',
    );
  }
  if (message === 'Invalid shard') {
    return new Error(
      'storyloom: Discord refused the shards DISCORD_SHARDS names (gateway close 4010, invalid shard). ' +
        'Set DISCORD_SHARDS=auto, or the count Discord asked for. See docs/discord.md, "Sharding".',
    );
  }
  return error;
}
