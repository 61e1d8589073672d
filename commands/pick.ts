import { CANDIDATES } from './candidates.ts';
import type { CommandDefinition } from './types.ts';

/** `/pick candidate`: close the story's vote now with this candidate as its next line (the owner or an admin). */
export const pick: CommandDefinition<'pick'> = {
  name: 'pick',
  description: 'Close the vote now with this candidate as the next line (owner or an admin)',
  scope: 'thread',
  options: [
    {
      name: 'candidate',
      description: `The candidate's number, 1 to ${CANDIDATES.max}`,
      type: 'integer',
      required: true,
      min: 1,
      max: CANDIDATES.max,
      example: '2',
    },
  ],
};
