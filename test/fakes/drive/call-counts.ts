/** Call totals by method name. */
export type MethodCounts = Record<string, number>;

/**
 * What `counts()` returns. `calls` are calls the fake handled (whatever their
 * status); `injected` are calls answered by an injected fault. A call whose
 * fault struck after it took effect is in both.
 */
export interface CallCounts {
  calls: MethodCounts;
  injected: MethodCounts;
  /** The same split per principal label (`anonymous` when the token is missing or unknown). */
  byPrincipal: Record<string, { calls: MethodCounts; injected: MethodCounts }>;
}

/** Counts calls by method and principal label. */
export class CallCounter {
  private counts: CallCounts = { calls: {}, injected: {}, byPrincipal: {} };

  /** Adds one call to `method` by `label`, as handled or as injected. */
  record(method: string, label: string, kind: 'calls' | 'injected'): void {
    this.counts[kind][method] = (this.counts[kind][method] ?? 0) + 1;
    const mine = (this.counts.byPrincipal[label] ??= { calls: {}, injected: {} });
    mine[kind][method] = (mine[kind][method] ?? 0) + 1;
  }

  /** A copy of the counts so far. */
  snapshot(): CallCounts {
    return structuredClone(this.counts);
  }

  /** Starts counting from zero. */
  reset(): void {
    this.counts = { calls: {}, injected: {}, byPrincipal: {} };
  }
}
