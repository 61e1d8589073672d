import type { CommandDefinition, CommandOption } from './types.ts';

/**
 * How many candidate lines a job may write for a vote (the protocol's MAX_CANDIDATES, which a test checks it is),
 * and how many Continue writes when neither a story nor its channel set a number: 1, a single line and no vote.
 * Stated here, beside the commands, so the configuration can check its keys against it.
 */
export const CANDIDATES = { min: 1, max: 5, default: 1 } as const;
const MAX_CANDIDATES = CANDIDATES.max;

/** The `candidates` option of /story and /continue: how many lines to put to a vote this time. */
export const candidatesOption: CommandOption = {
  name: 'candidates',
  description: `Write this many candidate lines, 1 to ${MAX_CANDIDATES}, and let the channel vote (1: no vote)`,
  type: 'integer',
  min: 1,
  max: MAX_CANDIDATES,
  example: '3',
};

/**
 * `/candidates n [for]`: how many candidate lines Continue writes from now on, put to a vote. In a story's thread
 * it sets the story's (its owner or an admin may); with `for: channel`, or outside a thread, the channel's default
 * for stories that set none (an admin may).
 */
export const candidates: CommandDefinition<'candidates'> = {
  name: 'candidates',
  description: 'How many candidate lines Continue writes for the channel to vote on (1: no vote)',
  scope: 'channel',
  options: [
    {
      name: 'count',
      description: `How many candidate lines, 1 to ${MAX_CANDIDATES} (1: a single line and no vote)`,
      type: 'integer',
      required: true,
      min: 1,
      max: MAX_CANDIDATES,
      example: '3',
    },
    {
      name: 'for',
      description: 'story (this thread’s, the default in a thread) or channel (the default for its stories; admins)',
      type: 'string',
      choices: ['story', 'channel'],
      example: 'channel',
    },
  ],
};
