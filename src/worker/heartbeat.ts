/**
 * The embedded worker's heartbeat (the twin of colab's `build_heartbeat`), and the other workers'
 * heartbeats it defers to. This module knows no Worker: the worker hands it the facts a heartbeat states.
 */
import { cpus } from 'node:os';
import { parseFile } from '../jobs/parse.ts';
import type { Heartbeat, WorkerState } from '../jobs/protocol.ts';
import type { Served } from '../jobs/schedule.ts';
import type { EngineInfo } from '../model/engine.ts';
import type { Change, Transport } from '../transport/transport.ts';
import type { WorkerMetrics } from './metrics.ts';

/** A command the worker applied, as its heartbeat lists it. */
export type AppliedControl = Heartbeat['applied_controls'][number];

/** What a heartbeat says about its worker, as the worker sees it now. */
export interface WorkerFacts {
  workerId: string;
  kind: string;
  version: string;
  state: WorkerState;
  startedAt: string;
  intervalS: number;
  batchMax: number;
  /** The model in use and when it was loaded, or null while none is. */
  model: { info: EngineInfo; loadedAt: string } | null;
  metrics: WorkerMetrics;
  /** The commands applied, oldest first (the heartbeat lists the last 20). */
  applied: readonly AppliedControl[];
  message: string | null;
  served: Served;
  batches: number;
  /** The job ids in the batch in hand. */
  active: readonly string[];
  /** Requests seen and not yet answered. */
  queued: number;
}

/** True when `beat` is another worker's, fresh, and one this worker should defer to. */
export function isFreshOther(beat: Heartbeat, myId: string, now = Date.now()): boolean {
  if (beat.worker_id === myId || beat.state === 'standby' || beat.state === 'stopping') return false;
  if (now - Date.parse(beat.at) >= 3 * beat.interval_s * 1000) return false;
  // Two embedded workers in 'auto' would each defer to the other; the smaller id wins.
  return beat.kind !== 'embedded' || beat.worker_id < myId;
}

/** A heartbeat from its file's text, or null when it is not a readable one. */
export function readHeartbeat(text: string): Heartbeat | null {
  try {
    return parseFile('heartbeat', text);
  } catch {
    return null;
  }
}

/** The other workers' latest heartbeats, kept current from the news of workers/. */
export class Peers {
  private readonly beats = new Map<string, Heartbeat>();

  constructor(
    private readonly transport: Pick<Transport, 'get'>,
    private readonly myId: string,
  ) {}

  /** Reads a changed heartbeat afresh; forgets a removed or unreadable one. Our own is not a peer's. */
  async update(change: Change): Promise<void> {
    const id = change.name.replace(/\.json$/, '');
    if (id === this.myId) return;
    const text = change.removed ? null : await this.transport.get('workers', change.name);
    const beat = text ? readHeartbeat(text) : null;
    if (beat) this.beats.set(id, beat);
    else this.beats.delete(id);
  }

  /** True while a worker this one should defer to has a fresh heartbeat. */
  anyFresh(): boolean {
    return [...this.beats.values()].some((beat) => isFreshOther(beat, this.myId));
  }
}

/** The heartbeat document for a worker now. */
export function buildHeartbeat(facts: WorkerFacts): Heartbeat {
  const { metrics, model } = facts;
  const cpu = cpus()[0]?.model?.trim() || 'cpu';
  return {
    v: 1,
    type: 'heartbeat',
    worker_id: facts.workerId,
    kind: facts.kind,
    version: facts.version,
    state: facts.state,
    at: new Date().toISOString(),
    started_at: facts.startedAt,
    runtime_ends_at: null,
    interval_s: facts.intervalS,
    device: {
      type: 'cpu',
      name: `${cpu} (WebAssembly SIMD)`,
      memory_total_mb: null,
      memory_used_mb: Math.round(process.memoryUsage().rss / 2 ** 20),
    },
    model: model && {
      name: model.info.name,
      sha256: model.info.sha256,
      parameters: model.info.parameters,
      loaded_at: model.loadedAt,
    },
    active_jobs: [...facts.active],
    queued: Math.max(0, facts.queued),
    batch_max: facts.batchMax,
    chars_per_second: metrics.charsPerSecond.value ?? 0,
    batch_seconds: metrics.batchSeconds.value,
    jobs_done: metrics.jobsDone,
    jobs_failed: metrics.jobsFailed,
    applied_controls: facts.applied.slice(-20),
    message: facts.message,
    served: { ...facts.served },
    batches: facts.batches,
  };
}
