/**
 * The CPU engine: loads an artifact and continues prompts, many streams at once.
 * The twin of colab/sampling/engine.py: the same priming (prime prefix + normalized
 * prompt), the same sampler and stop rules, so greedy output is identical. A request
 * for several candidate lines primes its prompt once and forks the state, one
 * stream per candidate, each with its own seed (candidateSeed). A request may name a style: on a model that has
 * it, every stream of the request (priming and sampling, every candidate) is written in it; otherwise it is
 * written with none (id 0, `any`, or no style input at all) and the result says `style: null`.
 */
import { ArtifactError, loadArtifact, type Artifact } from './artifact.ts';
import { LstmRuntime, type LstmState } from './lstm.ts';
import { Normalizer } from './normalize.ts';
import { candidateSeed } from './rng.ts';
import { checkCandidates, checkSampling, chooseNext, StopTracker, type SamplingOptions } from './sampler.ts';
import { StoryCache } from './story-cache.ts';

/** Why a continuation ended: its stop rule fired, or it reached maxChars. */
export type StopReason = 'stop_rule' | 'max_chars';

/** One continuation. */
export interface Generation {
  text: string;
  stop: StopReason;
  /**
   * The style it was written in, present when the request named one: that name when the model has it, else null
   * (the model has no styles, or not that one: written with none).
   */
  style?: string | null;
}

/** One candidate line of a request: a continuation, and the seed it was sampled with. */
export interface Candidate extends Generation {
  seed: number;
}

/** What an engine says about its model. */
export interface EngineInfo {
  name: string;
  sha256: string;
  parameters: number;
  vocabSize: number;
  contextChars: number;
  /** The styles the model writes in, by id (`any` first); empty for a model without styles. */
  styles: string[];
}

/** A continuation to generate; `cacheKey` (a story id) lets the story cache skip text primed before. */
export interface GenerationRequest {
  prompt: string;
  options?: Partial<SamplingOptions>;
  cacheKey?: string;
  /** How many candidate lines (1 to MAX_CANDIDATES; 1 when unset): candidate i samples with candidateSeed(seed, i). */
  candidates?: number;
  /** The style to write in (a name the model lists; see Generation.style); unset: none, and no `style` in results. */
  style?: string;
}

/** A request's style as the model runs it: the id its streams carry, and what its results say (see Generation). */
interface StyleUse {
  id: number;
  said: string | null | undefined;
}

/** A stream while it is being generated. */
interface Stream {
  ids: number[];
  /** How many of `ids` are already in `state` (from the cache). */
  primed: number;
  cacheKey?: string;
  /** The ids fed to the model so far: primed, then generated. */
  fed: number[];
  logits?: Float32Array;
  options: SamplingOptions;
  /** Its state, which carries its style id. */
  state: LstmState;
  /** What its result says of the style (undefined: the request named none). */
  style: string | null | undefined;
  tracker: StopTracker;
  out: string;
  n: number;
  pending: number;
  done: boolean;
  stop: StopReason;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A loaded model that generates text on the CPU. */
export class Engine {
  private readonly index: Map<string, number>;
  private readonly styleIds: Map<string, number>;
  /** States after each story's latest text (see StoryCache). */
  readonly cache = new StoryCache();
  /** Characters run through priming so far: what the story cache saves (colab's `primed_chars`). */
  primedChars = 0;

  private constructor(
    readonly artifact: Artifact,
    private readonly runtime: LstmRuntime,
    private readonly normalizer: Normalizer,
  ) {
    this.index = new Map(artifact.vocabulary.map((ch, i) => [ch, i]));
    this.styleIds = new Map(artifact.styles.map((name, i) => [name, i]));
  }

  /** Loads `x.json` (or `x.safetensors`); throws ArtifactError for a broken artifact. */
  static async load(path: string, maxBatch = 64): Promise<Engine> {
    const artifact = await loadArtifact(path);
    let normalizer: Normalizer;
    try {
      normalizer = new Normalizer(artifact.vocabulary, artifact.normalization);
    } catch (error) {
      throw new ArtifactError(`model file ${artifact.path}: bad normalization rules: ${(error as Error).message}`);
    }
    return new Engine(artifact, await LstmRuntime.create(artifact, maxBatch), normalizer);
  }

  /** The model's name, weights hash and sizes. */
  get info(): EngineInfo {
    const parameters = [...this.artifact.tensors.values()].reduce((n, t) => n + t.data.length, 0);
    return {
      name: this.artifact.name,
      sha256: this.artifact.weightsSha256,
      parameters,
      vocabSize: this.artifact.config.vocabSize,
      contextChars: this.artifact.sampling.contextChars,
      styles: [...this.artifact.styles],
    };
  }

  /**
   * How a request's style runs: its id when the model lists it; otherwise id 0 (`any`, or no style input), and
   * the result says null. A request without one gets id 0 and no `style` in its result.
   */
  styleOf(name: string | undefined): StyleUse {
    if (name === undefined) return { id: 0, said: undefined };
    const id = this.styleIds.get(name);
    return id === undefined ? { id: 0, said: null } : { id, said: name };
  }

  /** Maps text to vocabulary characters, by the artifact's rules. */
  normalize(text: string): string {
    return this.normalizer.normalize(text);
  }

  /** The ids that prime a stream: the prime prefix, then the normalized prompt. */
  encode(prompt: string): number[] {
    return [...this.normalize(this.artifact.sampling.primePrefix + prompt)].map((ch) => this.index.get(ch)!);
  }

  /** The logits after priming `prompt`, in `style` when the model has it (for tests and parity checks). */
  logitsAfter(prompt: string, style?: string): Float32Array {
    const state = this.runtime.newState(this.styleOf(style).id);
    let logits = new Float32Array(0);
    for (const id of this.encode(prompt)) logits = this.runtime.step([id], [state]).slice();
    return logits;
  }

  /** Steps every stream that still has ids in `pick`, in chunks of the runtime's batch. */
  private stepStreams(streams: Stream[], pick: (s: Stream) => number): Float32Array[] {
    const out: Float32Array[] = [];
    const V = this.runtime.V;
    for (let i = 0; i < streams.length; i += this.runtime.maxBatch) {
      const chunk = streams.slice(i, i + this.runtime.maxBatch);
      const logits = this.runtime.step(
        chunk.map(pick),
        chunk.map((s) => s.state),
      );
      for (let b = 0; b < chunk.length; b++) out.push(logits.slice(b * V, (b + 1) * V));
    }
    return out;
  }

  /** Primes streams of different lengths in lockstep (from where the cache left each); returns their last logits. */
  private async prime(streams: Stream[]): Promise<Float32Array[]> {
    const last: Float32Array[] = streams.map((s) => s.logits ?? new Float32Array(0));
    const longest = Math.max(...streams.map((s) => s.ids.length - s.primed));
    for (const s of streams) this.primedChars += s.ids.length - s.primed;
    for (let t = 0; t < longest; t++) {
      const live = streams.map((s, i) => [s, i] as const).filter(([s]) => s.ids.length - s.primed > t);
      const logits = this.stepStreams(
        live.map(([s]) => s),
        (s) => s.ids[s.primed + t],
      );
      for (let j = 0; j < live.length; j++) last[live[j][1]] = logits[j];
      if (t % 64 === 63) await yieldToEventLoop();
    }
    return last;
  }

  private stream(request: GenerationRequest): Stream {
    const checked = checkSampling(request.options ?? {});
    const ids = this.encode(request.prompt);
    const style = this.styleOf(request.style);
    const cached = request.cacheKey ? this.cache.lookup(request.cacheKey, ids, style.id) : undefined;
    // With nothing new to prime the cached logits stand in; otherwise priming makes new ones.
    return {
      ids,
      primed: cached?.ids.length ?? 0,
      cacheKey: request.cacheKey,
      fed: [...ids],
      logits: cached?.logits,
      options: checked,
      state: cached?.state ?? this.runtime.newState(style.id),
      style: style.said,
      tracker: new StopTracker(checked),
      out: '',
      n: 0,
      pending: 0,
      done: false,
      stop: 'max_chars',
    };
  }

  /** Continues each prompt with its options, all streams in lockstep: each request's candidate 0. */
  async generate(requests: GenerationRequest[]): Promise<Generation[]> {
    const all = await this.generateCandidates(requests);
    return all.map(([{ text, stop, style }]) => (style === undefined ? { text, stop } : { text, stop, style }));
  }

  /**
   * Every request's candidate lines, in order: each prompt primes once (from the story cache as usual), its
   * state is forked into one stream per candidate, and every stream of every request samples in lockstep.
   */
  async generateCandidates(requests: GenerationRequest[]): Promise<Candidate[][]> {
    const counts = requests.map((r) => checkCandidates(r.candidates ?? 1));
    const primed = requests.map((r) => this.stream(r));
    if (primed.length === 0) return [];
    const logits = await this.prime(primed);
    for (let b = 0; b < primed.length; b++) primed[b].logits = logits[b];
    const forks = primed.map((s, b) => fork(s, counts[b]));
    await this.sample(forks.flat());
    primed.forEach((s, b) => {
      if (!s.cacheKey) return;
      const finals = forks[b].map((f) => ({ ids: f.fed, state: f.state, logits: f.logits! }));
      // With several candidates, the prompt's own state too: a prefix of whichever the story goes on with.
      const prompt = forks[b][0] === s ? [] : [{ ids: s.ids, state: s.state, logits: s.logits! }];
      this.cache.storeAll(s.cacheKey, [...prompt, ...finals]);
    });
    return forks.map((group) => group.map(candidateOf));
  }

  /** Samples primed streams (their `logits` set) in lockstep until each stops. */
  private async sample(streams: Stream[]): Promise<void> {
    let live = streams;
    for (let step = 1; live.length > 0; step++) {
      for (const s of live) {
        s.pending = chooseNext(s.logits!, s.options, s.n);
        const ch = this.artifact.vocabulary[s.pending];
        const { stop, keep } = s.tracker.step(ch, s.n);
        if (keep) {
          s.out += ch;
          s.n++;
        }
        if (stop) {
          s.done = true;
          s.stop = keep ? 'max_chars' : 'stop_rule';
        }
      }
      live = live.filter((s) => !s.done);
      if (live.length === 0) break;
      const logits = this.stepStreams(live, (s) => s.pending);
      for (let b = 0; b < live.length; b++) {
        const s = live[b];
        s.fed.push(s.pending);
        s.logits = logits[b];
      }
      if (step % 32 === 0) await yieldToEventLoop();
    }
  }
}

/**
 * A primed stream as `n` candidate streams: itself when n is 1; else n copies of its state, candidate i
 * sampling with candidateSeed(seed, i) (candidate 0 with the seed itself).
 */
function fork(s: Stream, n: number): Stream[] {
  if (n === 1) return [s];
  return Array.from({ length: n }, (_, i) => {
    const options = { ...s.options, seed: candidateSeed(s.options.seed, i) };
    return {
      ...s,
      fed: [...s.ids],
      options,
      state: { h: s.state.h.slice(), c: s.state.c.slice(), style: s.state.style },
      tracker: new StopTracker(options),
    };
  });
}

/** A finished stream as a candidate line (with its style when the request named one). */
function candidateOf(s: Stream): Candidate {
  const line = { text: s.out, stop: s.stop, seed: s.options.seed };
  return s.style === undefined ? line : { ...line, style: s.style };
}
