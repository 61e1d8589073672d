/**
 * The story cache: the LSTM state (and the logits) after each story's latest
 * primed text, keyed by story. A request whose primed ids start with the cached
 * ids primes only the rest, so continuing a long story costs its new text only.
 * Matching is on ids, after normalization, so results are identical to priming
 * from scratch. A job with several candidate lines leaves several states (its
 * prompt, and each candidate after it): whichever the story goes on with, the
 * longest one that is a prefix is used. A state is only ever reused in its own style (each state carries its
 * style id, and a lookup names the style it wants): a state primed in one style is not the state of another, so
 * the key is in effect (story, style). Bounded: the least recently used story goes first.
 */
import type { LstmState } from './lstm.ts';

/** What the cache keeps for one story. */
export interface CachedState {
  ids: number[];
  state: LstmState;
  logits: Float32Array;
}

function copy(state: LstmState): LstmState {
  return { h: state.h.slice(), c: state.c.slice(), style: state.style };
}

/** An LRU map from story to the states after its latest text (the twin of colab's `StoryCache`). */
export class StoryCache {
  private readonly entries = new Map<string, CachedState[]>();
  hits = 0;
  misses = 0;

  constructor(private readonly capacity = 256) {}

  /**
   * The longest cached entry for `key` in style `style` (an id; 0 without styles) whose ids are a prefix of `ids`
   * (a copy, safe to step).
   */
  lookup(key: string, ids: readonly number[], style = 0): CachedState | undefined {
    const all = this.entries.get(key) ?? [];
    const isPrefix = (e: CachedState) =>
      e.state.style === style && e.ids.length <= ids.length && e.ids.every((id, i) => ids[i] === id);
    const entry = all
      .filter(isPrefix)
      .reduce<CachedState | undefined>((a, e) => (a && a.ids.length >= e.ids.length ? a : e), undefined);
    if (!entry) {
      this.misses++;
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, all);
    this.hits++;
    return { ids: entry.ids, state: copy(entry.state), logits: entry.logits.slice() };
  }

  /** Remembers the state after `ids` for `key` (in place of what it held). */
  store(key: string, ids: number[], state: LstmState, logits: Float32Array): void {
    this.storeAll(key, [{ ids, state, logits }]);
  }

  /** Remembers several states for `key`, in place of what it held: a job's prompt and each of its candidates. */
  storeAll(key: string, states: readonly CachedState[]): void {
    this.entries.delete(key);
    this.entries.set(
      key,
      states.map((e) => ({ ids: e.ids, state: copy(e.state), logits: e.logits.slice() })),
    );
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  /** How many stories it holds. */
  get size(): number {
    return this.entries.size;
  }
}
