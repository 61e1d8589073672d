/**
 * The retry policy for Drive calls: a capped number of attempts with capped,
 * jittered exponential backoff, honouring Retry-After. googleapis is told not
 * to retry (`retry: false`) so that this is the only policy in play.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isTransient, readFailure, type DriveFailure } from './errors.ts';

/** How hard to try. */
export interface BackoffPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** The delay before the first retry, before jitter (ms). */
  baseMs: number;
  /** The longest delay between attempts (ms). */
  capMs: number;
  /** The longest Retry-After that is honoured; longer ones are cut to this (ms). */
  maxRetryAfterMs: number;
}

/** Production defaults: 7 attempts, 0.5 s doubling to 32 s; about a minute before giving up. */
export const DEFAULT_BACKOFF: BackoffPolicy = { attempts: 7, baseMs: 500, capMs: 32_000, maxRetryAfterMs: 60_000 };

/**
 * The wait before retry number `retry` (1 for the first retry): exponential,
 * capped, with jitter in [50%, 100%] so that clients that failed together do
 * not retry together; never shorter than Retry-After (itself capped).
 */
export function backoffDelay(
  retry: number,
  policy: BackoffPolicy,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(policy.capMs, policy.baseMs * 2 ** (retry - 1));
  const jittered = exponential * (0.5 + random() / 2);
  const floor = retryAfterMs === undefined ? 0 : Math.min(retryAfterMs, policy.maxRetryAfterMs);
  return Math.round(Math.max(jittered, floor));
}

/** What a retry loop reports when it gives up or meets a failure it cannot retry. */
export interface RetryOutcome {
  failure: DriveFailure;
  attempts: number;
  error: unknown;
}

/** Hooks for one retried call. */
export interface RetryHooks<T> {
  /**
   * A failure that means success after all (a 409 on a retried create with our id); return the result, or
   * undefined.
   */
  accept?: (failure: DriveFailure, attempt: number) => T | undefined;
  /** Builds the error thrown for a failure that will not be retried (or the last one). */
  fail: (outcome: RetryOutcome) => Error;
  sleep?: (ms: number) => Promise<unknown>;
  random?: () => number;
  /** Told of each failure that will be retried, before the wait. */
  onRetry?: (failure: DriveFailure, attempt: number, delayMs: number) => void;
}

/** Runs `call` until it succeeds, fails in a way retrying cannot fix, or runs out of attempts. */
export async function withBackoff<T>(call: () => Promise<T>, policy: BackoffPolicy, hooks: RetryHooks<T>): Promise<T> {
  const wait = hooks.sleep ?? sleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const failure = readFailure(error);
      const accepted = hooks.accept?.(failure, attempt);
      if (accepted !== undefined) return accepted;
      if (!isTransient(failure) || attempt >= policy.attempts) throw hooks.fail({ failure, attempts: attempt, error });
      const delayMs = backoffDelay(attempt, policy, failure.retryAfterMs, hooks.random);
      hooks.onRetry?.(failure, attempt, delayMs);
      await wait(delayMs);
    }
  }
}
