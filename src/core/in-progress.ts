/**
 * Work that a stop waits for: commands being answered and job results being applied and
 * posted. A graceful stop first refuses new work, then waits here for what has started,
 * up to a bound.
 */

/** A set of promises in progress, and a way to wait until none is left. */
export class InProgress {
  private readonly running = new Set<Promise<unknown>>();

  /** How many are in progress now. */
  get size(): number {
    return this.running.size;
  }

  /** Tracks `work` until it settles, and returns it unchanged. */
  track<T>(work: Promise<T>): Promise<T> {
    const tracked = work.finally(() => this.running.delete(tracked));
    this.running.add(tracked);
    // The caller handles `work`'s failure; the copy kept here must not report it again.
    tracked.catch(() => undefined);
    return work;
  }

  /** Resolves true once everything tracked (including work begun while waiting) has settled, false at `timeoutMs`. */
  async settled(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.running.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), left);
      });
      const all = Promise.allSettled([...this.running]);
      const outcome = await Promise.race([all, timeout]);
      clearTimeout(timer);
      if (outcome === 'timeout') return this.running.size === 0;
    }
    return true;
  }
}
