/**
 * The words storyloom says, platform-neutral: progress, failures, status. Adapters
 * add their own markup around them and escape what users and the model wrote.
 */
import type { Progress } from '../jobs/progress.ts';
import type { ErrorCode, Heartbeat } from '../jobs/protocol.ts';
import type { WorkerView } from '../jobs/workers.ts';
import type { CleanupProblems } from '../transport/transport.ts';
import { count } from '../stories/plural.ts';

/** "about 20 s", "about 3 min". */
export function roughly(seconds: number): string {
  if (seconds < 60) return `about ${Math.max(1, Math.round(seconds / 5) * 5 || 1)} s`;
  if (seconds < 3600) return `about ${Math.round(seconds / 60)} min`;
  return `about ${(seconds / 3600).toFixed(1)} h`;
}

/** "a", "a and b", "a, b and c". */
function andList(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * One line that says where a waiting job stands; a line being written names the worker writing it ("✍️ Writing on
 * colab-a100… (about 20 s)"), or both where two hold it.
 */
export function progressText(p: Progress): string {
  switch (p.state) {
    case 'writing': {
      const on = p.writers?.length ? ` on ${andList(p.writers)}` : '';
      return `✍️ Writing${on}…${p.etaS === null ? '' : ` (${roughly(p.etaS)})`}`;
    }
    case 'queued':
      return `⏳ #${p.position} in line${p.etaS === null ? '' : `, ${roughly(p.etaS)}`}`;
    case 'paused':
      return (
        `⏸️ The worker is paused. Your request is saved (#${p.position} in line) ` +
        'and will run once an admin resumes the worker (/admin resume).'
      );
    case 'draining':
      return (
        '⏸️ The worker is draining: it finishes what it has and takes nothing new. Your request is saved ' +
        `(#${p.position} in line) and will run after /admin resume, or on another worker.`
      );
    default:
      return (
        `💤 No worker is online right now. Your request is saved (#${p.position} in line) and will run when ` +
        'a worker is back.'
      );
  }
}

/** The marks that begin every {@link progressText}; an outcome (a line posted, a failure) begins with none of them. */
const PROGRESS_MARKS = ['⏳', '⏸️', '✍️', '💤'];

/** Whether a status line still shows a job waiting (its progress), rather than its outcome. */
export function isProgressText(text: string): boolean {
  return PROGRESS_MARKS.some((mark) => text.startsWith(mark));
}

/** What to tell a user whose job failed, by the worker's error code. */
export function failureText(code: ErrorCode | 'deadline', message: string): string {
  switch (code) {
    case 'expired':
    case 'deadline':
      return 'No worker got to your line in time, so it was dropped. Press Continue to ask again.';
    case 'cancelled':
      return 'That line was cancelled.';
    case 'model_error':
      return `The model could not write that line (${message}). Try again, or ask an admin to check the worker.`;
    case 'bad_request':
    case 'unsupported_version':
      return `The worker could not read that request (${message}). The worker and the bot may be different versions.`;
    default:
      return `Something went wrong while writing that line (${message}). Try again.`;
  }
}

function ago(iso: string): string {
  return roughly(Math.max(0, (Date.now() - Date.parse(iso)) / 1000));
}

/** A worker's state, with what paused and draining mean for the lines waiting. */
function stateWords(state: Heartbeat['state']): string {
  if (state === 'paused') return 'paused (takes nothing new until /admin resume)';
  if (state === 'draining') return 'draining (finishes what it has, takes nothing new until /admin resume)';
  return state;
}

/** "5,120 chars/s": whole characters a second, grouped by thousands. */
function speed(charsPerSecond: number): string {
  return `${Math.round(charsPerSecond).toLocaleString('en-US')} chars/s`;
}

/** A fresh worker in full (kind, device, throughput, lines in hand and written, state, runtime end); else briefly. */
function workerLine(w: WorkerView): string {
  const b: Heartbeat = w.heartbeat;
  const state = w.fresh ? stateWords(b.state) : `offline, last seen ${ago(b.at)} ago`;
  const parts = [`${b.worker_id} (${b.kind}): ${state}`];
  if (w.fresh) {
    const { memory_total_mb: total, memory_used_mb: used } = b.device;
    parts.push(`${b.device.name}${total ? ` ${Math.round(used ?? 0)}/${Math.round(total)} MB` : ''}`);
    if (b.model) parts.push(`model ${b.model.name}`);
    parts.push(speed(b.chars_per_second), `${count(b.active_jobs.length, 'line')} in hand`);
    parts.push(`${count(b.jobs_done, 'line')} written`);
    if (b.runtime_ends_at) {
      parts.push(`runtime ends in ${roughly(Math.max(0, (Date.parse(b.runtime_ends_at) - Date.now()) / 1000))}`);
    }
    if (b.message) parts.push(`note: ${b.message}`);
  }
  return `• ${parts.join(' · ')}`;
}

/** How many offline workers /status names before it counts the rest (the workers list them freshest first). */
export const OFFLINE_SHOWN = 3;

/** The workers, for /status: every fresh one in full, then the offline ones briefly, the oldest only counted. */
function workerLines(workers: readonly WorkerView[]): string[] {
  const offline = workers.filter((w) => !w.fresh);
  const lines = [...workers.filter((w) => w.fresh), ...offline.slice(0, OFFLINE_SHOWN)].map(workerLine);
  const rest = offline.slice(OFFLINE_SHOWN);
  if (rest.length > 0) {
    // Freshest first, so the first of the rest was seen last.
    lines.push(`• ${rest.length} more offline, last seen ${ago(rest[0].heartbeat.at)} ago or earlier`);
  }
  return lines;
}

/** The status report: the workers (the pool's combined speed when several write), the queue, the asker's jobs. */
export function statusText(workers: WorkerView[], queueLength: number, mine: Progress[]): string {
  const online = workers.filter((w) => w.fresh);
  const none = 'No worker is online. Requests are saved and will run when one is back.';
  const of = online.length < workers.length ? ` of ${workers.length}` : '';
  let head = online.length ? `Workers online: ${online.length}${of}` : none;
  const running = online.filter((w) => w.heartbeat.state === 'running');
  if (running.length > 1) {
    const together = running.reduce((sum, w) => sum + w.heartbeat.chars_per_second, 0);
    head += `; ${running.length} take lines, about ${speed(together)} together`;
  }
  const lines = [head, ...workerLines(workers)];
  lines.push(`Queue: ${count(queueLength, 'line')} waiting.`);
  lines.push(mine.length ? `Your lines: ${mine.map(progressText).join('; ')}` : 'You have no lines waiting.');
  return lines.join('\n');
}

/** For admins: the mailbox fills up because this account may not remove files, how many so far, and what to do. */
export function cleanupText(problems: CleanupProblems): string {
  const { unremovable: n, advice } = problems;
  const what = n === 0 ? 'it may not remove files it is done with' : `${count(n, 'file')} could not be removed`;
  return `⚠️ The mailbox is filling up: ${what}. ${advice}`;
}
