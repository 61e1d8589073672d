/**
 * Control files for the embedded worker (docs/protocol.md; the twin of colab's `apply_control`): apply the
 * command if it is for this worker, show the effect in a heartbeat written at once, record it, and delete
 * the file. Restart hands over to the process supervisor.
 *
 * Each command is applied once, keyed by its id: the worker may not be allowed to delete the file (on
 * Drive, another account's file in My Drive), and a restarted worker knows what it applied from its own
 * last heartbeat (Worker.start). This module knows no Worker: it acts through a ControlTarget.
 */
import { parseFile, type ProtocolError } from '../jobs/parse.ts';
import type { Control, WorkerState } from '../jobs/protocol.ts';
import { reasonOf } from '../log-text.ts';
import type { LogFields } from '../log.ts';
import type { Transport } from '../transport/transport.ts';
import type { AppliedControl } from './heartbeat.ts';

/** The commands a worker applied, oldest first, by id (the twin of colab's `AppliedControls`). */
export class AppliedControls {
  private readonly list: AppliedControl[] = [];

  /** All of them, oldest first (a heartbeat lists the last 20). */
  get all(): readonly AppliedControl[] {
    return this.list;
  }

  /** True when the command with this id was applied (by this worker id, maybe before a restart). */
  has(commandId: string): boolean {
    return this.list.some((c) => c.command_id === commandId);
  }

  /** Records an applied command, once. */
  record(control: AppliedControl): void {
    if (!this.has(control.command_id)) this.list.push(control);
  }
}

/** What applying a control needs of a worker. */
export interface ControlTarget {
  readonly workerId: string;
  /** The mailbox, to read and delete control files. */
  readonly transport: Pick<Transport, 'get' | 'delete'>;
  /** What it applied, which it records into. */
  readonly controls: AppliedControls;
  /** Sets the state an admin asked for. */
  want(state: WorkerState): void;
  /** Loads another model (null: the configured one); false when it failed and the old one stays. */
  reload(model: string | null): Promise<boolean>;
  /** Writes the heartbeat now. */
  beat(): Promise<void>;
  /** Writes a last heartbeat that says 'stopping', then hands over to the supervisor. */
  restart(): Promise<void>;
  /** Logs a line at info, with `fields` (the worker adds its prefix and id). */
  log(message: string, fields?: LogFields): void;
  /** Logs a line at warn. */
  warn(message: string, fields?: LogFields): void;
}

/** Reads `control/<name>` and applies it when it targets this worker. */
export async function applyControl(target: ControlTarget, name: string): Promise<void> {
  const text = await target.transport.get('control', name);
  if (text === null) return;
  let control: Control;
  try {
    control = parseFile('control', text);
  } catch (error) {
    // Files that are not ours are left alone; our own unreadable ones are removed so they do not linger.
    if ((error as ProtocolError).code === 'not_ours') return;
    target.warn(`deleting unreadable control/${name}: ${reasonOf(error)}`, { file: `control/${name}` });
    await removeControl(target, name);
    return;
  }
  if (control.target !== '*' && control.target !== target.workerId) return;
  if (target.controls.has(control.command_id)) {
    await removeControl(target, name);
    return;
  }
  const { command, command_id } = control;
  // Quoted as the Python worker's line quotes it (its repr).
  const by = `'${control.issued_by.name}'`;
  target.log(`control ${command} (${command_id}) from ${by}`, { command, command_id });
  const record = () =>
    target.controls.record({
      command_id: control.command_id,
      command: control.command,
      applied_at: new Date().toISOString(),
    });
  switch (control.command) {
    case 'pause':
      target.want('paused');
      break;
    case 'resume':
      target.want('running');
      break;
    case 'drain':
      target.want('draining');
      break;
    case 'reload':
      await target.reload(control.model);
      break;
    case 'restart':
      record();
      await removeControl(target, name);
      // The last heartbeat records the restart, so the next process skips this command if its file is still there.
      await target.restart();
      return;
  }
  record();
  await target.beat();
  await removeControl(target, name);
}

/** Deletes a control file; one that cannot be deleted stays, and is not applied again (its id is recorded). */
async function removeControl(target: ControlTarget, name: string): Promise<void> {
  try {
    await target.transport.delete('control', name);
  } catch (error) {
    const why = reasonOf(error);
    target.warn(`control/${name} could not be deleted (${why}); it is applied once all the same`, { error: why });
  }
}
