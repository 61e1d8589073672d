/** Errors a test makes the next calls to a Web API method answer with, as Slack would (`{ ok: false, error }`). */
export class ApiFaults {
  private readonly next = new Map<string, { error: string; remaining: number }>();

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
