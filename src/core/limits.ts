/**
 * Fair-use limits, each with a message that says what to do: how many jobs one
 * person may have waiting, how often they may ask, and how long the queue may get.
 *
 * How often is a token bucket per person: it holds `burst` requests and refills one
 * every `cooldownS`. A person who asks again the moment a line lands, or retries a
 * line at a glance, spends from the bucket and it refills while they read; a flood
 * empties it and is then held to one request per `cooldownS`, as before. The numbers
 * behind the choice are in test/core/fair-use.test.ts.
 *
 * A request costs what it asks of the worker: a line 1, and a job of N candidate
 * lines for a vote {@link candidatesCost}(N), so N = 3 spends 2 and N = 5 spends 3.
 */
import { UserError } from '../stories/errors.ts';
import { count } from '../stories/plural.ts';

/** How many requests a person may make at once before the cooldown paces them. */
export const BURST = 6;

/** The limits' settings. */
export interface LimitSettings {
  maxInFlightPerUser: number;
  /** On average, the least seconds between one person's requests (0: no limit). */
  cooldownS: number;
  maxQueue: number;
  /** Requests a person may make in a row before being paced (default BURST). */
  burst?: number;
}

/**
 * What a job of `n` candidate lines spends from a person's bucket, in lines: 1 + (n − 1) / 2. The candidates share
 * one priming of the story and are sampled side by side; on the CPU engine three cost about twice one line
 * (`npm run bench:candidates`), on a GPU nearer one, so each candidate after the first counts half a line.
 */
export function candidatesCost(n: number): number {
  return 1 + (Math.max(1, n) - 1) / 2;
}

/** Buckets kept before full ones (people who have not asked for a while) are forgotten. */
const KEPT = 1000;

/**
 * Checks and records requests against the limits. Each person's bucket is kept as
 * one time (the generic cell rate algorithm): when it would be full again. Every
 * request moves that time on by the cooldown; a request is refused while the time
 * is more than `burst - 1` cooldowns ahead of now, and clears when it no longer is.
 */
export class Limits {
  /** By user id: when their bucket is full again (ms, by `clock`). */
  private readonly fullAt = new Map<string, number>();

  constructor(
    private readonly settings: LimitSettings,
    private readonly clock: () => number = Date.now,
  ) {}

  private get intervalMs(): number {
    return this.settings.cooldownS * 1000;
  }

  /** Milliseconds until the user may spend `cost` (0 or less: now). */
  private waitMs(userId: string, now: number, cost: number): number {
    const full = Math.max(this.fullAt.get(userId) ?? now, now);
    return full - ((this.settings.burst ?? BURST) - cost) * this.intervalMs - now;
  }

  /**
   * Throws a UserError if this user may not queue a job that costs `cost` (lines: {@link candidatesCost}) now.
   * `admins` skip the cooldown.
   */
  check(userId: string, admin: boolean, inFlightForUser: number, queueLength: number, cost = 1): void {
    const { maxInFlightPerUser, cooldownS, maxQueue } = this.settings;
    if (queueLength >= maxQueue) {
      const full = `The queue is full (${count(maxQueue, 'line')} waiting). Try again in a few minutes.`;
      throw new UserError('queue_full', full);
    }
    if (inFlightForUser >= maxInFlightPerUser) {
      const wait = `Wait for ${inFlightForUser === 1 ? 'it' : 'one'} to arrive.`;
      throw new UserError('in_flight_cap', `You already have ${count(inFlightForUser, 'line')} being written. ${wait}`);
    }
    if (admin || cooldownS <= 0) return;
    const retryAfterMs = Math.ceil(this.waitMs(userId, this.clock(), cost));
    if (retryAfterMs <= 0) return;
    const seconds = Math.ceil(retryAfterMs / 1000);
    const text = `Slow down a little: you can ask for another line in ${seconds} s.`;
    throw new UserError('cooldown', text, { retryAfterMs });
  }

  /** Records that the user just queued a job that costs `cost` lines. */
  record(userId: string, cost = 1): void {
    if (this.settings.cooldownS <= 0) return;
    const now = this.clock();
    this.fullAt.set(userId, Math.max(this.fullAt.get(userId) ?? now, now) + cost * this.intervalMs);
    if (this.fullAt.size > KEPT) {
      for (const [id, full] of this.fullAt) if (full <= now) this.fullAt.delete(id);
    }
  }
}
