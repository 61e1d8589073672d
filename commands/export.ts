import type { CommandDefinition } from './types.ts';

/** `/export`: the story as a Markdown file, with who wrote what. */
export const exportCommand: CommandDefinition<'export'> = {
  name: 'export',
  description: 'Get this story as a Markdown file, with who wrote what',
  scope: 'thread',
  options: [],
};
