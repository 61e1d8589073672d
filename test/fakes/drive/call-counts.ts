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
  /**
   * Injected faults by kind (`rateLimit403`, `tooMany429`, `error500`, `timeout`, ...), all methods and principals
   * together.
   */
  injectedByKind: Record<string, number>;
  /** The same split per principal label (`anonymous` when the token is missing or unknown). */
  byPrincipal: Record<string, { calls: MethodCounts; injected: MethodCounts }>;
}

/** Counts calls by method and principal label. */
export class CallCounter {
  private counts: CallCounts = empty();

  /** Adds one call to `method` by `label`, as handled or as injected (with the fault's kind). */
  record(method: string, label: string, kind: 'calls' | 'injected', faultKind?: string): void {
    this.counts[kind][method] = (this.counts[kind][method] ?? 0) + 1;
    if (kind === 'injected' && faultKind)
      this.counts.injectedByKind[faultKind] = (this.counts.injectedByKind[faultKind] ?? 0) + 1;
    this.counts.byPrincipal[label] ??= { calls: {}, injected: {} };
    const mine = this.counts.byPrincipal[label];
    mine[kind][method] = (mine[kind][method] ?? 0) + 1;
  }

  /** A copy of the counts so far. */
  snapshot(): CallCounts {
    return structuredClone(this.counts);
  }

  /** Starts counting from zero. */
  reset(): void {
    this.counts = empty();
  }
}

function empty(): CallCounts {
  return { calls: {}, injected: {}, injectedByKind: {}, byPrincipal: {} };
}
