import { CONTROL_COMMANDS } from '../src/jobs/protocol.ts';
import type { CommandDefinition } from './types.ts';

/**
 * `/admin restart|reload|pause|resume|drain`: control the worker; confirmed by its heartbeat. Pause and drain
 * both stop it taking new lines (a line in hand is finished); drain is confirmed only once it holds none, so
 * the worker is then safe to stop. Lines waiting meanwhile run after resume, or on another worker.
 */
export const admin: CommandDefinition<'admin'> = {
  name: 'admin',
  description: 'Control the worker: restart, reload, pause, resume, or drain (pause, and say when it is idle)',
  scope: 'channel',
  admin: true,
  ephemeral: true,
  options: [
    {
      name: 'action',
      type: 'string',
      required: true,
      choices: CONTROL_COMMANDS,
      description:
        'pause: take no new lines · drain: the same, confirmed once idle (safe to stop) · ' + 'resume: take lines',
    },
  ],
};
