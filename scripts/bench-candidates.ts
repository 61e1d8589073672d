/**
 * The cost of candidate lines on the TypeScript engine: one job asking for N candidates (one priming, N streams
 * in lockstep) against one job asking for one line, for a story of about 1,500 characters and a 280-character
 * line (stop rule "none", so every stream writes all 280; temperature 0.8, top_p 0.95, as the bot asks). Two
 * cases: cold (the worker has not seen the story: the whole prompt primes) and warm (it wrote the story's
 * previous line, so the story cache leaves two characters to prime: the usual "continue"). Medians of --repeats
 * runs, alternating one line and N candidates. `python -m colab.tools.bench_worker --candidates 3` measures the
 * Python worker the same way.
 *
 * Usage: npm run bench:candidates -- [--model small] [--candidates 3] [--story-chars 1500] [--chars 280] [--repeats 7]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Engine, GenerationRequest } from '../src/model/engine.ts';
import { loadModel, resolveModel } from '../src/model/models.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'small' },
    candidates: { type: 'string', default: '3' },
    'story-chars': { type: 'string', default: '1500' },
    chars: { type: 'string', default: '280' },
    repeats: { type: 'string', default: '7' },
  },
});
const n = Number(values.candidates);
const storyChars = Number(values['story-chars']);
const chars = Number(values.chars);
const repeats = Number(values.repeats);

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The first `storyChars` characters of the corpus, cut back to the end of a sentence. */
function story(): string {
  const text = readFileSync(new URL('../colab/data/brown-fiction.txt', import.meta.url), 'utf8').slice(0, storyChars);
  const end = text.lastIndexOf('. ');
  return `${end > 0 ? text.slice(0, end + 1) : text} `;
}

const engine: Engine = await loadModel(resolveModel(values.model!), 64);
const options = { temperature: 0.8, topP: 0.95, maxChars: chars, stop: 'none' as const, seed: 1 };
const prompt = story();
const asking = (p: string, candidates: number, cacheKey?: string): GenerationRequest => ({
  prompt: p,
  options,
  candidates,
  cacheKey,
});
// The warm story: its previous line written by this engine, so the cache holds the state after it.
const [[previous]] = await engine.generateCandidates([asking(prompt, 1)]);
const warmPrompt = `${prompt}${previous.text} `;

/** Seconds for one job of `candidates` lines; warm first restores the cache to "just wrote the previous line". */
async function once(candidates: number, warm: boolean): Promise<number> {
  if (warm) await engine.generateCandidates([asking(prompt, 1, 'story')]);
  const primed = engine.primedChars;
  const started = performance.now();
  await engine.generateCandidates([asking(warm ? warmPrompt : prompt, candidates, warm ? 'story' : undefined)]);
  const seconds = (performance.now() - started) / 1000;
  if (warm && engine.primedChars - primed > 2) throw new Error('the warm case missed the story cache');
  return seconds;
}

console.log(
  `TypeScript engine, model ${engine.info.name} (${(engine.info.parameters / 1e6).toFixed(2)}M parameters); ` +
    `a ${prompt.length}-char story, ${chars}-char lines (stop "none"), ${n} candidates; median of ${repeats}`,
);
await once(1, false); // warm-up
for (const warm of [false, true]) {
  const one: number[] = [];
  const many: number[] = [];
  for (let r = 0; r < repeats; r++) {
    one.push(await once(1, warm));
    many.push(await once(n, warm));
  }
  const [a, b] = [median(one), median(many)];
  const label = warm ? 'warm (story cache: 2 chars to prime)' : `cold (${prompt.length} chars to prime)`;
  console.log(
    `  ${label.padEnd(38)} 1 line ${(a * 1000).toFixed(0)} ms, ${n} candidates ${(b * 1000).toFixed(0)} ms: ` +
      `${(b / a).toFixed(2)}x`,
  );
}
