import { beforeAll, describe, expect, it } from 'vitest';
import vectors from '../../contract/sampling/vectors.json' with { type: 'json' };
import type { Engine } from '../../src/model/engine.ts';
import { loadModel } from '../../src/model/models.ts';
import { hash32, uniform } from '../../src/model/rng.ts';
import { checkSampling, chooseNext, filterProbs, StopTracker } from '../../src/model/sampler.ts';
import { tinyModel } from '../helpers/models.ts';

describe('random draws (shared vectors)', () => {
  it.each(vectors.rng.map((r) => [r.seed, r.step, r] as const))('seed %i step %i', (_s, _t, r) => {
    expect(hash32(r.seed)).toBe(r.hash32);
    expect(uniform(r.seed, r.step)).toBe(r.u);
  });
});

describe('sampler choices (shared vectors)', () => {
  const logits = vectors.logits as Record<string, number[]>;
  it.each(vectors.cases.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    const o = checkSampling({ temperature: c.temperature, topK: c.top_k, topP: c.top_p, seed: c.seed });
    const kept = [...filterProbs(logits[c.logits], o).keys()].filter((i) => filterProbs(logits[c.logits], o)[i] > 0);
    expect(kept).toEqual(c.kept);
    expect(chooseNext(logits[c.logits], o, c.step)).toBe(c.expected);
  });
});

describe('options', () => {
  it.each([
    [{ temperature: -1 }, /temperature/],
    [{ temperature: 6 }, /temperature/],
    [{ topK: 1.5 }, /topK/],
    [{ topP: 0 }, /topP/],
    [{ maxChars: 0 }, /maxChars/],
    [{ minChars: 999 }, /minChars/],
    [{ stop: 'word' as never }, /stop/],
    [{ seed: -1 }, /seed/],
    [{ seed: 2 ** 32 }, /seed/],
    [{ temperature: NaN }, /temperature/],
  ])('rejects %o', (options, message) => {
    expect(() => checkSampling(options)).toThrow(message);
  });
});

describe('stop rules', () => {
  function run(text: string, options: Parameters<typeof checkSampling>[0]): string {
    const tracker = new StopTracker(checkSampling(options));
    let out = '';
    for (const ch of text) {
      const { stop, keep } = tracker.step(ch, out.length);
      if (keep) out += ch;
      if (stop) break;
    }
    return out;
  }
  const text = 'He ran. "Why?" she asked. The end came at last.\nNext paragraph here.';

  it('sentence: stops at a space after . ! or ? (and closing quotes) once minChars is reached', () => {
    expect(run(text, { stop: 'sentence', minChars: 0 })).toBe('He ran.');
    expect(run(text, { stop: 'sentence', minChars: 9 })).toBe('He ran. "Why?"');
    expect(run(text, { stop: 'sentence', minChars: 20 })).toBe('He ran. "Why?" she asked.');
  });
  it('sentence: a newline ends it too', () => {
    expect(run('no stop here\nmore', { stop: 'sentence', minChars: 5 })).toBe('no stop here');
  });
  it('line: stops at the newline', () => {
    expect(run(text, { stop: 'line' })).toBe('He ran. "Why?" she asked. The end came at last.');
  });
  it('none: runs to maxChars', () => {
    expect(run(text, { stop: 'none', maxChars: 30, minChars: 0 })).toBe(text.slice(0, 30));
  });
  it('every rule stops at maxChars', () => {
    expect(run(text, { stop: 'line', maxChars: 5, minChars: 0 })).toBe('He ra');
  });
});

describe('sampling with a model', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await loadModel(await tinyModel());
  });
  const prompt = 'The old house ';
  const gen = async (options: Parameters<typeof checkSampling>[0]) =>
    (await engine.generate([{ prompt, options: { maxChars: 120, stop: 'none', ...options } }]))[0].text;

  it('temperature 0 is greedy, and temperature near 0 and top-k 1 agree with it', async () => {
    const greedy = await gen({ temperature: 0 });
    expect(await gen({ temperature: 1e-4, seed: 5 })).toBe(greedy);
    expect(await gen({ temperature: 0.9, topK: 1, seed: 6 })).toBe(greedy);
  });
  it('a fixed seed reproduces its output, and another seed differs', async () => {
    const a = await gen({ temperature: 1, seed: 42 });
    expect(await gen({ temperature: 1, seed: 42 })).toBe(a);
    expect(await gen({ temperature: 1, seed: 43 })).not.toBe(a);
  });
  it('a stream gives the same text alone and in a batch', async () => {
    const alone = await gen({ temperature: 0.8, seed: 9 });
    const batch = await engine.generate([
      { prompt: 'Short', options: { maxChars: 50, seed: 1 } },
      { prompt, options: { maxChars: 120, stop: 'none', temperature: 0.8, seed: 9 } },
      {
        prompt: 'A much longer prompt that primes for many more steps than the others do.',
        options: { maxChars: 200, seed: 2 },
      },
    ]);
    expect(batch[1].text).toBe(alone);
  });
  it('reports why each stream stopped', async () => {
    const [capped] = await engine.generate([{ prompt, options: { maxChars: 7, stop: 'none' } }]);
    expect(capped).toEqual({ text: expect.any(String), stop: 'max_chars' });
    expect(capped.text).toHaveLength(7);
  });
  it('no input character breaks sampling', async () => {
    const nasty = `\u0000\u202e\u05e9\u{1F600}Z\u0334a\ud800${'x'.repeat(3000)}`;
    const [result] = await engine.generate([{ prompt: nasty, options: { maxChars: 20 } }]);
    expect(typeof result.text).toBe('string');
  });
});
