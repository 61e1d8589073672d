import { CONTROL_COMMANDS } from '../src/jobs/protocol.ts';
import type { CommandDefinition } from './types.ts';

/**
 * `/admin restart|reload|pause|resume|drain [worker]`: control a worker; confirmed by its heartbeat. Pause and
 * drain both stop it taking new lines (a line in hand is finished); drain is confirmed only once it holds none, so
 * the worker is then safe to stop. Lines waiting meanwhile run after resume, or on another worker. `worker`: a
 * worker's id (as /status lists them), or `all` for every worker online, each confirmed by its own heartbeat;
 * without it, the freshest worker that is not standing by. Typed: `/admin pause colab-a100` or `--worker all`.
 */
export const admin: CommandDefinition<'admin'> = {
  name: 'admin',
  description: 'Control the workers: restart, reload, pause, resume, or drain (pause, and say when it is idle)',
  scope: 'channel',
  admin: true,
  ephemeral: true,
  options: [
    {
      name: 'action',
      type: 'string',
      required: true,
      choices: CONTROL_COMMANDS,
      example: 'pause',
      description:
        'pause: take no new lines · drain: the same, confirmed once idle (safe to stop) · ' + 'resume: take lines',
    },
    {
      name: 'worker',
      type: 'string',
      maxLength: 200,
      example: 'all',
      description: 'A worker’s id from /status, or all (every worker online); by default the one taking lines',
    },
  ],
};
