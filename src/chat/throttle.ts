/**
 * Edits to one progress message, at most once every `intervalMs`: the latest
 * text wins, intermediate ones are dropped, and the final edit always goes out.
 */

interface Slot<T> {
  /** When the last send finished (the interval counts from there). */
  last: number;
  pending?: T;
  /** A send is queued on `chain` and will pick up `pending`. */
  queued: boolean;
  dropped: boolean;
  timer?: NodeJS.Timeout;
  wake?: () => void;
  chain: Promise<void>;
}

/**
 * Coalesces updates for one key (a message) into at most one call per interval.
 * Sends for a key run one at a time, and the interval is counted from the end of
 * the previous send: a send that waited (say, on the message being posted) never
 * lets the queued edits out in a burst.
 */
export class EditThrottle<T> {
  private readonly slots = new Map<string, Slot<T>>();

  constructor(
    private readonly send: (key: string, value: T) => Promise<void>,
    private readonly intervalMs = 2000,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Queues `value` for `key`; sent as soon as the interval since the previous send has passed. */
  update(key: string, value: T): void {
    let slot = this.slots.get(key);
    if (!slot) {
      slot = { last: -Infinity, queued: false, dropped: false, chain: Promise.resolve() };
      this.slots.set(key, slot);
    }
    slot.pending = value;
    if (slot.queued) return;
    slot.queued = true;
    const queued = slot;
    slot.chain = slot.chain.then(() => this.flush(key, queued));
  }

  /** Drops anything queued for `key` and waits for an edit in flight (call before the final message). */
  async settle(key: string): Promise<void> {
    const slot = this.slots.get(key);
    if (!slot) return;
    this.slots.delete(key);
    slot.dropped = true;
    slot.pending = undefined;
    clearTimeout(slot.timer);
    slot.wake?.();
    await slot.chain;
  }

  private async flush(key: string, slot: Slot<T>): Promise<void> {
    await this.turn(slot);
    slot.queued = false;
    const value = slot.pending;
    slot.pending = undefined;
    if (slot.dropped || value === undefined) return;
    try {
      await this.send(key, value);
    } catch {
      // The sender reports its own failures; a failed edit must not stop the next one.
    } finally {
      slot.last = this.clock();
    }
  }

  /** Resolves when the interval since the slot's last send has passed (or the slot is settled). */
  private turn(slot: Slot<T>): Promise<void> {
    const wait = slot.last + this.intervalMs - this.clock();
    if (wait <= 0 || slot.dropped) return Promise.resolve();
    return new Promise((resolve) => {
      slot.wake = resolve;
      slot.timer = setTimeout(resolve, wait);
      slot.timer.unref?.();
    });
  }
}

/**
 * Spaces the edits of each message (by key) at least `intervalMs` apart, counted from the end of its previous post
 * or edit. For messages whose every edit is awaited for its answer (a vote's: core shows one state at a time per
 * story, so nothing is coalesced here, unlike {@link EditThrottle}).
 */
export class EditSpacing {
  /** By key: when its last post or edit finished. */
  private readonly last = new Map<string, number>();

  constructor(
    private readonly intervalMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Resolves once `key` may be edited again. */
  async turn(key: string): Promise<void> {
    const wait = (this.last.get(key) ?? Number.NEGATIVE_INFINITY) + this.intervalMs - this.clock();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }

  /** Records a post or edit of `key` that just finished; `final`: it will not be edited again (forgotten). */
  mark(key: string, final = false): void {
    if (final) this.last.delete(key);
    else this.last.set(key, this.clock());
  }
}
