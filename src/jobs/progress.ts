/**
 * Where each waiting job stands: writing (a worker has it, and which), queued (its place in the run order, and
 * an ETA from the pool's batch times), or waiting for a worker (none online, or the workers are paused or
 * draining).
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
  /** While writing: the workers whose heartbeat holds the job (usually one), fastest first. */
  writers?: readonly string[];
}

/** Computes the progress of every waiting request from the workers' heartbeats. */
export function progressOf(waiting: readonly Request[], workers: readonly WorkerView[]): Map<string, Progress> {
  const fresh = workers.filter((w) => w.fresh);
  const serving = fresh
    .filter((w) => w.heartbeat.state === 'running' || w.heartbeat.state === 'draining')
    .sort((a, b) => b.heartbeat.chars_per_second - a.heartbeat.chars_per_second);
  const active = new Set(fresh.flatMap((w) => w.heartbeat.active_jobs));
  const out = new Map<string, Progress>();
  const running = serving.filter((w) => w.heartbeat.state === 'running');
  const best = running[0] ?? serving[0];
  const served = best?.heartbeat.served ?? {};
  const inLine = waiting
    .filter((r) => !active.has(r.job_id))
    .map((r) => ({ jobId: r.job_id, userId: r.user.id, request: r }));
  const queued = runOrder(inLine, served);
  for (const r of waiting) {
    if (!active.has(r.job_id)) continue;
    // Fastest first: the bot applies the first answer, so the fastest holder's batch time is the estimate.
    const holders = fresh
      .filter((w) => w.heartbeat.active_jobs.includes(r.job_id))
      .sort((a, b) => b.heartbeat.chars_per_second - a.heartbeat.chars_per_second);
    const writers = holders.map((w) => w.heartbeat.worker_id);
    const etaS = batchSeconds(holders[0], r);
    out.set(r.job_id, { jobId: r.job_id, state: 'writing', position: null, etaS, writers });
  }
  const state: JobState = running.length > 0 ? 'queued' : heldBy(fresh);
  // One timetable per line length: a batch time estimated from characters a second depends on it.
  const timetables = new Map<number, (number | null)[]>();
  queued.forEach((q, i) => {
    let etaS: number | null = null;
    if (state === 'queued') {
      const key = q.request.sampling.max_chars;
      const table = timetables.get(key) ?? poolTimetable(queued.length, running, q.request);
      timetables.set(key, table);
      etaS = table[i];
    }
    out.set(q.jobId, { jobId: q.jobId, state, position: i + 1, etaS });
  });
  return out;
}

/**
 * When the lines at places 1…`places` of the queue should arrive (index 0: place 1, the next to run), with
 * `running` (the fresh workers that take new jobs) sharing the queue; null for each when no batch time is known.
 *
 * Worker w writes a batch of up to B_w lines (`batch_max`) in T_w seconds (its measured `batch_seconds`, or
 * one estimated from its `chars_per_second`: {@link batchSeconds}), so it writes r_w = B_w / T_w lines a
 * second, and the pool R = Σ r_w: a GPU worker at hundreds of thousands of characters a second counts for
 * that many, a CPU worker at 1,600 for its few. Worker w's batches end at o_w + k·T_w (k = 1, 2, …), where
 * o_w = T_w / 2 while it has a batch in hand (half of it left, on average) and 0 when idle; each end has room
 * for B_w lines. The queue fills those ends in time order, so the line at place p arrives at the end that
 * holds the p-th seat:
 *
 *   ETA(p) = the p-th smallest of { o_w + k·T_w, each counted B_w times }  ≈  (p − 1) / R + T
 *
 * for a long queue: the queue ahead divided by the pool's combined throughput, plus a batch. With one worker it
 * is ⌈p / B⌉·T (+ T/2 while a batch is in hand), exactly. A worker whose batch time is unknown yet (no batch
 * and no characters a second) is left out.
 */
export function poolTimetable(places: number, running: readonly WorkerView[], request: Request): (number | null)[] {
  const known = running.flatMap((w) => {
    const t = batchSeconds(w, request);
    if (t === null) return [];
    return [{ t, room: w.heartbeat.batch_max, end: w.heartbeat.active_jobs.length > 0 ? 1.5 * t : t }];
  });
  if (known.length === 0) return Array.from({ length: places }, () => null);
  const etas: number[] = [];
  while (etas.length < places) {
    // The batch that ends next seats its room's worth of the queue.
    const next = known.reduce((a, b) => (b.end < a.end ? b : a));
    for (let seat = 0; seat < next.room && etas.length < places; seat++) etas.push(next.end);
    next.end += next.t;
  }
  return etas;
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
