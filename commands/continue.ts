import { candidatesOption } from './candidates.ts';
import type { CommandDefinition } from './types.ts';

/** `/continue`: the model writes the next line of this thread's story. */
export const continueCommand: CommandDefinition<'continue'> = {
  name: 'continue',
  description: 'The model writes the next line of this story',
  scope: 'thread',
  options: [candidatesOption],
};
