import type { CommandDefinition } from './types.ts';

/** `/story seed [temperature] [length]`: start a story; the model writes the next line. */
export const story: CommandDefinition = {
  name: 'story',
  description: 'Start a story: the model writes the next line',
  scope: 'channel',
  options: [
    { name: 'seed', description: 'How the story begins', type: 'string', required: true, maxLength: 1000 },
    { name: 'temperature', description: 'How adventurous the model is, 0.1 to 2 (default 0.8)', type: 'number', min: 0.1, max: 2 },
    { name: 'length', description: 'The most characters in a model line, 20 to 1000 (default 280)', type: 'integer', min: 20, max: 1000 },
  ],
};
