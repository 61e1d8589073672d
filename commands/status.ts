import type { CommandDefinition } from './types.ts';

/** `/status`: worker health, the queue, and your jobs. */
export const status: CommandDefinition<'status'> = {
  name: 'status',
  description: 'Worker health, the queue, and your jobs',
  scope: 'channel',
  ephemeral: true,
  options: [],
};
