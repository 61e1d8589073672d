import type { CommandDefinition } from './types.ts';

/** `/end`: close the story. */
export const end: CommandDefinition<'end'> = {
  name: 'end',
  description: 'End this story (its owner or an admin)',
  scope: 'thread',
  options: [],
};
