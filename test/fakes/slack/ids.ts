import { randomBytes } from 'node:crypto';

/**
 * Makes the ids and timestamps the fake hands out: Slack-looking ids
 * (`C000000001`), message timestamps that strictly increase, and random tokens.
 */
export class IdFactory {
  private readonly counters = new Map<string, number>();
  private lastTsMicros = 0;

  /** The next id with a Slack-style prefix, e.g. `C000000001` for channels. */
  nextId(prefix: string): string {
    const next = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, next);
    return `${prefix}${String(next).padStart(9, '0')}`;
  }

  /** A message timestamp (`"1700000000.000100"`), unique and increasing. */
  nextTs(): string {
    const nowMicros = Date.now() * 1000;
    this.lastTsMicros = Math.max(nowMicros, this.lastTsMicros + 1);
    const seconds = Math.floor(this.lastTsMicros / 1_000_000);
    const micros = this.lastTsMicros % 1_000_000;
    return `${seconds}.${String(micros).padStart(6, '0')}`;
  }
}

/** A random hex string, for envelope ids, tickets and fake secrets. */
export function randomHex(bytes = 8): string {
  return randomBytes(bytes).toString('hex');
}

/** An obviously fake token with the given Slack prefix, e.g. `xoxb-fake-…`. */
export function fakeToken(prefix: 'xoxb' | 'xapp'): string {
  return `${prefix}-fake-${randomHex(12)}`;
}
