/**
 * `npm run generate -- "<seed>" [--model small] [--temperature 0.8] [--max-chars 280]
 *  [--seed 1] [--top-k 0] [--top-p 1] [--stop sentence|line|none] [--json]`
 *
 * Prints the model's continuation of the seed text. `--model` takes a shipped
 * model's name (colab/models/<name>.json) or a path to an artifact.
 */
import { existsSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ArtifactError } from './artifact.ts';
import { Engine } from './engine.ts';
import { resolveModel } from './models.ts';
import { STOP_RULES, type StopRule } from './sampler.ts';

const USAGE = `usage: npm run generate -- "<seed>" [--model small] [--temperature 0.8] [--max-chars 280]
       [--seed N] [--top-k K] [--top-p P] [--min-chars 40] [--stop ${STOP_RULES.join('|')}] [--raw] [--json]`;

function number(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new RangeError(`--${name} must be a number, not "${value}"`);
  return n;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      model: { type: 'string', default: 'small' }, temperature: { type: 'string' }, 'max-chars': { type: 'string' },
      'min-chars': { type: 'string' }, seed: { type: 'string' }, 'top-k': { type: 'string' }, 'top-p': { type: 'string' },
      stop: { type: 'string', default: 'sentence' }, raw: { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean' },
    },
  });
  if (values.help || positionals.length !== 1) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const path = resolveModel(values.model!);
  if (!existsSync(path)) throw new ArtifactError(`no model at ${path}`);
  const engine = await Engine.load(path, 1);
  const seedText = positionals[0];
  // A trailing space makes the model start a new word instead of finishing the seed's last one.
  const prompt = values.raw || /\s$/.test(seedText) ? seedText : `${seedText} `;
  const options = {
    temperature: number('temperature', values.temperature, 0.8), maxChars: number('max-chars', values['max-chars'], 280),
    minChars: number('min-chars', values['min-chars'], 40), seed: number('seed', values.seed, randomInt(0, 2 ** 32)),
    topK: number('top-k', values['top-k'], 0), topP: number('top-p', values['top-p'], 1), stop: values.stop as StopRule,
  };
  const started = performance.now();
  const [result] = await engine.generate([{ prompt, options }]);
  const ms = Math.round(performance.now() - started);
  if (values.json) console.log(JSON.stringify({ model: engine.info.name, seed: options.seed, ...result, ms }));
  else console.log(result.text.trim());
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    console.error(`storyloom generate: ${error instanceof ArtifactError || error instanceof RangeError ? error.message : error.stack}`);
    process.exitCode = 1;
  },
);
