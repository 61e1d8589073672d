/**
 * The CPU engine benchmark: TypeScript (this engine) against PyTorch on the CPU
 * (Debian's torch, 1 thread), at batch 1, on the same model, in one run.
 *
 * Usage: npm run bench:engine -- [--model small] [--chars 2000] [--repeats 5]
 * Prints characters per second for each and the ratio TypeScript / best torch.
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { loadModel, resolveModel } from '../src/model/models.ts';

const PROMPT = 'The old house stood at the end of the lane, ';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'small' },
    chars: { type: 'string', default: '2000' },
    repeats: { type: 'string', default: '5' },
  },
});
const model = resolveModel(values.model!);
const chars = Number(values.chars),
  repeats = Number(values.repeats);

const engine = await loadModel(model, 1);
const options = { temperature: 0.8, maxChars: chars, stop: 'none' as const, seed: 1 };
await engine.generate([{ prompt: PROMPT, options }]);
const runs: number[] = [];
for (let i = 0; i < repeats; i++) {
  const t = performance.now();
  await engine.generate([{ prompt: PROMPT, options }]);
  runs.push((performance.now() - t) / 1000);
}
const ts = median(runs);

const torchOut = execFileSync(
  '/usr/bin/python3',
  ['-m', 'colab.tools.bench_engine', '--model', model, '--chars', String(chars), '--repeats', String(repeats)],
  { encoding: 'utf8' },
);
const torch = JSON.parse(torchOut) as { torch: string; threads: number; storyloom_s: number; plain_s: number };
const best = Math.min(torch.storyloom_s, torch.plain_s);
const cps = (s: number) => Math.round(chars / s);
console.log(
  `model ${engine.info.name} (${(engine.info.parameters / 1e6).toFixed(2)}M parameters), ` +
    `batch 1, ${chars} chars, median of ${repeats}`,
);
console.log(`  TypeScript engine (WASM SIMD)        ${cps(ts)} chars/s`);
console.log(`  torch ${torch.torch}, ${torch.threads} thread, storyloom sampler ${cps(torch.storyloom_s)} chars/s`);
console.log(`  torch ${torch.torch}, ${torch.threads} thread, plain loop        ${cps(torch.plain_s)} chars/s`);
console.log(`  ratio TypeScript / best torch: ${(best / ts).toFixed(2)}x`);
