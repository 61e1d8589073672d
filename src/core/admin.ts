/**
 * Admin commands: write a control file for the target worker (one for each
 * fresh worker with `/admin <command> all`), then wait until that worker's
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
import { count } from '../stories/plural.ts';

/** What a confirmed command means beyond its state: a drained worker differs from a paused one only in this. */
const MEANING: Partial<Record<ControlCommand, string>> = {
  drain:
    ' It holds no line and takes no new ones, so it is safe to stop; lines waiting run after /admin resume, ' +
    'or on another worker.',
};

/** The same, once for the workers of `/admin <command> all`. */
const MEANING_EACH: Partial<Record<ControlCommand, string>> = {
  drain:
    'Each one confirmed holds no line and takes no new ones, so it is safe to stop; lines waiting run after ' +
    '/admin resume, or on another worker.',
};

/** What an admin command came to. */
export interface AdminOutcome {
  /** For `all`: whether every worker confirmed. */
  confirmed: boolean;
  /** The worker's id, or `all`. */
  worker: string;
  text: string;
  /** For `all`: each worker's outcome, in the order of the workers (freshest first). */
  each?: AdminOutcome[];
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

/** The `worker` option's word for every fresh worker. */
export const ALL_WORKERS = 'all';

/** Picks the worker an admin command is for: the freshest one that is not standing by. */
export function targetWorker(workers: WorkerView[]): WorkerView {
  const fresh = workers.filter((w) => w.fresh);
  const target = fresh.find((w) => w.heartbeat.state !== 'standby') ?? fresh[0];
  if (!target) throw new UserError('not_found', 'No worker is online to take that command.');
  return target;
}

/**
 * The workers an admin command is for: without `worker`, the one {@link targetWorker} picks; with a worker's
 * id (its case aside), that fresh worker; with `all`, every fresh one. An id that no fresh worker has is refused
 * with the ids there are.
 */
export function targetWorkers(workers: WorkerView[], worker?: string): WorkerView[] {
  const wanted = worker?.trim() ?? '';
  if (wanted === '') return [targetWorker(workers)];
  const fresh = workers.filter((w) => w.fresh);
  if (fresh.length === 0) throw new UserError('not_found', 'No worker is online to take that command.');
  if (wanted.toLowerCase() === ALL_WORKERS) return fresh;
  const byId = (exact: boolean) =>
    fresh.filter((w) => (exact ? w.heartbeat.worker_id === wanted : sameId(w.heartbeat.worker_id, wanted)));
  const found = byId(true);
  if (found.length === 1) return found;
  const loose = byId(false);
  if (loose.length === 1) return loose;
  const ids = fresh.map((w) => w.heartbeat.worker_id).join(', ');
  const stale = workers.find((w) => !w.fresh && sameId(w.heartbeat.worker_id, wanted));
  const why = stale ? `${stale.heartbeat.worker_id} is offline` : `No worker online is called ${wanted}`;
  throw new UserError('not_found', `${why}. The workers online: ${ids}; or ${ALL_WORKERS} for every one of them.`);
}

function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * Sends an admin command and waits for its confirmation: to one worker (`worker` unset: the one
 * {@link targetWorker} picks; or that worker's id), or to every fresh worker (`all`): a control file each, each
 * confirmed by that worker's own heartbeat, all waited for together.
 */
export async function runAdmin(
  transport: Transport,
  monitor: WorkerMonitor,
  command: ControlCommand,
  by: Person,
  timeoutMs: number,
  worker?: string,
): Promise<AdminOutcome> {
  const targets = targetWorkers(monitor.workers(), worker);
  const all = worker?.trim().toLowerCase() === ALL_WORKERS;
  if (!all) return sendOne(transport, monitor, command, by, timeoutMs, targets[0]);
  const outcomes = await Promise.all(targets.map((t) => sendOne(transport, monitor, command, by, timeoutMs, t, true)));
  return allOutcome(command, outcomes);
}

/** The answer to `all`: how many confirmed, then each worker's outcome (and what a drain means, once). */
function allOutcome(command: ControlCommand, outcomes: AdminOutcome[]): AdminOutcome {
  const confirmed = outcomes.filter((o) => o.confirmed).length;
  const late = outcomes.length - confirmed;
  const tally = late === 0 ? 'all confirmed' : `${confirmed} confirmed, ${late} not in time`;
  const lines = [`Sent ${command} to ${count(outcomes.length, 'worker')}: ${tally}.`];
  lines.push(...outcomes.map((o) => `• ${o.text}`));
  const meaning = MEANING_EACH[command];
  if (meaning && confirmed > 0) lines.push(meaning);
  return { confirmed: late === 0, worker: ALL_WORKERS, text: lines.join('\n'), each: outcomes };
}

/** Writes one control file for `target`, waits for its heartbeat to show the effect, and deletes the file. */
async function sendOne(
  transport: Transport,
  monitor: WorkerMonitor,
  command: ControlCommand,
  by: Person,
  timeoutMs: number,
  target: WorkerView,
  brief = false,
): Promise<AdminOutcome> {
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
  const waited = Math.round(timeoutMs / 1000);
  const note = after?.message ? ` It says: ${after.message}` : '';
  const worker = before.worker_id;
  if (confirmed) {
    const meaning = brief ? '' : (MEANING[command] ?? '');
    return { confirmed, worker, text: `✅ ${worker}: ${command} confirmed (state ${after?.state}).${meaning}` };
  }
  if (brief) {
    return { confirmed, worker, text: `⚠️ ${worker}: ${command} not confirmed within ${waited} s.${note}` };
  }
  return {
    confirmed,
    worker,
    text:
      `⚠️ Sent ${command} to ${worker}, but its heartbeat has not shown the effect within ` +
      `${waited} s; ` +
      `a worker that has not taken the command by now will not.${note}`,
  };
}
