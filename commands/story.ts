import { candidatesOption } from './candidates.ts';
import type { CommandDefinition, CommandOption } from './types.ts';

/** How adventurous the model is: the one statement of the range, for chat, the config and `npm run generate`. */
export const TEMPERATURE = { min: 0.1, max: 2, default: 0.8 } as const;
/** The most characters in a model line. */
export const LENGTH = { min: 20, max: 1000, default: 280 } as const;
/** The longest opening a story may have, in characters. */
export const OPENING_MAX_CHARS = 1000;
/** The fewest characters in a model line (or its length, when that is less), as the chat asks for them. */
export const MIN_CHARS = 40;
/** The nucleus (top-p) the chat samples with (src/app.ts gives it to core). */
export const TOP_P = 0.95;

/**
 * The styles a story may ask for: `any` (no particular one, the default), Brown's six fiction categories, and the
 * manners of Jane Austen and Herman Melville (the multi-source training text's styles, docs/model.md). A model
 * without a style writes with none; the line records what it used.
 */
export const STYLES = [
  'any',
  'general',
  'mystery',
  'science-fiction',
  'adventure',
  'romance',
  'humor',
  'austen',
  'melville',
] as const;

/** `/story`'s free text: the words the story begins with (not the sampler's random seed). */
export const opening: CommandOption = {
  name: 'opening',
  description: 'The words the story begins with',
  type: 'string',
  required: true,
  maxLength: OPENING_MAX_CHARS,
  example: 'Once upon a time',
};

/** `/story opening [temperature] [length]`: start a story; the model writes the next line. */
export const story: CommandDefinition<'story'> = {
  name: 'story',
  description: 'Start a story: the model writes the next line',
  scope: 'channel',
  options: [
    opening,
    {
      name: 'temperature',
      type: 'number',
      min: TEMPERATURE.min,
      max: TEMPERATURE.max,
      example: '0.9',
      description:
        `How adventurous the model is, ${TEMPERATURE.min} to ${TEMPERATURE.max} ` + `(default ${TEMPERATURE.default})`,
    },
    {
      name: 'length',
      type: 'integer',
      min: LENGTH.min,
      max: LENGTH.max,
      example: '200',
      description: `The most characters in a model line, ${LENGTH.min} to ${LENGTH.max} (default ${LENGTH.default})`,
    },
    candidatesOption,
    {
      name: 'style',
      type: 'string',
      choices: STYLES,
      example: 'austen',
      description: 'A voice for the model: a Brown fiction category, austen or melville (default any)',
    },
  ],
};
