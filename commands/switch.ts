import type { CommandDefinition } from './types.ts';

/**
 * The highest branch number /switch takes: Discord's integer option `max_value`, as for /branch's line (see
 * branch.ts); core checks the story's own range for the chats where it is typed.
 */
export const MAX_BRANCH_NUMBER = 100_000;

/** `/switch branch`: the story goes on from the last line of another of its branches (numbered as /branches). */
export const switchCommand: CommandDefinition<'switch'> = {
  name: 'switch',
  description: 'Go back to another branch and go on from its last line; nothing is deleted (owner or an admin)',
  scope: 'thread',
  options: [
    {
      name: 'branch',
      description: 'The branch to go on with: its number in /branches (1 is the current branch)',
      type: 'integer',
      required: true,
      min: 1,
      max: MAX_BRANCH_NUMBER,
      example: '2',
    },
  ],
};
