import type { ApiCall } from './types.ts';

/** Every Web API call the fake answered, in arrival order. */
export class ApiCallLog {
  private readonly entries: ApiCall[] = [];

  /** Records one answered call. */
  record(call: ApiCall): void {
    this.entries.push(call);
  }

  /** All calls, or only those to one method (e.g. `'chat.postMessage'`). */
  calls(method?: string): ApiCall[] {
    return this.entries.filter((call) => method === undefined || call.method === method);
  }

  /** Calls matching a predicate. */
  where(predicate: (call: ApiCall) => boolean): ApiCall[] {
    return this.entries.filter(predicate);
  }

  /** The most recent call to a method, if any. */
  last(method: string): ApiCall | undefined {
    return this.calls(method).at(-1);
  }
}
