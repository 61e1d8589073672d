import type { CommandDefinition } from './types.ts';

/** `/retry`: the model writes its last line again. */
export const retry: CommandDefinition<'retry'> = {
  name: 'retry',
  description: 'The model writes its last line again',
  scope: 'thread',
  options: [],
};
