import type { CommandDefinition } from './types.ts';

/** `/branches`: the story's branches, where each forks from the current one, and which is current. */
export const branches: CommandDefinition<'branches'> = {
  name: 'branches',
  description: "List this story's branches: where each forks, its length and last line",
  scope: 'thread',
  ephemeral: true,
  options: [],
};
