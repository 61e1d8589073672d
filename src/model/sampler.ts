/**
 * Sampling with the same semantics as colab/sampling/sampler.py (see its docstring):
 * greedy at temperature 0; otherwise temperature, top-k, top-p, then the inverse
 * CDF in vocabulary order at a counter-based uniform draw. Stop rules: "sentence",
 * "line" or "none", and always `maxChars`.
 */
import { uniform } from './rng.ts';

/** The stop rules a continuation can use. */
export const STOP_RULES = ['sentence', 'line', 'none'] as const;
/** When a continuation stops before `maxChars`. */
export type StopRule = (typeof STOP_RULES)[number];

/** How to sample one continuation. */
export interface SamplingOptions {
  temperature: number;
  topK: number;
  topP: number;
  maxChars: number;
  minChars: number;
  stop: StopRule;
  seed: number;
}

/** The defaults, the same as colab/sampling/sampler.py's. */
export const DEFAULT_SAMPLING: SamplingOptions = {
  temperature: 0.8,
  topK: 0,
  topP: 1,
  maxChars: 280,
  minChars: 40,
  stop: 'sentence',
  seed: 0,
};

/**
 * Fills defaults and throws a RangeError naming the first option out of range.
 * An unset minChars is the default, or maxChars when that is smaller.
 */
export function checkSampling(partial: Partial<SamplingOptions>): SamplingOptions {
  const o = { ...DEFAULT_SAMPLING, ...partial };
  if (partial.minChars === undefined) o.minChars = Math.min(DEFAULT_SAMPLING.minChars, o.maxChars);
  if (!(o.temperature >= 0 && o.temperature <= 5)) throw new RangeError('temperature must be between 0 and 5');
  if (!(Number.isInteger(o.topK) && o.topK >= 0 && o.topK <= 100_000))
    throw new RangeError('topK must be an integer from 0 (off) to 100000');
  if (!(o.topP > 0 && o.topP <= 1)) throw new RangeError('topP must be in (0, 1]');
  if (!(Number.isInteger(o.maxChars) && o.maxChars >= 1 && o.maxChars <= 10_000))
    throw new RangeError('maxChars must be an integer from 1 to 10000');
  if (!(Number.isInteger(o.minChars) && o.minChars >= 0 && o.minChars <= o.maxChars))
    throw new RangeError('minChars must be an integer from 0 to maxChars');
  if (!STOP_RULES.includes(o.stop)) throw new RangeError(`stop must be one of ${STOP_RULES.join(', ')}`);
  if (!(Number.isInteger(o.seed) && o.seed >= 0 && o.seed <= 0xffffffff))
    throw new RangeError('seed must be a 32-bit unsigned integer');
  return o;
}

/** The most candidate lines one request may ask for (the protocol's MAX_CANDIDATES: a test keeps them equal). */
export const MAX_CANDIDATES = 5;

/** Returns `n` if the engine makes that many candidate lines (1 to MAX_CANDIDATES), else throws a RangeError. */
export function checkCandidates(n: number): number {
  if (!(Number.isInteger(n) && n >= 1 && n <= MAX_CANDIDATES))
    throw new RangeError(`candidates must be an integer from 1 to ${MAX_CANDIDATES}`);
  return n;
}

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/**
 * The kept probabilities after temperature, top-k and top-p (zeros where dropped).
 * Held in float32, as torch holds them, so the same tiny probabilities underflow.
 */
export function filterProbs(logits: ArrayLike<number>, o: SamplingOptions): Float32Array {
  const V = logits.length;
  const t = Math.max(o.temperature, 1e-6);
  const scaled = Float32Array.from(logits, (l) => l / t);
  if (o.topK > 0) {
    const kth = [...scaled].sort((a, b) => b - a)[Math.min(o.topK, V) - 1];
    for (let i = 0; i < V; i++) if (scaled[i] < kth) scaled[i] = -Infinity;
  }
  const max = scaled[argmax(scaled)];
  const probs = scaled.map((s) => Math.exp(s - max));
  const total = probs.reduce((a, p) => a + p, 0);
  for (let i = 0; i < V; i++) probs[i] /= total;
  if (o.topP < 1) {
    const order = [...probs.keys()].sort((a, b) => probs[b] - probs[a] || a - b);
    let before = 0;
    const drop: number[] = [];
    order.forEach((i, rank) => {
      if (rank > 0 && before >= o.topP) drop.push(i);
      before += probs[i];
    });
    for (const i of drop) probs[i] = 0;
  }
  return probs;
}

/** Picks the next id: greedy at temperature 0, else the inverse CDF at the step's draw. */
export function chooseNext(logits: ArrayLike<number>, o: SamplingOptions, step: number): number {
  if (o.temperature <= 0) return argmax(logits);
  const probs = filterProbs(logits, o);
  // As torch on the CPU: a float32 running sum, accumulated in double.
  const cdf = new Float32Array(probs.length);
  let running = 0;
  for (let i = 0; i < probs.length; i++) {
    running += probs[i];
    cdf[i] = running;
  }
  const threshold = Math.fround(uniform(o.seed, step) * cdf[cdf.length - 1]);
  let idx = 0;
  while (idx < cdf.length && cdf[idx] <= threshold) idx++;
  let lastKept = probs.length - 1;
  while (lastKept > 0 && probs[lastKept] === 0) lastKept--;
  return Math.min(idx, lastKept);
}

const TERMINALS = new Set(['.', '!', '?']);
const CLOSERS = new Set(['"', "'", ')']);

/** Applies one stream's stop rule, character by character. */
export class StopTracker {
  private afterTerminal = false;

  constructor(private readonly o: SamplingOptions) {}

  /** `n` chars came before `ch`. Returns whether to stop here and whether `ch` is kept. */
  step(ch: string, n: number): { stop: boolean; keep: boolean } {
    const longEnough = n >= this.o.minChars;
    const isNewline = ch === '\n';
    const isSpace = ch === ' ' || isNewline;
    const onChar =
      (this.o.stop === 'sentence' && longEnough && (isNewline || (isSpace && this.afterTerminal))) ||
      (this.o.stop === 'line' && isNewline);
    this.afterTerminal = TERMINALS.has(ch) || (CLOSERS.has(ch) && this.afterTerminal);
    return { stop: onChar || n + 1 >= this.o.maxChars, keep: !onChar };
  }
}
