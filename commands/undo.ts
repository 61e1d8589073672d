import type { CommandDefinition } from './types.ts';

/** `/undo`: remove the story's last line (never one another branch goes on from: /branch moves past it). */
export const undo: CommandDefinition<'undo'> = {
  name: 'undo',
  description: "Remove the story's last line (its author, the story's owner or an admin)",
  scope: 'thread',
  options: [],
};
