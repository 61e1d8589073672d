/**
 * Edits to one progress message, at most once every `intervalMs`: the latest
 * text wins, intermediate ones are dropped, and the final edit always goes out.
 */

/** Coalesces updates for one key (a message) into at most one call per interval. */
export class EditThrottle<T> {
  private readonly slots = new Map<string, { last: number; pending?: T; timer?: NodeJS.Timeout; chain: Promise<void> }>();

  constructor(private readonly send: (key: string, value: T) => Promise<void>, private readonly intervalMs = 2000, private readonly clock: () => number = Date.now) {}

  /** Queues `value` for `key`; sends now if the interval has passed, else later. */
  update(key: string, value: T): void {
    const slot = this.slots.get(key) ?? { last: -Infinity, chain: Promise.resolve() };
    this.slots.set(key, slot);
    slot.pending = value;
    if (slot.timer) return;
    const wait = Math.max(0, slot.last + this.intervalMs - this.clock());
    slot.timer = setTimeout(() => this.flush(key), wait);
    slot.timer.unref?.();
  }

  private flush(key: string): void {
    const slot = this.slots.get(key);
    if (!slot || slot.pending === undefined) return;
    const value = slot.pending;
    slot.pending = undefined;
    slot.timer = undefined;
    slot.last = this.clock();
    slot.chain = slot.chain.then(() => this.send(key, value)).catch(() => undefined);
  }

  /** Drops anything queued for `key` and waits for an edit in flight (call before the final message). */
  async settle(key: string): Promise<void> {
    const slot = this.slots.get(key);
    if (!slot) return;
    clearTimeout(slot.timer);
    this.slots.delete(key);
    await slot.chain;
  }
}
