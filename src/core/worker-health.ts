/**
 * The workers' health in one summary, for a chat that shows it live (the
 * playground's header and its /healthz): whether a worker is online, which, its
 * state, model, device and speed. `charsPerSecond` is null until the worker has
 * measured it (a fresh worker reports 0 before its first batch).
 */
import type { Heartbeat } from '../jobs/protocol.ts';
import type { WorkerView } from '../jobs/workers.ts';

/** The workers' health, as a chat shows it. */
export interface WorkerHealth {
  online: boolean;
  /** How many workers are online. */
  workers: number;
  id: string | null;
  kind?: Heartbeat['kind'];
  state: Heartbeat['state'] | null;
  model: string | null;
  device: string | null;
  charsPerSecond: number | null;
  jobsDone?: number;
  message?: Heartbeat['message'];
}

/** The summary of these workers: the first running one that is online, else any online one. */
export function workerHealth(workers: WorkerView[]): WorkerHealth {
  const fresh = workers.filter((w) => w.fresh);
  const best = fresh.find((w) => w.heartbeat.state === 'running') ?? fresh[0];
  if (!best) {
    return { online: false, workers: 0, id: null, state: null, model: null, device: null, charsPerSecond: null };
  }
  const b = best.heartbeat;
  return {
    online: true,
    workers: fresh.length,
    id: b.worker_id,
    kind: b.kind,
    state: b.state,
    model: b.model?.name ?? null,
    device: b.device.name,
    charsPerSecond: b.chars_per_second > 0 ? Math.round(b.chars_per_second) : null,
    jobsDone: b.jobs_done,
    message: b.message,
  };
}
