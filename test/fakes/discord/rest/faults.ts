import type { RouteResponse } from './router.ts';

/** An error answer to give instead of running a request, e.g. a 500 or a 503. */
export interface FaultSpec {
  status: number;
  /** The JSON body (default: Discord's `{ message: "<status>: ...", code: 0 }`). */
  body?: unknown;
  /** Only requests with this method. */
  method?: string;
  /** How many matching requests to fail (default 1). */
  times?: number;
}

/** Holds injected failures and hands them out to matching requests. */
export class FaultInjector {
  private readonly faults: { route: RegExp; spec: FaultSpec; left: number }[] = [];

  /** Makes the next matching request(s) fail with `spec.status`. */
  inject(route: RegExp, spec: FaultSpec): void {
    this.faults.push({ route, spec, left: spec.times ?? 1 });
  }

  /** The failure for this request, if one is pending. */
  take(method: string, path: string): RouteResponse | undefined {
    const fault = this.faults.find(
      (f) => f.left > 0 && f.route.test(path) && (!f.spec.method || f.spec.method.toUpperCase() === method),
    );
    if (!fault) return undefined;
    fault.left -= 1;
    return {
      status: fault.spec.status,
      body: fault.spec.body ?? { message: `${fault.spec.status}: Injected failure`, code: 0 },
    };
  }
}
