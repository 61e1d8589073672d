/**
 * Candidate lines on the CPU engine: the shared vectors in contract/sampling/candidates.json (the same texts torch
 * makes: colab/tests/sampling/test_candidates.py checks them too), candidates that differ, each one reproduced alone
 * from its seed, one candidate exactly today's line, and the story cache after a job with several.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import vectors from '../../contract/sampling/candidates.json' with { type: 'json' };
import { MAX_CANDIDATES as PROTOCOL_MAX } from '../../src/jobs/protocol.ts';
import type { Engine, GenerationRequest } from '../../src/model/engine.ts';
import { loadModel } from '../../src/model/models.ts';
import { candidateSeed } from '../../src/model/rng.ts';
import { MAX_CANDIDATES } from '../../src/model/sampler.ts';
import { ROOT } from '../helpers/python.ts';

interface WireSampling {
  temperature: number;
  top_k: number;
  top_p: number;
  max_chars: number;
  min_chars: number | null;
  stop: 'sentence' | 'line' | 'none';
  seed: number;
}
type Case = (typeof vectors.batch)[number] & { sampling: WireSampling; candidates?: number };

function options(s: WireSampling, seed = s.seed) {
  const { temperature, top_k: topK, top_p: topP, max_chars: maxChars, min_chars, stop } = s;
  return { temperature, topK, topP, maxChars, minChars: min_chars ?? undefined, stop, seed };
}

function asked(c: Case, key?: string): GenerationRequest {
  return { prompt: c.prompt, options: options(c.sampling), candidates: c.candidates, cacheKey: key };
}

const cases = vectors.batch as Case[];

describe('candidate seeds (shared vectors)', () => {
  it.each(vectors.seeds.map((v) => [v.seed, v.i, v] as const))('seed %i, candidate %i', (_s, _i, v) => {
    expect(candidateSeed(v.seed, v.i)).toBe(v.candidate_seed);
  });

  it('candidate 0 keeps the seed; the others never repeat one another', () => {
    for (const seed of [0, 1, 7, 3141592653, 0xffffffff]) {
      const seeds = Array.from({ length: MAX_CANDIDATES }, (_, i) => candidateSeed(seed, i));
      expect(seeds[0]).toBe(seed);
      expect(new Set(seeds).size).toBe(MAX_CANDIDATES);
    }
  });

  it('the engine allows what the protocol allows, and refuses the rest', () => {
    expect(MAX_CANDIDATES).toBe(PROTOCOL_MAX);
  });
});

describe('candidate lines on the shipped model', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await loadModel(`${ROOT}${vectors.model}`);
  });

  it('one batch gives every candidate torch gives (shared vectors)', async () => {
    const got = await engine.generateCandidates(cases.map((c) => asked(c)));
    expect(got).toEqual(cases.map((c) => c.expected));
  });

  it('candidates differ from one another when sampling', async () => {
    for (const c of cases.filter((c) => (c.candidates ?? 1) > 1 && c.sampling.temperature > 0)) {
      const [got] = await engine.generateCandidates([asked(c)]);
      expect(new Set(got.map((g) => g.text)).size).toBe(got.length);
    }
  });

  it('each candidate is the line a one-line request with its seed gets', async () => {
    const c = cases.find((c) => c.candidates === MAX_CANDIDATES)!;
    const [got] = await engine.generateCandidates([asked(c)]);
    const alone = await engine.generate(got.map((g) => ({ prompt: c.prompt, options: options(c.sampling, g.seed) })));
    expect(alone).toEqual(got.map(({ text, stop }) => ({ text, stop })));
  });

  it('one candidate is exactly the line of a request that asks for none (and generate is candidate 0)', async () => {
    const plain = cases.find((c) => c.candidates === undefined)!;
    const [line] = await engine.generate([{ prompt: plain.prompt, options: options(plain.sampling) }]);
    expect([{ ...line, seed: plain.sampling.seed }]).toEqual(plain.expected);
    const [one] = await engine.generateCandidates([{ ...asked(plain), candidates: 1 }]);
    expect(one).toEqual(plain.expected);
    const many = cases.find((c) => (c.candidates ?? 1) > 1)!;
    const [first] = await engine.generate([asked(many)]);
    expect(first).toEqual({ text: many.expected[0].text, stop: many.expected[0].stop });
  });

  it('primes each prompt once and samples every candidate of every job in one lockstep', async () => {
    const counted = await loadModel(`${ROOT}${vectors.model}`);
    const runtime = (counted as unknown as { runtime: { step: (ids: number[], states: unknown[]) => Float32Array } })
      .runtime;
    const step = runtime.step.bind(runtime);
    const sizes: number[] = [];
    runtime.step = (ids, states) => {
      sizes.push(ids.length);
      return step(ids, states);
    };
    const many = cases.find((c) => c.candidates === 3)!;
    const plain = cases.find((c) => c.candidates === undefined)!;
    await counted.generateCandidates([asked(many), asked(plain)]);
    expect(counted.primedChars).toBe(counted.encode(many.prompt).length + counted.encode(plain.prompt).length);
    expect(Math.max(...sizes)).toBe(4);
  });

  it('refuses a number of candidates out of range', async () => {
    for (const n of [0, 9, 2.5]) {
      await expect(engine.generateCandidates([{ ...asked(cases[0]), candidates: n }])).rejects.toThrow(
        /candidates must be an integer from 1 to 5/,
      );
    }
  });

  it('the story cache keeps every candidate: whichever the story goes on with primes only its news', async () => {
    const fresh = await loadModel(`${ROOT}${vectors.model}`);
    const c = cases.find((c) => c.candidates === 3)!;
    const [got] = await engine.generateCandidates([asked(c, 'story-cands')]);
    for (const pick of [2, 0]) {
      const next = { ...c, prompt: `${c.prompt}${got[pick].text} `, candidates: 2 };
      const [hits, primed] = [engine.cache.hits, engine.primedChars];
      const [cached] = await engine.generateCandidates([asked(next, 'story-cands')]);
      const [reference] = await fresh.generateCandidates([asked(next)]);
      expect(cached).toEqual(reference);
      expect(engine.cache.hits).toBe(hits + 1);
      // From the picked candidate's own state: its last character (at max_chars) and the space, not its whole text.
      expect(engine.primedChars - primed).toBeLessThanOrEqual(2);
      // Back to the three first candidates' state for the next pick.
      await engine.generateCandidates([asked(c, 'story-cands')]);
    }
  });
});
