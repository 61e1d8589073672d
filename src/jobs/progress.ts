/**
 * Where each waiting job stands: writing (a worker has it), queued (its place in
 * the run order, and an ETA from the heartbeat's batch time), or waiting for a
 * worker (none online, or the worker is paused or draining).
 */
import type { Request } from './protocol.ts';
import { runOrder } from './schedule.ts';
import type { WorkerView } from './workers.ts';

/**
 * The states a waiting job can be in. 'paused' and 'draining' both mean no worker takes new work; a draining
 * worker finishes what it has first (an admin drains one before stopping it). Both wait for `/admin resume`.
 */
export type JobState = 'queued' | 'writing' | 'offline' | 'paused' | 'draining';

/** A waiting job's progress. */
export interface Progress {
  jobId: string;
  state: JobState;
  /** 1 for the next job to run; null while writing or with no worker. */
  position: number | null;
  /** Seconds until the line should arrive, when it can be estimated. */
  etaS: number | null;
}

/** Computes the progress of every waiting request from the workers' heartbeats. */
export function progressOf(waiting: readonly Request[], workers: readonly WorkerView[]): Map<string, Progress> {
  const fresh = workers.filter((w) => w.fresh);
  const serving = fresh
    .filter((w) => w.heartbeat.state === 'running' || w.heartbeat.state === 'draining')
    .sort((a, b) => b.heartbeat.chars_per_second - a.heartbeat.chars_per_second);
  const active = new Set(fresh.flatMap((w) => w.heartbeat.active_jobs));
  const out = new Map<string, Progress>();
  const best = serving.find((w) => w.heartbeat.state === 'running') ?? serving[0];
  const served = best?.heartbeat.served ?? {};
  const inLine = waiting
    .filter((r) => !active.has(r.job_id))
    .map((r) => ({ jobId: r.job_id, userId: r.user.id, request: r }));
  const queued = runOrder(inLine, served);
  for (const r of waiting) {
    if (!active.has(r.job_id)) continue;
    out.set(r.job_id, { jobId: r.job_id, state: 'writing', position: null, etaS: batchSeconds(best, r) });
  }
  const idle = best === undefined || best.heartbeat.state !== 'running';
  const state: JobState = !idle ? 'queued' : heldBy(fresh);
  queued.forEach((q, i) => {
    if (state !== 'queued' || !best) {
      out.set(q.jobId, { jobId: q.jobId, state, position: i + 1, etaS: null });
      return;
    }
    const batch = batchSeconds(best, q.request);
    const rounds = Math.floor(i / best.heartbeat.batch_max) + 1;
    const etaS = batch === null ? null : rounds * batch + (active.size > 0 ? batch / 2 : 0);
    out.set(q.jobId, { jobId: q.jobId, state, position: i + 1, etaS });
  });
  return out;
}

/** How long a batch with this request takes: measured, or estimated from characters per second. */
function batchSeconds(worker: WorkerView | undefined, request: Request): number | null {
  if (!worker) return null;
  const beat = worker.heartbeat;
  if (beat.batch_seconds !== null && beat.batch_seconds > 0) return beat.batch_seconds;
  const chars = request.sampling.max_chars * Math.min(beat.batch_max, 8);
  if (beat.chars_per_second > 0) return chars / beat.chars_per_second;
  return null;
}

/** Why no worker takes new work: one is draining, or paused, or none is online. */
function heldBy(fresh: readonly WorkerView[]): JobState {
  if (fresh.some((w) => w.heartbeat.state === 'draining')) return 'draining';
  return fresh.some((w) => w.heartbeat.state === 'paused') ? 'paused' : 'offline';
}
