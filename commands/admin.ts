import { CONTROL_COMMANDS } from '../src/jobs/protocol.ts';
import type { CommandDefinition } from './types.ts';

/** `/admin restart|reload|pause|resume|drain`: control the worker; confirmed by its heartbeat. */
export const admin: CommandDefinition = {
  name: 'admin',
  description: 'Control the worker: restart, reload, pause, resume or drain',
  scope: 'channel',
  admin: true,
  ephemeral: true,
  options: [{ name: 'action', description: 'What the worker should do', type: 'string', required: true, choices: CONTROL_COMMANDS }],
};
