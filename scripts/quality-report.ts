/**
 * A model's quality report: its validation loss (from the artifact), the real-word
 * rate (the share of generated words, at temperature 0.8, that occur in the
 * training corpus's vocabulary), and sample lines.
 *
 * Usage: npm run quality -- [--model small] [--samples 60] [--chars 280]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadModel } from '../src/model/models.ts';

const SEEDS = [
  'The old house ',
  'She opened the door and ',
  '"Where are you going?" he asked. ',
  'It was a dark night, ',
  'Nobody in the village knew ',
  'The detective looked at ',
  'When the ship landed on the new planet, ',
  'He had never seen ',
  'The letter arrived on a Tuesday. ',
  'They rode out at dawn ',
];
const WORD = /[a-z]+(?:'[a-z]+)?/g;

/** Lowercase words of a text. */
export function words(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'small' },
    samples: { type: 'string', default: '60' },
    chars: { type: 'string', default: '280' },
  },
});
const engine = await loadModel(values.model!);
const doc = engine.artifact.doc as {
  metrics?: { val_loss?: number };
  training?: { device?: string; minutes?: number };
  corpus?: { path?: string };
};
const vocabulary = new Set(words(readFileSync(new URL('../colab/data/brown-fiction.txt', import.meta.url), 'utf8')));
const n = Number(values.samples);
const requests = Array.from({ length: n }, (_, i) => ({
  prompt: SEEDS[i % SEEDS.length],
  options: { temperature: 0.8, maxChars: Number(values.chars), stop: 'none' as const, seed: 1000 + i },
}));
const results = await engine.generate(requests);
// The first word may finish the seed's; count whole words only.
const generated = results.flatMap((r) => words(r.text).slice(1, -1));
const real = generated.filter((w) => vocabulary.has(w)).length;
console.log(
  `model ${engine.info.name}: ${(engine.info.parameters / 1e6).toFixed(2)}M parameters, ` +
    `trained on ${doc.training?.device ?? '?'} for ${doc.training?.minutes ?? '?'} min`,
);
console.log(
  `validation loss: ${doc.metrics?.val_loss ?? '?'} nats/char ` +
    `(${((doc.metrics?.val_loss ?? NaN) / Math.LN2).toFixed(3)} bits/char)`,
);
console.log(
  `real-word rate at temperature 0.8: ${((100 * real) / generated.length).toFixed(1)}% of ${generated.length} words ` +
    `in ${n} samples are in the corpus vocabulary (${vocabulary.size} words)`,
);
console.log('samples (temperature 0.8, sentence stop):');
const samples = await engine.generate(
  SEEDS.slice(0, 5).map((prompt, i) => ({ prompt, options: { temperature: 0.8, seed: 7 + i } })),
);
samples.forEach((s, i) => {
  console.log(`  ${SEEDS[i]}${s.text.trim()}`);
});
