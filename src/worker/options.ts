/**
 * How a worker runs: its settings, and the pacing every worker keeps.
 *
 *   new Worker(transport, { workerId: 'embedded-1', kind: 'embedded', mode: 'auto', batchMax: 8, ... });
 */
import type { Logger } from '../log.ts';
import type { Engine } from '../model/engine.ts';

/**
 * How often a worker taking jobs looks for news on a polled mailbox (Drive) while nothing waits (ms). A job
 * after a quiet spell is seen within it: 40 polls and 12 heartbeats (every 5 s) a minute, under Drive's 60.
 * A worker standing by (a GPU worker is fresh), paused or draining keeps the transport's slow pace.
 */
export const RUNNING_IDLE_POLL_MS = 1500;

/**
 * Requests sent together (three people starting stories at once) land a few ms apart. Before taking a batch, the
 * worker waits until none has come for this long (ms; at most 5 times it), so they go in one batch, in run order,
 * as the bot counted their places in line, rather than the first alone and the rest a batch later.
 */
export const GATHER_MS = 50;

/** How a worker runs. */
export interface WorkerOptions {
  workerId: string;
  /** What kind of worker this is, as its heartbeat says ('embedded'). */
  kind: string;
  /** 'always' takes jobs; 'auto' stands by while another worker's heartbeat is fresh. */
  mode: 'auto' | 'always';
  batchMax: number;
  intervalS: number;
  version: string;
  /** Write a heartbeat when a batch starts and ends too (cheap locally, costly on Drive). */
  heartbeatOnBatch: boolean;
  loadEngine: (model: string | null) => Promise<Engine>;
  onRestart: () => void;
  /** The process's logger; the worker's records carry its `worker_id`. */
  log: Logger;
}
