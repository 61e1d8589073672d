/**
 * Readiness, part by part, for GET /health/ready: each chat platform connected, the mailbox answering, a worker
 * there to write lines. A part that is not ready says why, in words for whoever runs the bot.
 *
 * - A chat: its adapter's own `health()` (a gateway, a socket, a listening server).
 * - The mailbox: the latest mailbox call (src/metrics.ts sees every one). A failure newer than the latest success
 *   means not ready; a success within `recentMs` means ready; with neither (a quiet mailbox), a probe decides.
 * - The worker: a fresh heartbeat from a worker that is not stopping, or the embedded worker's process running.
 */
import type { MailboxActivity } from '../metrics.ts';
import { reasonOf } from '../log-text.ts';

/** One part's readiness. */
export interface PartHealth {
  ready: boolean;
  reason?: string;
}

/** The whole answer of /health/ready. */
export interface Readiness {
  ready: boolean;
  parts: Record<string, PartHealth>;
}

/** How the mailbox is judged. */
export interface MailboxCheck {
  activity(): MailboxActivity;
  /** A call that must succeed (reading a folder). */
  probe(): Promise<unknown>;
  /** How long a success (or a failure) counts as news (ms). */
  recentMs: number;
  /** How long a probe may take (ms). */
  probeTimeoutMs: number;
  now(): number;
}

/** A worker as its heartbeat shows it (jobs/workers.ts `WorkerView`). */
export interface WorkerSeen {
  fresh: boolean;
  ageS: number;
  heartbeat: { worker_id: string; state: string };
}

/** The embedded worker: not configured here, its process up, or down (between a crash and its restart). */
export type EmbeddedWorker = 'off' | 'running' | 'down';

/** Everything readiness looks at. */
export interface ReadinessSources {
  chats: { platform: string; health(): PartHealth }[];
  mailbox: MailboxCheck;
  workers(): WorkerSeen[];
  embedded(): EmbeddedWorker;
  /** True once a stop has begun: the bot takes no new commands, so it is not ready. */
  stopping?(): boolean;
}

/** Rejects after `ms`; the timer does not hold the process. */
function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** The mailbox's part: its latest news, or a probe when there is none. */
export async function mailboxPart(check: MailboxCheck): Promise<PartHealth> {
  const now = check.now();
  const { okAt, failure } = check.activity();
  const failedLast = failure !== undefined && (okAt === undefined || failure.at >= okAt);
  if (failedLast && now - failure.at < check.recentMs) return { ready: false, reason: failure.reason };
  if (!failedLast && okAt !== undefined && now - okAt < check.recentMs) return { ready: true };
  try {
    await withTimeout(check.probe(), check.probeTimeoutMs);
    return { ready: true };
  } catch (error) {
    return { ready: false, reason: `the mailbox did not answer: ${reasonOf(error)}` };
  }
}

/** The worker's part: a fresh heartbeat (of a worker not stopping), else the embedded worker running. */
export function workerPart(workers: WorkerSeen[], embedded: EmbeddedWorker): PartHealth {
  if (workers.some((w) => w.fresh && w.heartbeat.state !== 'stopping')) return { ready: true };
  if (embedded === 'running') return { ready: true };
  const freshest = [...workers].sort((a, b) => a.ageS - b.ageS)[0];
  const beat = freshest
    ? `the latest heartbeat (${freshest.heartbeat.worker_id}, ${freshest.heartbeat.state}) is ` +
      `${Math.round(freshest.ageS)} s old`
    : 'no worker has written a heartbeat';
  const local =
    embedded === 'off' ? 'the embedded worker is off (STORYLOOM_LOCAL_WORKER=off)' : 'the embedded worker is down';
  return { ready: false, reason: `no worker is online: ${beat}, and ${local}` };
}

/** Checks every part; ready when all are. */
export async function readiness(sources: ReadinessSources): Promise<Readiness> {
  const parts: Record<string, PartHealth> = {};
  for (const chat of sources.chats) {
    try {
      parts[chat.platform] = chat.health();
    } catch (error) {
      parts[chat.platform] = { ready: false, reason: `its health check failed: ${reasonOf(error)}` };
    }
  }
  parts.mailbox = await mailboxPart(sources.mailbox);
  parts.worker = workerPart(sources.workers(), sources.embedded());
  if (sources.stopping?.()) {
    parts.bot = { ready: false, reason: 'stopping: it takes no new commands and finishes what it is posting' };
  }
  return { ready: Object.values(parts).every((p) => p.ready), parts };
}
