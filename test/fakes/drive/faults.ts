import type { MethodName } from './method-names.ts';
import { SeededRandom } from './seeded-random.ts';

/** The ways the fake can fail a call on purpose. */
export type FaultKind =
  | 'rateLimit403' // 403 rateLimitExceeded
  | 'userRateLimit403' // 403 userRateLimitExceeded
  | 'tooMany429' // 429 rateLimitExceeded with Retry-After
  | 'error500' // 500 backendError
  | 'error503' // 503 backendError
  | 'drop' // destroy the socket without answering
  | 'timeout'; // hold the request open, then destroy the socket

/** Every fault kind. */
export const FAULT_KINDS: readonly FaultKind[] = [
  'rateLimit403',
  'userRateLimit403',
  'tooMany429',
  'error500',
  'error503',
  'drop',
  'timeout',
];

/** Timing details shared by both ways of injecting faults. */
export interface FaultTiming {
  /** The Retry-After header of `tooMany429`, in seconds. Default 1. */
  retryAfterSeconds?: number;
  /** How long `timeout` holds a request before dropping it. Default 30000. */
  timeoutMs?: number;
}

/** Random faults: each matching call fails with probability `rate`. */
export interface RandomFaultSpec extends FaultTiming {
  rate: number;
  /** Seed for the PRNG. Default 1. */
  seed?: number;
  /** Kinds to draw from, equally likely, or kind → weight. Default: all kinds but `timeout`. */
  kinds?: FaultKind[] | Partial<Record<FaultKind, number>>;
  /** Methods that may fail. Default: every Drive method (not `token`). */
  methods?: MethodName[];
  /** Share of injected faults that strike after the call took effect (0..1). Default 0. */
  afterEffectShare?: number;
}

/** Fail the next `count` calls to `method` (`*`: any Drive method) with `kind`. */
export interface FailNextSpec extends FaultTiming {
  method: MethodName | '*';
  kind: FaultKind;
  /** Default 1. */
  count?: number;
  /** Let the call take effect first, then fail its response (a create that happened but was never confirmed). */
  afterEffect?: boolean;
}

/** The fault chosen for one call. */
export interface PlannedFault {
  kind: FaultKind;
  afterEffect: boolean;
  retryAfterSeconds: number;
  timeoutMs: number;
}

/** Decides, call by call, whether to inject a fault. Queued `failNext` faults go first. */
export class FaultInjector {
  private random?: { spec: RandomFaultSpec; rng: SeededRandom; table: [FaultKind, number][] };
  private queue: (FailNextSpec & { left: number })[] = [];

  /** Sets (or, with undefined or rate 0, clears) random faults. */
  setRandom(spec: RandomFaultSpec | undefined): void {
    if (!spec || spec.rate <= 0) {
      this.random = undefined;
      return;
    }
    const kinds = spec.kinds ?? FAULT_KINDS.filter((k) => k !== 'timeout');
    const table = Array.isArray(kinds)
      ? kinds.map((k): [FaultKind, number] => [k, 1])
      : (Object.entries(kinds) as [FaultKind, number][]);
    this.random = { spec, rng: new SeededRandom(spec.seed ?? 1), table: table.filter(([, w]) => w > 0) };
  }

  /** Queues a fault for the next calls to a method. */
  failNext(spec: FailNextSpec): void {
    this.queue.push({ ...spec, left: spec.count ?? 1 });
  }

  /** Removes random and queued faults. */
  clear(): void {
    this.random = undefined;
    this.queue = [];
  }

  /** The fault for a call to `method`, if any. */
  pick(method: MethodName): PlannedFault | undefined {
    const queued = this.queue.find((q) => q.method === method || (q.method === '*' && method !== 'token'));
    if (queued) {
      queued.left -= 1;
      if (queued.left <= 0) this.queue.splice(this.queue.indexOf(queued), 1);
      return plan(queued.kind, queued.afterEffect ?? false, queued);
    }
    return this.pickRandom(method);
  }

  private pickRandom(method: MethodName): PlannedFault | undefined {
    const r = this.random;
    if (!r || r.table.length === 0) return undefined;
    const allowed = r.spec.methods ?? [];
    if (allowed.length > 0 ? !allowed.includes(method) : method === 'token') return undefined;
    if (r.rng.next() >= r.spec.rate) return undefined;
    const total = r.table.reduce((n, [, w]) => n + w, 0);
    let x = r.rng.next() * total;
    const kind =
      r.table.find(([, w]) => {
        x -= w;
        return x < 0;
      })?.[0] ?? r.table[r.table.length - 1][0];
    const afterEffect = r.rng.next() < (r.spec.afterEffectShare ?? 0);
    return plan(kind, afterEffect, r.spec);
  }
}

function plan(kind: FaultKind, afterEffect: boolean, timing: FaultTiming): PlannedFault {
  return { kind, afterEffect, retryAfterSeconds: timing.retryAfterSeconds ?? 1, timeoutMs: timing.timeoutMs ?? 30_000 };
}
