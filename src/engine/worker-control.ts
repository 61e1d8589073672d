/**
 * Control files for the embedded worker (docs/protocol.md): apply the command if
 * it is for this worker, show the effect in a heartbeat written at once, record
 * it, and delete the file. Restart hands over to the process supervisor.
 */
import { parseFile, type ProtocolError } from '../jobs/parse.ts';
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
    options.log(`storyloom worker: deleting unreadable control/${name}: ${(error as Error).message}`);
    await transport.delete('control', name);
    return;
  }
  if (control.target !== '*' && control.target !== options.workerId) return;
  if (worker.applied.some((c) => c.command_id === control.command_id)) {
    await transport.delete('control', name);
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
      await transport.delete('control', name);
      worker.state = 'stopping';
      await worker.beat().catch(() => undefined);
      options.onRestart();
      return;
  }
  record();
  await worker.beat();
  await transport.delete('control', name);
}
