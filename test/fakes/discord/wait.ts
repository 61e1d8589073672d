import type { EventEmitter } from 'node:events';

/** How often a waiter re-checks even without a change event (for time-based conditions). */
const POLL_MS = 25;

/**
 * Resolves with the first truthy result of `check`, re-checking on every
 * `change` event of `events` and every few milliseconds; rejects after `timeoutMs`.
 */
export function waitFor<T>(
  events: EventEmitter,
  check: () => T | undefined | null | false,
  timeoutMs = 2000,
  what = 'a condition',
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      clearInterval(poll);
      events.off('change', attempt);
      settle();
    };
    const attempt = () => {
      try {
        const result = check();
        if (result) finish(() => resolve(result));
      } catch (error) {
        finish(() => reject(error));
      }
    };
    const timer = setTimeout(
      () => finish(() => reject(new Error(`waitFor timed out after ${timeoutMs} ms waiting for ${what}`))),
      timeoutMs,
    );
    const poll = setInterval(attempt, POLL_MS);
    events.on('change', attempt);
    attempt();
  });
}
