import type { CommandDefinition } from './types.ts';

/** `/export`: the current branch as a Markdown file, with who wrote what, and every branch as a JSON file. */
export const exportCommand: CommandDefinition<'export'> = {
  name: 'export',
  description: 'Get this story as Markdown, with who wrote what, and all its branches as JSON',
  scope: 'thread',
  options: [],
};
