/**
 * Control files for the embedded worker (docs/protocol.md): apply the command if
 * it is for this worker, show the effect in a heartbeat written at once, record
 * it, and delete the file. Restart hands over to the process supervisor.
 *
 * Each command is applied once, keyed by its id: the worker may not be allowed to
 * delete the file (on Drive, another account's file in My Drive), and a restarted
 * worker knows what it applied from its own last heartbeat (EmbeddedWorker.start).
 */
import { parseFile, type ProtocolError } from '../jobs/parse.ts';
import { reasonOf } from '../log-text.ts';
import type { ControlCommand } from '../jobs/protocol.ts';
import type { EmbeddedWorker } from './worker.ts';

/** A command the worker applied, as its heartbeat lists it. */
export interface AppliedControl {
  command_id: string;
  command: ControlCommand;
  applied_at: string;
}

/** Reads `control/<name>` and applies it when it targets this worker. */
export async function applyControl(worker: EmbeddedWorker, name: string): Promise<void> {
  const { transport, options } = worker;
  const text = await transport.get('control', name);
  if (text === null) return;
  let control;
  try {
    control = parseFile('control', text);
  } catch (error) {
    // Files that are not ours are left alone; our own unreadable ones are removed so they do not linger.
    if ((error as ProtocolError).code === 'not_ours') return;
    options.log(`storyloom worker: deleting unreadable control/${name}: ${reasonOf(error)}`);
    await removeControl(worker, name);
    return;
  }
  if (control.target !== '*' && control.target !== options.workerId) return;
  if (worker.applied.some((c) => c.command_id === control.command_id)) {
    await removeControl(worker, name);
    return;
  }
  const record = () => worker.applied.push({ command_id: control.command_id, command: control.command, applied_at: new Date().toISOString() });
  switch (control.command) {
    case 'pause':
      worker.want('paused');
      break;
    case 'resume':
      worker.want('running');
      break;
    case 'drain':
      worker.want('draining');
      break;
    case 'reload':
      await worker.reload(control.model);
      break;
    case 'restart':
      record();
      await removeControl(worker, name);
      // The last heartbeat records the restart, so the next process skips this command if its file is still there.
      worker.state = 'stopping';
      await worker.beat().catch(() => undefined);
      options.onRestart();
      return;
  }
  record();
  await worker.beat();
  await removeControl(worker, name);
}

/** Deletes a control file; one that cannot be deleted stays, and is not applied again (its id is recorded). */
async function removeControl(worker: EmbeddedWorker, name: string): Promise<void> {
  try {
    await worker.transport.delete('control', name);
  } catch (error) {
    worker.options.log(`storyloom worker: control/${name} could not be deleted (${reasonOf(error)}); ` +
      'it is applied once all the same');
  }
}
