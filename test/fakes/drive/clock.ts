/**
 * A clock whose readings strictly increase, so two writes never share a timestamp
 * and ordering by time is deterministic.
 */
export class MonotonicClock {
  private last = 0;

  /** The current time in epoch milliseconds, at least 1 ms after the previous reading. */
  now(): number {
    this.last = Math.max(Date.now(), this.last + 1);
    return this.last;
  }
}

/** Formats epoch milliseconds as RFC 3339 with milliseconds, the way Drive does. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString();
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})?$/;

/**
 * Parses an RFC 3339 date-time as Drive's `q` accepts it (no zone means UTC).
 * Returns epoch milliseconds, or undefined when the text is not one.
 */
export function parseRfc3339(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac = '', zone = 'Z'] = m;
  const ms = Math.round(Number((frac || '.0').padEnd(4, '0').slice(0, 4)) * 1000);
  const utc = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, ms);
  const check = new Date(Date.UTC(+y, +mo - 1, +d));
  if (check.getUTCMonth() !== +mo - 1 || +h > 23 || +mi > 59 || +s > 60) return undefined;
  if (zone.toUpperCase() === 'Z') return utc;
  const sign = zone.startsWith('-') ? -1 : 1;
  const offsetMin = Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6));
  return utc - sign * offsetMin * 60_000;
}
