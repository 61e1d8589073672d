/**
 * Styles on the CPU engine (issue 19): an artifact that lists styles is checked like the rest of it; a stream
 * carries one style id for its whole life, added to layer 0 as W_ih0[:, E:] · style_embedding[s]; a batch may mix
 * styles; the story cache never reuses a state across styles; a model without styles is untouched.
 * The styled model here has random weights (test/helpers/models.ts writeStyledModel); parity with PyTorch on a
 * styled model is test/model/parity-styles.test.ts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Artifact, ArtifactError, loadArtifact } from '../../src/model/artifact.ts';
import type { Engine, GenerationRequest } from '../../src/model/engine.ts';
import { loadModel } from '../../src/model/models.ts';
import { candidateSeed } from '../../src/model/rng.ts';
import { editJson, editWeights } from '../helpers/artifacts.ts';
import { safetensorsBytes, SMALL_MODEL, TEST_VOCAB, writeStyledModel } from '../helpers/models.ts';

const STYLES = ['any', 'general', 'mystery', 'austen'];
const PROMPT = 'The old house at the end of the lane. ';

const freshDir = () => mkdtempSync(join(tmpdir(), 'storyloom-styles-'));

/**
 * PyTorch's equations in plain double-precision JavaScript, with the style as the spec feeds it (concat of the
 * character's and the style's embeddings into W_ih0, every step): the logits after `ids`.
 */
function reference(a: Artifact, ids: number[], style: number): number[] {
  const { hiddenSize: H, numLayers: L, embeddingDim: E, styleDim: S, vocabSize: V } = a.config;
  const t = (name: string) => a.tensors.get(name)!.data;
  const h = Array.from({ length: L }, () => new Float64Array(H));
  const c = Array.from({ length: L }, () => new Float64Array(H));
  const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
  let top = new Float64Array(H);
  for (const id of ids) {
    let x: ArrayLike<number> = [
      ...t('embedding.weight').subarray(id * E, (id + 1) * E),
      ...(S ? t('style_embedding.weight').subarray(style * S, (style + 1) * S) : []),
    ];
    for (let k = 0; k < L; k++) {
      const [wih, whh, bih, bhh] = ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'].map((w) => t(`lstm.${w}_l${k}`));
      const n = x.length;
      const gate = (r: number) => {
        let sum = bih[r] + bhh[r];
        for (let j = 0; j < n; j++) sum += wih[r * n + j] * x[j];
        for (let j = 0; j < H; j++) sum += whh[r * H + j] * h[k][j];
        return sum;
      };
      const gates = Array.from({ length: 4 * H }, (_, r) => gate(r));
      for (let j = 0; j < H; j++) {
        const [i, f, g] = [sigmoid(gates[j]), sigmoid(gates[H + j]), Math.tanh(gates[2 * H + j])];
        c[k][j] = f * c[k][j] + i * g;
        h[k][j] = sigmoid(gates[3 * H + j]) * Math.tanh(c[k][j]);
      }
      x = h[k];
    }
    top = h[L - 1];
  }
  const [w, b] = [t('head.weight'), t('head.bias')];
  return Array.from({ length: V }, (_, v) => top.reduce((sum, hj, j) => sum + w[v * H + j] * hj, b[v]));
}

const greedy = { temperature: 0, maxChars: 40, stop: 'none' as const };
const sampled = (seed: number) => ({ temperature: 0.9, topP: 0.95, maxChars: 50, stop: 'sentence' as const, seed });

describe('a styled artifact', () => {
  let path: string;
  beforeAll(() => {
    path = writeStyledModel(freshDir());
  });

  it('loads with its styles, any first, and says them', async () => {
    const artifact = await loadArtifact(path);
    expect(artifact.styles).toEqual(STYLES);
    expect(artifact.config).toMatchObject({ numStyles: 4, styleDim: 4, embeddingDim: 8 });
    expect(artifact.tensors.get('lstm.weight_ih_l0')!.shape).toEqual([96, 12]);
    expect((await loadModel(path)).info.styles).toEqual(STYLES);
  });

  it('a model without styles has none, and says none', async () => {
    const plain = await loadModel(SMALL_MODEL);
    expect(plain.artifact.styles).toEqual([]);
    expect(plain.artifact.config).toMatchObject({ numStyles: 0, styleDim: 0 });
    expect(plain.info.styles).toEqual([]);
    const unstyled = await loadArtifact(writeStyledModel(freshDir(), { styles: [] }));
    expect(unstyled.styles).toEqual([]);
    expect(unstyled.tensors.has('style_embedding.weight')).toBe(false);
    const zeros = writeStyledModel(freshDir(), { styles: [] });
    editJson(zeros, (d) => Object.assign(d.architecture, { num_styles: 0, style_dim: 0 }));
    expect((await loadArtifact(zeros)).config).toMatchObject({ numStyles: 0, styleDim: 0 });
  });

  type Doc = { styles?: unknown; architecture: Record<string, unknown> };
  const json = (edit: (d: Doc) => void) => (p: string) => editJson(p, (d) => edit(d as unknown as Doc));
  it.each<[string, (p: string) => void, RegExp]>([
    [
      'styles that do not start with any',
      json((d) => (d.styles = ['general', 'any', 'mystery', 'austen'])),
      /must start with 'any', not "general"/,
    ],
    [
      'fewer styles than num_styles',
      json((d) => (d.styles = ['any', 'general', 'mystery'])),
      /'styles' lists 3 styles but architecture.num_styles is 4/,
    ],
    ['styles that are not a list', json((d) => (d.styles = 'any')), /num_styles is 4 but 'styles' is not a list/],
    ['no styles list', json((d) => delete d.styles), /num_styles is 4 but 'styles' is not a list/],
    ['a repeated style', json((d) => (d.styles = ['any', 'general', 'general', 'austen'])), /must be distinct names/],
    [
      'a style that is not a name',
      json((d) => (d.styles = ['any', 'General', 'mystery', 'austen'])),
      /lower-case letters and dashes/,
    ],
    ['styles without num_styles', json((d) => delete d.architecture.num_styles), /both positive \(got 0 and 4\)/],
    ['num_styles without style_dim', json((d) => delete d.architecture.style_dim), /both positive \(got 4 and 0\)/],
    [
      'a num_styles that is not a count',
      json((d) => (d.architecture.num_styles = 2.5)),
      /architecture.num_styles must be a non-negative integer/,
    ],
    [
      'a style_dim that is not a count',
      json((d) => (d.architecture.style_dim = -1)),
      /architecture.style_dim must be a non-negative integer/,
    ],
    [
      'a style_dim that does not match the weights',
      json((d) => (d.architecture.style_dim = 5)),
      /style_embedding.weight has shape \[4,4\], expected \[4,5\]/,
    ],
    [
      'style weights of the wrong size',
      (p) => {
        editJson(p, (d) => Object.assign(d, { styles: [...STYLES, 'humor'] }));
        editJson(p, (d) => Object.assign(d.architecture, { num_styles: 5 }));
      },
      /style_embedding.weight has shape \[4,4\], expected \[5,4\]/,
    ],
    [
      'a layer 0 that does not take the style',
      (p) => editWeights(p, () => weightsWith({ 'lstm.weight_ih_l0': [96, 8] })),
      /lstm.weight_ih_l0 has shape \[96,8\], expected \[96,12\]/,
    ],
    [
      'no style embedding in the weights',
      (p) => editWeights(p, () => weightsWith({ 'style_embedding.weight': null })),
      /missing tensors \[style_embedding.weight\], unexpected tensors \[\]/,
    ],
  ])('%s: a clear error naming the file', async (_name, breakIt, message) => {
    const broken = writeStyledModel(freshDir());
    breakIt(broken);
    const error = await loadArtifact(broken).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArtifactError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(broken.replace(/\.json$/, ''));
  });

  it('a model without styles whose weights hold a style embedding is refused', async () => {
    const p = writeStyledModel(freshDir());
    json((d) => {
      delete d.styles;
      delete d.architecture.num_styles;
      delete d.architecture.style_dim;
    })(p);
    await expect(loadArtifact(p)).rejects.toThrow(/unexpected tensors \[style_embedding.weight\]/);
  });
});

/** The styled model's tensors with some replaced by zeros of another shape (or left out: null), as safetensors. */
function weightsWith(changes: Record<string, number[] | null>): Buffer {
  const H = 24,
    V = TEST_VOCAB.length;
  const shapes: Record<string, number[]> = {
    'embedding.weight': [V, 8],
    'style_embedding.weight': [4, 4],
    'lstm.weight_ih_l0': [4 * H, 12],
    'lstm.weight_hh_l0': [4 * H, H],
    'lstm.bias_ih_l0': [4 * H],
    'lstm.bias_hh_l0': [4 * H],
    'lstm.weight_ih_l1': [4 * H, H],
    'lstm.weight_hh_l1': [4 * H, H],
    'lstm.bias_ih_l1': [4 * H],
    'lstm.bias_hh_l1': [4 * H],
    'head.weight': [V, H],
    'head.bias': [V],
  };
  const tensors: [string, number[], Float32Array][] = [];
  for (const [name, shape] of Object.entries({ ...shapes, ...changes })) {
    if (shape) tensors.push([name, shape, new Float32Array(shape.reduce((a, d) => a * d, 1))]);
  }
  return safetensorsBytes(tensors);
}

describe('generating in a style', () => {
  let engine: Engine;
  let fresh: Engine;
  beforeAll(async () => {
    const path = writeStyledModel(freshDir());
    [engine, fresh] = await Promise.all([loadModel(path, 4), loadModel(path, 4)]);
  });

  it("layer 0 gets the style at every step: the logits are PyTorch's equations' (concat input) within 1e-4", () => {
    // Short: random weights this large are chaotic, and float32 rounding grows by some 3x a character.
    const prompt = 'The old ';
    const ids = engine.encode(prompt);
    const worst = (want: number[], got: Float32Array) => Math.max(...want.map((v, i) => Math.abs(v - got[i])));
    for (const [s, name] of STYLES.entries()) {
      const want = reference(engine.artifact, ids, s);
      const got = engine.logitsAfter(prompt, name);
      expect(got.length).toBe(want.length);
      expect(worst(want, got)).toBeLessThan(1e-4);
      // Another style's reference is far off: the check tells styles apart.
      expect(worst(reference(engine.artifact, ids, (s + 1) % STYLES.length), got)).toBeGreaterThan(0.1);
    }
  });

  it('different styles give different logits and different text', async () => {
    const logits = STYLES.map((s) => engine.logitsAfter(PROMPT, s));
    for (let a = 0; a < STYLES.length; a++) {
      for (let b = a + 1; b < STYLES.length; b++) expect(logits[a]).not.toEqual(logits[b]);
    }
    const lines = await engine.generate(STYLES.map((style) => ({ prompt: PROMPT, options: greedy, style })));
    expect(new Set(lines.map((l) => l.text)).size).toBe(STYLES.length);
    expect(lines.map((l) => l.style)).toEqual(STYLES);
  });

  it("'any' is style 0, what a request without a style gets (and says nothing of)", async () => {
    expect(engine.logitsAfter(PROMPT, 'any')).toEqual(engine.logitsAfter(PROMPT));
    const [any, none] = await engine.generate([
      { prompt: PROMPT, options: greedy, style: 'any' },
      { prompt: PROMPT, options: greedy },
    ]);
    expect(any).toEqual({ ...none, style: 'any' });
    expect(none).not.toHaveProperty('style');
  });

  it('a style the model does not have writes with none, and says null', async () => {
    expect(engine.styleOf('romance')).toEqual({ id: 0, said: null });
    const [unknown, none] = await engine.generate([
      { prompt: PROMPT, options: greedy, style: 'romance' },
      { prompt: PROMPT, options: greedy },
    ]);
    expect(unknown).toEqual({ ...none, style: null });
  });

  it('a batch that mixes styles (and candidates) gives each job what it gets alone', async () => {
    const jobs: GenerationRequest[] = [
      { prompt: PROMPT, options: sampled(11), style: 'mystery', candidates: 3 },
      { prompt: 'She opened the door. ', options: greedy, style: 'austen' },
      { prompt: PROMPT, options: sampled(11), style: 'general', candidates: 2 },
      { prompt: PROMPT, options: sampled(11) },
      { prompt: 'Nobody knew. ', options: sampled(12), style: 'nope' },
    ];
    const together = await engine.generateCandidates(jobs);
    for (const [k, job] of jobs.entries()) expect(together[k]).toEqual((await fresh.generateCandidates([job]))[0]);
    // The same prompt and seed in three styles: three different lines.
    expect(new Set([together[0][0].text, together[2][0].text, together[3][0].text]).size).toBe(3);
  });

  it("a job's candidates share its style: each is a one-line request's line with its seed, in that style", async () => {
    const job = { prompt: PROMPT, options: sampled(21), style: 'austen', candidates: 4 };
    const [candidates] = await engine.generateCandidates([job]);
    expect(candidates.map((c) => c.style)).toEqual(Array(4).fill('austen'));
    expect(candidates.map((c) => c.seed)).toEqual([0, 1, 2, 3].map((i) => candidateSeed(21, i)));
    const alone = await fresh.generate(
      candidates.map((c) => ({ prompt: PROMPT, options: sampled(c.seed), style: 'austen' })),
    );
    expect(alone).toEqual(candidates.map(({ text, stop, style }) => ({ text, stop, style })));
  });

  it('refuses a state whose style id the model does not have', () => {
    const runtime = (engine as unknown as { runtime: { newState(s: number): unknown } }).runtime;
    expect(() => runtime.newState(4)).toThrow(RangeError);
    expect(() => runtime.newState(-1)).toThrow(RangeError);
  });
});

describe('the story cache and styles', () => {
  let engine: Engine;
  let fresh: Engine;
  beforeAll(async () => {
    const path = writeStyledModel(freshDir());
    [engine, fresh] = await Promise.all([loadModel(path), loadModel(path)]);
  });

  it('reuses a story state only in the style it was primed in', async () => {
    let story = PROMPT;
    const turn = async (style: string | undefined, seed: number) => {
      const job = { prompt: story, options: sampled(seed), style, cacheKey: 'story-s' };
      const [hits, misses] = [engine.cache.hits, engine.cache.misses];
      const [got] = await engine.generate([job]);
      const [want] = await fresh.generate([{ ...job, cacheKey: undefined }]);
      expect(got).toEqual(want);
      story += `${got.text} `;
      return { hit: engine.cache.hits - hits, miss: engine.cache.misses - misses };
    };
    expect(await turn('mystery', 1)).toEqual({ hit: 0, miss: 1 });
    expect(await turn('mystery', 2)).toEqual({ hit: 1, miss: 0 });
    // The same story in another style: its text is a prefix of the cached ids, but the state is not that style's.
    expect(await turn('austen', 3)).toEqual({ hit: 0, miss: 1 });
    expect(await turn('austen', 4)).toEqual({ hit: 1, miss: 0 });
    // No style is style 0, `any`; an unknown style too: neither reuses austen's state, and they share theirs.
    expect(await turn(undefined, 5)).toEqual({ hit: 0, miss: 1 });
    expect(await turn('any', 6)).toEqual({ hit: 1, miss: 0 });
    expect(await turn('nope', 7)).toEqual({ hit: 1, miss: 0 });
  });

  it('a job with candidates leaves states in its style only', async () => {
    const job = { prompt: PROMPT, options: sampled(31), style: 'general', candidates: 3, cacheKey: 'story-c' };
    const [candidates] = await engine.generateCandidates([job]);
    const next = `${PROMPT}${candidates[1].text} `;
    const misses = engine.cache.misses;
    const [other] = await engine.generate([
      { prompt: next, options: sampled(32), style: 'mystery', cacheKey: 'story-c' },
    ]);
    expect(engine.cache.misses).toBe(misses + 1);
    expect(other).toEqual((await fresh.generate([{ prompt: next, options: sampled(32), style: 'mystery' }]))[0]);
  });
});

describe('a model without styles', () => {
  it('generates exactly as before whatever style is asked, and says null', async () => {
    const engine = await loadModel(SMALL_MODEL);
    const jobs = ['austen', 'any', undefined].map((style) => ({ prompt: PROMPT, options: sampled(3), style }));
    const [austen, any, none] = await engine.generate(jobs);
    expect(none).not.toHaveProperty('style');
    expect(austen).toEqual({ ...none, style: null });
    expect(any).toEqual({ ...none, style: null });
    expect(engine.logitsAfter(PROMPT, 'austen')).toEqual(engine.logitsAfter(PROMPT));
  });
});
