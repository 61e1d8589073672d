/**
 * PyTorch and the TypeScript engine on the shipped model: the same logits (within
 * 1e-4), the same greedy text for 200 characters from 5 seeds, and the same
 * sampled text for a fixed seed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/model/engine.ts';
import { loadModel } from '../../src/model/models.ts';
import { SMALL_MODEL } from '../helpers/models.ts';
import { runPython } from '../helpers/python.ts';

const SEEDS = [
  'The old house ',
  'She opened the door and ',
  '"Where are you going?" he asked. ',
  'It was a dark night, ',
  'Nobody in the village knew ',
];

async function pythonGenerate(model: string, cases: { prompt: string; options: Record<string, unknown> }[]) {
  const file = join(mkdtempSync(join(tmpdir(), 'storyloom-parity-')), 'cases.json');
  writeFileSync(file, JSON.stringify(cases));
  const out = await runPython('colab.tools.generate', ['--model', model, '--cases', file, '--json']);
  return JSON.parse(out) as { text: string; stop: string }[];
}

describe('parity between PyTorch and the TypeScript engine (shipped model)', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await loadModel(SMALL_MODEL);
  });

  it('logits agree within 1e-4 after a fixed input', async () => {
    const prompt = 'The lighthouse keeper climbed the stairs, counting each one. ';
    const out = await runPython('colab.tools.generate', ['--model', SMALL_MODEL, '--logits', prompt]);
    const torch = JSON.parse(out) as number[];
    const ts = engine.logitsAfter(prompt);
    expect(ts.length).toBe(torch.length);
    const worst = Math.max(...torch.map((v, i) => Math.abs(v - ts[i])));
    expect(worst).toBeLessThan(1e-4);
  });

  it('greedy decoding gives the same first 200 characters for 5 seeds', async () => {
    const options = { temperature: 0, max_chars: 200, stop: 'none' };
    const torch = await pythonGenerate(
      SMALL_MODEL,
      SEEDS.map((prompt) => ({ prompt, options })),
    );
    const greedy = { temperature: 0, maxChars: 200, stop: 'none' as const };
    const ts = await engine.generate(SEEDS.map((prompt) => ({ prompt, options: greedy })));
    ts.forEach((r, i) => {
      expect(r.text).toBe(torch[i].text);
    });
    for (const r of ts) expect(r.text).toHaveLength(200);
  });

  it('sampling with a fixed seed gives the same text in both', async () => {
    const cases = SEEDS.slice(0, 3).map((prompt, i) => ({
      prompt,
      options: { temperature: 0.8, top_k: 40, top_p: 0.95, seed: 100 + i },
    }));
    const torch = await pythonGenerate(SMALL_MODEL, cases);
    const ts = await engine.generate(
      cases.map(({ prompt, options }) => ({
        prompt,
        options: { temperature: 0.8, topK: 40, topP: 0.95, seed: options.seed },
      })),
    );
    expect(ts).toEqual(torch);
  });
});
