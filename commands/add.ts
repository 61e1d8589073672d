import type { CommandDefinition } from './types.ts';

/** `/add text`: add your own line to this thread's story. */
export const add: CommandDefinition<'add'> = {
  name: 'add',
  description: 'Add your own line to this story',
  scope: 'thread',
  options: [{ name: 'text', description: 'Your line', type: 'string', required: true, maxLength: 1000 }],
};
