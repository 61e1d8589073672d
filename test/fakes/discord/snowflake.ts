/** Discord's epoch (2015-01-01T00:00:00Z) in milliseconds, as used in snowflake ids. */
export const DISCORD_EPOCH = 1_420_070_400_000n;

/**
 * Makes Discord-style snowflake ids: a 42-bit millisecond timestamp since
 * {@link DISCORD_EPOCH}, 5-bit worker, 5-bit process and a 12-bit increment.
 * Ids are strictly increasing, so they sort by creation time like real ones,
 * and they have 18–19 digits, which @discordjs/rest needs to pick rate-limit buckets.
 */
export class SnowflakeFactory {
  private lastMs = 0n;
  private increment = 0n;

  /** @param worker - the worker id (0–31) written into every id */
  constructor(private readonly worker = 1n) {}

  /** Returns a fresh id for the current time. */
  next(): string {
    let ms = BigInt(Date.now()) - DISCORD_EPOCH;
    if (ms <= this.lastMs) {
      ms = this.lastMs;
      this.increment = (this.increment + 1n) & 0xfffn;
      // Why: 4096 ids in one millisecond would wrap; borrow the next millisecond instead.
      if (this.increment === 0n) ms += 1n;
    } else {
      this.increment = 0n;
    }
    this.lastMs = ms;
    return ((ms << 22n) | (this.worker << 17n) | (1n << 12n) | this.increment).toString();
  }
}

/** Returns the creation time (ms since the Unix epoch) encoded in a snowflake id. */
export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}
