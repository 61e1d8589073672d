/**
 * A bounded memory of keys already handled: on Slack, of requests (its delivery
 * is at least once: event retries carry the same `event_id`, and a resent slash
 * command or button press the same `trigger_id`); in the playground, of the
 * lines already posted.
 */

/** Remembers the last `capacity` keys; the oldest are forgotten first. */
export class RecentKeys {
  private readonly keys = new Set<string>();

  constructor(private readonly capacity = 5000) {}

  /** True the first time a key is seen (and remembers it); false for a repeat. */
  first(key: string): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    if (this.keys.size > this.capacity) this.keys.delete(this.keys.values().next().value!);
    return true;
  }

  /** True when every key is new; remembers them all. A request is a repeat if any of its keys was seen. */
  allFirst(...keys: string[]): boolean {
    const fresh = keys.every((key) => !this.keys.has(key));
    for (const key of keys) this.first(key);
    return fresh;
  }

  /** How many keys are remembered. */
  get size(): number {
    return this.keys.size;
  }
}
