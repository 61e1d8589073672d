/**
 * The story cache: the LSTM state (and the logits) after each story's latest
 * primed text, keyed by story. A request whose primed ids start with the cached
 * ids primes only the rest, so continuing a long story costs its new text only.
 * Matching is on ids, after normalization, so results are identical to priming
 * from scratch. Bounded: the least recently used story goes first.
 */
import type { LstmState } from './lstm.ts';

/** What the cache keeps for one story. */
export interface CachedState {
  ids: number[];
  state: LstmState;
  logits: Float32Array;
}

function copy(state: LstmState): LstmState {
  return { h: state.h.slice(), c: state.c.slice() };
}

/** An LRU map from story to the state after its latest text (the twin of colab's `StoryCache`). */
export class StoryCache {
  private readonly entries = new Map<string, CachedState>();
  hits = 0;
  misses = 0;

  constructor(private readonly capacity = 256) {}

  /** The cached entry for `key` if its ids are a prefix of `ids` (a copy, safe to step). */
  lookup(key: string, ids: readonly number[]): CachedState | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.ids.length > ids.length || entry.ids.some((id, i) => ids[i] !== id)) {
      this.misses++;
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.hits++;
    return { ids: entry.ids, state: copy(entry.state), logits: entry.logits.slice() };
  }

  /** Remembers the state after `ids` for `key`. */
  store(key: string, ids: number[], state: LstmState, logits: Float32Array): void {
    this.entries.delete(key);
    this.entries.set(key, { ids, state: copy(state), logits: logits.slice() });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  /** How many stories it holds. */
  get size(): number {
    return this.entries.size;
  }
}
