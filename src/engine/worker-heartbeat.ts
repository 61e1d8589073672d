/** The embedded worker's heartbeat, and how it judges other workers' heartbeats. */
import { cpus } from 'node:os';
import type { Heartbeat } from '../jobs/protocol.ts';
import type { EmbeddedWorker } from './worker.ts';

/** True when `beat` is another worker's, fresh, and one this worker should defer to. */
export function isFreshOther(beat: Heartbeat, myId: string, now = Date.now()): boolean {
  if (beat.worker_id === myId || beat.state === 'standby' || beat.state === 'stopping') return false;
  if (now - Date.parse(beat.at) >= 3 * beat.interval_s * 1000) return false;
  // Two embedded workers in 'auto' would each defer to the other; the smaller id wins.
  return beat.kind !== 'embedded' || beat.worker_id < myId;
}

/** The heartbeat document for this worker now. */
export function buildHeartbeat(worker: EmbeddedWorker, active: string[], queued: number): Heartbeat {
  const { options, metrics, engine } = worker;
  return {
    v: 1, type: 'heartbeat', worker_id: options.workerId, kind: options.kind, version: options.version, state: worker.state,
    at: new Date().toISOString(), started_at: worker.startedAt, runtime_ends_at: null, interval_s: options.intervalS,
    device: { type: 'cpu', name: `${cpus()[0]?.model?.trim() || 'cpu'} (WebAssembly SIMD)`, memory_total_mb: null, memory_used_mb: Math.round(process.memoryUsage().rss / 2 ** 20) },
    model: engine ? { name: engine.info.name, sha256: engine.info.sha256, parameters: engine.info.parameters, loaded_at: worker.modelLoadedAt } : null,
    active_jobs: [...active], queued: Math.max(0, queued), batch_max: options.batchMax,
    chars_per_second: metrics.charsPerSecond.value ?? 0, batch_seconds: metrics.batchSeconds.value,
    jobs_done: metrics.jobsDone, jobs_failed: metrics.jobsFailed, applied_controls: worker.applied.slice(-20), message: worker.message,
    served: { ...worker.served }, batches: worker.batches,
  };
}
