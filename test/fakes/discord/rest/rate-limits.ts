import { createHash } from 'node:crypto';

/** A 429 to answer instead of running a request. */
export interface RateLimitInjection {
  /** Seconds the client must wait (sent as `Retry-After` and `retry_after`; fractions allowed). */
  retryAfter: number;
  /** A global limit (`X-RateLimit-Global`), which blocks every route in discord.js. */
  global?: boolean;
  /** Only requests with this method. */
  method?: string;
  /** How many matching requests to refuse (default 1). */
  times?: number;
}

/** The per-bucket limit the fake enforces when nothing is injected. */
export interface BucketLimit {
  limit: number;
  windowMs: number;
}

/** What the limiter decides for a request: headers to send, and a 429 body if refused. */
export interface RateLimitDecision {
  headers: Record<string, string>;
  refused?: { body: { message: string; retry_after: number; global: boolean } };
}

interface Window {
  startedAt: number;
  used: number;
}

/**
 * Discord-style rate limits: every answer carries `X-RateLimit-*` headers for its
 * bucket (route template + major parameter); a bucket over its limit answers 429;
 * and tests can inject 429s for routes matching a regex.
 */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly injections: { route: RegExp; spec: RateLimitInjection; left: number }[] = [];

  constructor(private readonly bucketLimit: BucketLimit) {}

  /** Makes the next matching request(s) answer 429. */
  inject(route: RegExp, spec: RateLimitInjection): void {
    this.injections.push({ route, spec, left: spec.times ?? 1 });
  }

  /** Counts a request against its bucket and decides whether it may run. */
  take(method: string, path: string, now = Date.now()): RateLimitDecision {
    const injected = this.injections.find(
      (i) => i.left > 0 && i.route.test(path) && (!i.spec.method || i.spec.method.toUpperCase() === method),
    );
    const { template, major } = bucketOf(path);
    const hash = createHash('sha1').update(`${method}:${template}`).digest('hex').slice(0, 32);
    if (injected) {
      injected.left -= 1;
      return refusal(hash, this.bucketLimit.limit, injected.spec.retryAfter, injected.spec.global ?? false, now);
    }
    const key = `${hash}:${major}`;
    const window = this.windowFor(key, now);
    const resetAfter = (window.startedAt + this.bucketLimit.windowMs - now) / 1000;
    if (window.used >= this.bucketLimit.limit) return refusal(hash, this.bucketLimit.limit, resetAfter, false, now);
    window.used += 1;
    return {
      headers: bucketHeaders(hash, this.bucketLimit.limit, this.bucketLimit.limit - window.used, resetAfter, now),
    };
  }

  private windowFor(key: string, now: number): Window {
    const current = this.windows.get(key);
    if (current && now - current.startedAt < this.bucketLimit.windowMs) return current;
    const fresh = { startedAt: now, used: 0 };
    this.windows.set(key, fresh);
    return fresh;
  }
}

/** The bucket of a path the way @discordjs/rest computes it: ids become `:id`, webhook tokens `:token`. */
export function bucketOf(path: string): { template: string; major: string } {
  if (/^\/interactions\/\d+\/[^/]+\/callback$/.test(path)) {
    return { template: '/interactions/:id/:token/callback', major: 'burst' };
  }
  const major = /^\/webhooks\/(\d{17,19}\/[^/?]+)|^\/(?:channels|guilds|webhooks)\/(\d{17,19})/.exec(path);
  const template = path.replace(/\d{17,19}/g, ':id').replace(/\/webhooks\/:id\/[^/?]+/, '/webhooks/:id/:token');
  return { template, major: major?.[2] ?? major?.[1] ?? 'global' };
}

function bucketHeaders(
  hash: string,
  limit: number,
  remaining: number,
  resetAfter: number,
  now: number,
): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(limit),
    'X-RateLimit-Remaining': String(Math.max(0, remaining)),
    'X-RateLimit-Reset': ((now + resetAfter * 1000) / 1000).toFixed(3),
    'X-RateLimit-Reset-After': resetAfter.toFixed(3),
    'X-RateLimit-Bucket': hash,
  };
}

function refusal(hash: string, limit: number, retryAfter: number, global: boolean, now: number): RateLimitDecision {
  const common = { 'Retry-After': String(retryAfter), 'X-RateLimit-Scope': global ? 'global' : 'user' };
  const headers = global
    ? { ...common, 'X-RateLimit-Global': 'true' }
    : { ...common, ...bucketHeaders(hash, limit, 0, retryAfter, now) };
  return { headers, refused: { body: { message: 'You are being rate limited.', retry_after: retryAfter, global } } };
}
