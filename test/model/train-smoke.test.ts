/** Training smoke test: a few steps on a small text, under 60 s, and both engines load the result and agree. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/model/models.ts';
import { trainTiny } from '../helpers/models.ts';
import { runPython } from '../helpers/python.ts';

describe('training smoke test', () => {
  it('trains for a few steps in under 60 s, and both engines load the result and agree', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'storyloom-train-'));
    const { path, seconds } = await trainTiny(dir, 'smoke', 20);
    expect(seconds).toBeLessThan(60);
    const doc = JSON.parse(readFileSync(path, 'utf8'));
    expect(doc.metrics.val_loss).toBeGreaterThan(0);
    expect(doc.training).toMatchObject({
      parameters: expect.any(Number),
      chars_seen: 20 * 8 * 32,
      device: expect.stringMatching(/^cpu/),
    });
    expect(doc.corpus.sha256).toMatch(/^[0-9a-f]{64}$/);
    const engine = await loadModel(path);
    const [ts] = await engine.generate([{ prompt: 'The ', options: { temperature: 0, maxChars: 60, stop: 'none' } }]);
    const args = ['--model', path, '--temperature', '0', '--max-chars', '60', '--stop', 'none', 'The '];
    const torch = (await runPython('colab.tools.generate', args)).replace(/\n$/, '');
    expect(ts.text).toBe(torch);
  }, 120_000);
});
