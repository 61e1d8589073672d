/**
 * `npm run generate -- "<opening>" [--model small] [--temperature 0.8] [--length 280] [--style austen] [--seed N]
 *  [--top-k 0] [--top-p 0.95] [--min-chars 40] [--stop sentence|line|none] [--raw] [--json]`
 *
 * Writes the line the chat would write after a story's opening, with /story's ranges, defaults and
 * messages (commands/story.ts), and prints it the way a story shows its lines: each line, then who wrote
 * it. `--seed` is the sampler's random seed (the same seed writes the same line); `--max-chars` is the
 * old name of `--length`; `--raw` sends the opening as it is, without the space the chat adds. `--model`
 * takes a shipped model's name (colab/models/<name>.json) or a path to an artifact. `--style` is /story's: a
 * model without that style writes in none, and the byline says so. Bad input exits 2.
 */
import { existsSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import { findCommand, type CommandDefinition } from '../../commands/index.ts';
import { LENGTH, MIN_CHARS, OPENING_MAX_CHARS, TEMPERATURE, TOP_P } from '../../commands/story.ts';
import { checkArgs } from '../core/options.ts';
import { storyText } from '../core/text.ts';
import { ArtifactError } from '../model/artifact.ts';
import { loadModel, resolveModel } from '../model/models.ts';
import { STOP_RULES, type SamplingOptions, type StopRule } from '../model/sampler.ts';
import { UserError } from '../stories/errors.ts';
import { runCli } from './run.ts';

const USAGE =
  `usage: npm run generate -- "<opening>" [--model small] [--temperature ${TEMPERATURE.default}] ` +
  `[--length ${LENGTH.default}] [--style any]\n       [--seed N] [--top-k K] [--top-p P] [--min-chars N] ` +
  `[--stop ${STOP_RULES.join('|')}] [--raw] [--json]`;

/** The options: /story's own (temperature, length), then the sampler's, with the ranges the worker takes. */
const GENERATE: CommandDefinition = {
  name: 'generate',
  description: 'The model writes the next line after an opening',
  scope: 'channel',
  options: [
    ...findCommand('story')!.options.filter((o) => ['temperature', 'length', 'style'].includes(o.name)),
    { name: 'seed', description: 'The random seed', type: 'integer', min: 0, max: 0xffffffff },
    { name: 'top-k', description: 'Only the k likeliest characters (0: all)', type: 'integer', min: 0, max: 1e5 },
    { name: 'top-p', description: 'Sample from the likeliest making up p', type: 'number', min: 0.01, max: 1 },
    { name: 'min-chars', description: 'The fewest characters before a stop', type: 'integer', min: 0, max: LENGTH.max },
    { name: 'stop', description: 'Where the line may end', type: 'string', choices: STOP_RULES },
  ],
};

/** What the command line asks for. */
interface Asked {
  opening: string;
  prompt: string;
  model: string;
  options: SamplingOptions;
  /** The style asked for (`any` and none: none). */
  style: string | undefined;
  json: boolean;
}

/** Reads the command line; throws a UserError (exit 2) for what the chat would refuse too. */
function read(argv: string[]): Asked {
  const string = { type: 'string' } as const;
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      model: { type: 'string', default: 'small' },
      temperature: string,
      length: string,
      'max-chars': string,
      'min-chars': string,
      seed: string,
      'top-k': string,
      'top-p': string,
      stop: string,
      style: string,
      raw: { type: 'boolean' },
      json: { type: 'boolean' },
    },
  });
  if (positionals.length > 1) throw new UserError('bad_option', 'Give one opening, in quotes.');
  const given = positionals[0] ?? '';
  if (!given.trim()) {
    throw new UserError('empty', 'Give the opening to continue, e.g. npm run generate -- "The lighthouse keeper"');
  }
  const opening = storyText(given, 'opening', OPENING_MAX_CHARS);
  const args = checkArgs(GENERATE, { ...values, length: values.length ?? values['max-chars'] });
  const maxChars = (args.length as number | undefined) ?? LENGTH.default;
  const minChars = (args['min-chars'] as number | undefined) ?? Math.min(MIN_CHARS, maxChars);
  if (minChars > maxChars) {
    throw new UserError('bad_option', `min-chars must not be more than length (${maxChars}), not ${minChars}.`);
  }
  const options: SamplingOptions = {
    temperature: (args.temperature as number | undefined) ?? TEMPERATURE.default,
    maxChars,
    minChars,
    seed: (args.seed as number | undefined) ?? randomInt(0, 2 ** 32),
    topK: (args['top-k'] as number | undefined) ?? 0,
    topP: (args['top-p'] as number | undefined) ?? TOP_P,
    stop: (args.stop as StopRule | undefined) ?? 'sentence',
  };
  // As in the chat, a trailing space makes the model start a new word instead of finishing the opening's last one.
  const prompt = values.raw ? given : `${opening} `;
  const style = args.style === 'any' ? undefined : (args.style as string | undefined);
  return { opening, prompt, model: values.model!, options, style, json: values.json ?? false };
}

/** Writes the line after the opening asked for; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const asked = read(argv);
  const path = resolveModel(asked.model);
  if (!existsSync(path)) throw new ArtifactError(`no model at ${path}`);
  const engine = await loadModel(path, 1);
  const started = performance.now();
  const [result] = await engine.generate([{ prompt: asked.prompt, options: asked.options, style: asked.style }]);
  const ms = Math.round(performance.now() - started);
  const { name } = engine.info;
  if (asked.json) {
    const { opening, prompt } = asked;
    console.log(JSON.stringify({ model: name, seed: asked.options.seed, ...result, ms, opening, prompt }));
    return 0;
  }
  // As a story shows its lines: each line, then who wrote it.
  const { temperature, seed } = asked.options;
  console.log(`${asked.opening}\n  📖 the opening\n${result.text.trim() || '(the model wrote nothing)'}`);
  const style =
    asked.style === undefined ? '' : result.style ? `, style ${result.style}` : `, no style (it has no ${asked.style})`;
  console.log(`  ✍️ the model (${name}), temperature ${temperature}, seed ${seed}${style}`);
  return 0;
}

runCli(import.meta.url, { name: 'generate', usage: USAGE, main });
