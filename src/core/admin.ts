/**
 * Admin commands: write a control file, then wait until the target worker's
 * heartbeat shows the effect (a new `started_at` after a restart, a new
 * `model.loaded_at` after a reload, the new state otherwise). Then the bot
 * deletes the control file itself: it wrote it, so it may, even in My Drive
 * where a worker signed in as another account may not.
 */
import { ulid } from 'ulid';
import { serialize } from '../jobs/parse.ts';
import type { Control, ControlCommand, Heartbeat, Person } from '../jobs/protocol.ts';
import type { WorkerMonitor, WorkerView } from '../jobs/workers.ts';
import type { Transport } from '../transport/transport.ts';
import { UserError } from '../stories/errors.ts';

/** What a confirmed command means beyond its state: a drained worker differs from a paused one only in this. */
const MEANING: Partial<Record<ControlCommand, string>> = {
  drain:
    ' It holds no line and takes no new ones, so it is safe to stop; lines waiting run after /admin resume, ' +
    'or on another worker.',
};

/** What an admin command came to. */
export interface AdminOutcome {
  confirmed: boolean;
  worker: string;
  text: string;
}

function applied(beat: Heartbeat, commandId: string): boolean {
  return beat.applied_controls.some((c) => c.command_id === commandId);
}

/** Whether `after` shows the effect of `command` on a worker that looked like `before`. */
export function showsEffect(command: ControlCommand, commandId: string, before: Heartbeat, after: Heartbeat): boolean {
  switch (command) {
    case 'restart':
      return Date.parse(after.started_at) > Date.parse(before.started_at);
    case 'reload':
      return applied(after, commandId) && (after.model?.loaded_at ?? '') > (before.model?.loaded_at ?? '');
    case 'pause':
      return applied(after, commandId) && after.state === 'paused';
    case 'resume':
      return applied(after, commandId) && (after.state === 'running' || after.state === 'standby');
    case 'drain':
      // Drained: in-flight work finished, nothing new taken.
      return applied(after, commandId) && after.state === 'draining' && after.active_jobs.length === 0;
  }
}

/** Picks the worker an admin command is for: the freshest one that is not standing by. */
export function targetWorker(workers: WorkerView[]): WorkerView {
  const fresh = workers.filter((w) => w.fresh);
  const target = fresh.find((w) => w.heartbeat.state !== 'standby') ?? fresh[0];
  if (!target) throw new UserError('not_found', 'No worker is online to take that command.');
  return target;
}

/** Sends an admin command and waits for its confirmation. */
export async function runAdmin(
  transport: Transport,
  monitor: WorkerMonitor,
  command: ControlCommand,
  by: Person,
  timeoutMs: number,
): Promise<AdminOutcome> {
  const target = targetWorker(monitor.workers());
  const before = target.heartbeat;
  const control: Control = {
    v: 1,
    type: 'control',
    command_id: ulid(),
    command,
    target: before.worker_id,
    issued_at: new Date().toISOString(),
    issued_by: { id: by.id, name: by.name },
    model: null,
  };
  await transport.put('control', `${control.command_id}.json`, serialize(control));
  const confirmed = await monitor.waitFor((workers) => {
    const now = workers.find((w) => w.heartbeat.worker_id === before.worker_id)?.heartbeat;
    return now !== undefined && showsEffect(command, control.command_id, before, now);
  }, timeoutMs);
  // Confirmed, or too late to count on: either way the file has done its job. A delete that fails is left to
  // housekeeping (control files older than an hour), and a worker applies each command id once anyway.
  await transport.delete('control', `${control.command_id}.json`).catch(() => undefined);
  const after = monitor.workers().find((w) => w.heartbeat.worker_id === before.worker_id)?.heartbeat;
  if (confirmed) {
    const text = `✅ ${before.worker_id}: ${command} confirmed (state ${after?.state}).${MEANING[command] ?? ''}`;
    return { confirmed, worker: before.worker_id, text };
  }
  const note = after?.message ? ` It says: ${after.message}` : '';
  const waited = Math.round(timeoutMs / 1000);
  return {
    confirmed,
    worker: before.worker_id,
    text:
      `⚠️ Sent ${command} to ${before.worker_id}, but its heartbeat has not shown the effect within ` +
      `${waited} s; ` +
      `a worker that has not taken the command by now will not.${note}`,
  };
}
