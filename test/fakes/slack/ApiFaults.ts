/** A call that matches a hold waits this long before it is handled (Slack being slow to answer). */
interface Hold {
  method: string;
  ms: number;
  when: (args: Record<string, unknown>) => boolean;
}

/**
 * Errors a test makes the next calls to a Web API method answer with, as Slack would (`{ ok: false, error }`),
 * and holds: the next call that matches is answered only after a delay (it is applied then, as a slow answer is).
 */
export class ApiFaults {
  private readonly next = new Map<string, { error: string; remaining: number }>();
  private readonly holds: Hold[] = [];
  /** Calls held so far, by method, counted when the hold begins. */
  readonly held: string[] = [];

  /** Makes the next call to `method` whose arguments match `when` wait `ms` before it is handled. */
  holdNext(method: string, ms: number, when: Hold['when'] = () => true): void {
    this.holds.push({ method, ms, when });
  }

  /** The delay for this call, if a hold matches it; consumes the hold. */
  takeHold(method: string, args: Record<string, unknown>): number {
    const i = this.holds.findIndex((h) => h.method === method && h.when(args));
    if (i < 0) return 0;
    const [hold] = this.holds.splice(i, 1);
    this.held.push(method);
    return hold.ms;
  }

  /** Makes the next `count` calls to `method` answer `{ ok: false, error }`. */
  failNext(method: string, error: string, count: number): void {
    this.next.set(method, { error, remaining: count });
  }

  /** The error this call to `method` must answer with, if one was set; consumes one. */
  take(method: string): string | undefined {
    const entry = this.next.get(method);
    if (!entry || entry.remaining <= 0) return undefined;
    entry.remaining -= 1;
    return entry.error;
  }
}
