/**
 * Guild ids for sharding tests, built so their shard is known without the sharding formula: the id's timestamp
 * part (the bits above 22) is BASE_MS + count * nth + shard, and BASE_MS is divisible by every count up to 6,
 * so (id >> 22) % count is `shard` by construction.
 */

/** A millisecond count (mid-2024 since Discord's epoch) divisible by 2, 3, 4, 5 and 6. */
const BASE_MS = 300_000_000_000n;

/** The `nth` distinct guild id that falls on `shard` of `count` (count at most 6); 19 digits, as real ids have. */
export function guildIdOnShard(shard: number, count: number, nth = 0): string {
  const ms = BASE_MS + BigInt(count * nth + shard);
  // Worker 1 and process 1 in the low bits, as the fake's own snowflakes have.
  return ((ms << 22n) | (1n << 17n) | (1n << 12n)).toString();
}
