/** How fast one channel may be posted to before the fake answers 429. */
export interface ChannelRateLimit {
  /** Posts closer together than this (ms) to one channel are refused. Slack allows about 1 per second. */
  minIntervalMs: number;
  /** The `Retry-After` the fake sends, in whole seconds. */
  retryAfterSec: number;
}

/**
 * Tracks when each channel was posted to, and decides when a call is rate
 * limited: either a channel posted to faster than the configured rate, or a
 * 429 a test forced on the next calls to a method.
 */
export class ChannelRateLimiter {
  private readonly postTimes = new Map<string, number[]>();
  private readonly forced = new Map<string, { remaining: number; retryAfterSec: number }>();

  constructor(private limit: ChannelRateLimit | undefined) {}

  /** Sets or clears the per-channel limit. */
  setLimit(limit: ChannelRateLimit | undefined): void {
    this.limit = limit;
  }

  /** Makes the next `count` calls to `method` answer 429 with this `Retry-After`. */
  forceNext(method: string, retryAfterSec: number, count: number): void {
    this.forced.set(method, { remaining: count, retryAfterSec });
  }

  /** The `Retry-After` seconds if this call to `method` is forced to be limited; consumes one. */
  takeForced(method: string): number | undefined {
    const entry = this.forced.get(method);
    if (!entry || entry.remaining <= 0) return undefined;
    entry.remaining -= 1;
    return entry.retryAfterSec;
  }

  /** The `Retry-After` seconds if posting to `channel` now would be too fast. */
  checkChannel(channel: string, now: number): number | undefined {
    const last = this.postTimes.get(channel)?.at(-1);
    if (!this.limit || last === undefined) return undefined;
    return now - last < this.limit.minIntervalMs ? this.limit.retryAfterSec : undefined;
  }

  /** Records an accepted post to a channel. */
  recordPost(channel: string, at: number): void {
    const times = this.postTimes.get(channel) ?? [];
    times.push(at);
    this.postTimes.set(channel, times);
  }

  /** When (ms) each accepted post to the channel arrived. */
  times(channel: string): number[] {
    return [...(this.postTimes.get(channel) ?? [])];
  }
}
