/**
 * PyTorch and the TypeScript engine on a model with styles (issue 19): colab/tools/make_test_model.py writes a
 * tiny model of fixed random weights and torch's reference outputs for each style; this engine loads the same
 * files and must give the same logits (within 1e-4), greedy and sampled text in every style, a batch that mixes
 * them, and a worker's candidates with a style per job. Both engines read one another's styled artifacts, and a
 * model without styles still agrees.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/model/engine.ts';
import { loadModel } from '../../src/model/models.ts';
import type { SamplingOptions, StopRule } from '../../src/model/sampler.ts';
import { writeStyledModel } from '../helpers/models.ts';
import { runPython } from '../helpers/python.ts';

interface WireOptions {
  temperature: number;
  top_k: number;
  top_p: number;
  max_chars: number;
  stop: StopRule;
  seed: number;
}

interface Line {
  text: string;
  stop: string;
}

/** What make_test_model writes in `<name>.reference.json`. */
interface Reference {
  weights_sha256: string;
  styles: string[];
  prompt: string;
  greedy_options: WireOptions;
  sampled_options: WireOptions;
  cases: { style: string | null; style_id: number | null; logits: number[]; greedy: Line; sampled: Line }[];
  mixed_batch: (Line & { style: string | null })[];
}

function options(o: WireOptions): Partial<SamplingOptions> {
  return {
    temperature: o.temperature,
    topK: o.top_k,
    topP: o.top_p,
    maxChars: o.max_chars,
    stop: o.stop,
    seed: o.seed,
  };
}

/** Writes a test model and its torch reference with make_test_model; returns the loaded engine and reference. */
async function made(dir: string, name: string, styled: boolean): Promise<{ engine: Engine; ref: Reference }> {
  await runPython('colab.tools.make_test_model', ['--out', dir, '--name', name, ...(styled ? ['--styles'] : [])]);
  const ref = JSON.parse(readFileSync(join(dir, `${name}.reference.json`), 'utf8')) as Reference;
  return { engine: await loadModel(join(dir, `${name}.json`)), ref };
}

const worst = (want: number[], got: Float32Array) => Math.max(...want.map((v, i) => Math.abs(v - got[i])));

describe('parity between PyTorch and the TypeScript engine (a model with styles)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'storyloom-parity-styles-'));
  let engine: Engine;
  let ref: Reference;
  beforeAll(async () => {
    ({ engine, ref } = await made(dir, 'tiny-styled', true));
  });

  it('loads the same weights and styles', () => {
    expect(engine.info.sha256).toBe(ref.weights_sha256);
    expect(engine.info.styles).toEqual(ref.styles);
    expect(ref.styles[0]).toBe('any');
    expect(ref.cases.map((c) => c.style)).toEqual(ref.styles);
  });

  it('the logits after priming agree within 1e-4 in every style', () => {
    for (const c of ref.cases) {
      const got = engine.logitsAfter(ref.prompt, c.style!);
      expect(got.length).toBe(c.logits.length);
      expect(worst(c.logits, got)).toBeLessThan(1e-4);
    }
    // The styles really differ: no style's logits are another's.
    expect(worst(ref.cases[0].logits, engine.logitsAfter(ref.prompt, ref.styles[1]))).toBeGreaterThan(1e-2);
  });

  it('greedy and sampled text agree in every style, each alone', async () => {
    for (const c of ref.cases) {
      const [greedy, sampled] = await engine.generate([
        { prompt: ref.prompt, options: options(ref.greedy_options), style: c.style! },
        { prompt: ref.prompt, options: options(ref.sampled_options), style: c.style! },
      ]);
      expect(greedy).toEqual({ ...c.greedy, style: c.style });
      expect(sampled).toEqual({ ...c.sampled, style: c.style });
    }
  });

  it('a batch that mixes every style gives what torch gives', async () => {
    const got = await engine.generate(
      ref.mixed_batch.map((m) => ({ prompt: ref.prompt, options: options(ref.sampled_options), style: m.style! })),
    );
    expect(got).toEqual(ref.mixed_batch);
  });

  it("a worker's batch: candidates, a style per job, one the model lacks, and none", async () => {
    const cases = [
      { prompt: 'She opened the door and ', style: 'austen', candidates: 3, seed: 500 },
      { prompt: 'The sea was ', style: 'melville', candidates: 1, seed: 501 },
      { prompt: 'The sea was ', style: 'romance', candidates: 2, seed: 502 },
      { prompt: 'Nobody knew ', candidates: 2, seed: 503 },
      { prompt: 'Nobody knew ', style: 'general', candidates: 2, seed: 503 },
    ].map(({ seed, ...c }) => ({
      ...c,
      options: { temperature: 0.9, top_p: 0.95, max_chars: 60, stop: 'sentence', seed },
    }));
    const file = join(dir, 'cases.json');
    writeFileSync(file, JSON.stringify(cases));
    const out = await runPython('colab.tools.generate', [
      '--model',
      join(dir, 'tiny-styled.json'),
      '--cases',
      file,
      '--json',
    ]);
    const torch = (JSON.parse(out) as { candidates: (Line & { seed: number })[] }[]).map((t) => t.candidates);
    const ts = await engine.generateCandidates(
      cases.map((c) => ({
        prompt: c.prompt,
        options: { temperature: 0.9, topP: 0.95, maxChars: 60, stop: 'sentence' as const, seed: c.options.seed },
        candidates: c.candidates,
        style: c.style,
      })),
    );
    expect(ts.map((job) => job.map(({ text, stop, seed }) => ({ text, stop, seed })))).toEqual(torch);
    expect(ts.map((job) => job[0].style)).toEqual(['austen', 'melville', null, undefined, 'general']);
  });

  it("torch reads this engine's styled artifacts the same way (the format, both ways)", async () => {
    const path = writeStyledModel(join(dir, 'ts'), { scale: 0.5 });
    const ts = await loadModel(path);
    const prompt = 'The lighthouse keeper climbed the stairs. ';
    const out = await runPython('colab.tools.generate', ['--model', path, '--logits', '--style', 'mystery', prompt]);
    expect(worst(JSON.parse(out) as number[], ts.logitsAfter(prompt, 'mystery'))).toBeLessThan(1e-4);
  });
});

describe('parity between PyTorch and the TypeScript engine (a model without styles, made the same way)', () => {
  it('the same logits and text, and a style asked of it writes with none', async () => {
    const { engine, ref } = await made(mkdtempSync(join(tmpdir(), 'storyloom-parity-plain-')), 'tiny-plain', false);
    expect(engine.info.styles).toEqual([]);
    expect(ref.cases.map((c) => c.style)).toEqual([null]);
    const [c] = ref.cases;
    expect(worst(c.logits, engine.logitsAfter(ref.prompt))).toBeLessThan(1e-4);
    const [greedy, sampled, asked] = await engine.generate([
      { prompt: ref.prompt, options: options(ref.greedy_options) },
      { prompt: ref.prompt, options: options(ref.sampled_options) },
      { prompt: ref.prompt, options: options(ref.sampled_options), style: 'austen' },
    ]);
    expect([greedy, sampled]).toEqual([c.greedy, c.sampled]);
    expect(asked).toEqual({ ...c.sampled, style: null });
  });
});
