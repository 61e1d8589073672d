import { CANDIDATES } from './candidates.ts';
import type { CommandDefinition } from './types.ts';

/** `/vote candidate`: vote for a candidate line of the story's open vote (or move your vote to it). */
export const vote: CommandDefinition<'vote'> = {
  name: 'vote',
  description: 'Vote for a candidate line (or move your vote to it); the buttons do the same',
  scope: 'thread',
  ephemeral: true,
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
