import type { CommandDefinition } from './types.ts';

/**
 * The highest line number /branch takes. On Discord it becomes the integer option's `max_value` ("If the option
 * is an INTEGER or NUMBER type, the maximum value permitted": discord-api-types, APIApplicationCommandIntegerOption;
 * a description is 1 to 100 characters), so Discord refuses others before sending; core checks the same range for
 * the chats where it is typed.
 */
export const MAX_LINE_NUMBER = 100_000;

/** `/branch line`: move the story back to an earlier line of its current branch; new lines grow from there. */
export const branch: CommandDefinition<'branch'> = {
  name: 'branch',
  description: 'Go on from an earlier line: new lines grow a new branch, nothing is deleted (owner or an admin)',
  scope: 'thread',
  options: [
    {
      name: 'line',
      description: 'The line to go on from: its number, counting the opening as 1 (see /branches)',
      type: 'integer',
      required: true,
      min: 1,
      max: MAX_LINE_NUMBER,
      example: '2',
    },
  ],
};
