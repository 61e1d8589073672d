/**
 * What the workers are doing, from their heartbeats in `workers/`. A heartbeat is
 * fresh while `now - at < 3 × interval_s` (plus a little grace for clocks and
 * polling); a worker without a fresh heartbeat is offline.
 */
import type { Change, Transport } from '../transport/transport.ts';
import { parseFile } from './parse.ts';
import type { Heartbeat } from './protocol.ts';
import { reasonOf } from '../log-text.ts';
import { defaultLogger, type Logger } from '../log.ts';

/** A worker as the bot sees it. */
export interface WorkerView {
  heartbeat: Heartbeat;
  fresh: boolean;
  ageS: number;
}

/** Watches heartbeats and answers questions about the workers. */
export class WorkerMonitor {
  private readonly beats = new Map<string, Heartbeat>();
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly transport: Transport,
    private readonly graceS = 10,
    private readonly clock: () => number = Date.now,
    private readonly log: Logger = defaultLogger(),
  ) {}

  /** Reads every heartbeat once; afterwards `onChange` keeps them current. */
  async load(): Promise<void> {
    for (const name of await this.transport.list('workers')) await this.read(name);
  }

  /** Feeds mailbox news; heartbeats are read again when they change. */
  async onChange(change: Change): Promise<void> {
    if (change.folder !== 'workers') return;
    if (change.removed) this.beats.delete(change.name.replace(/\.json$/, ''));
    else await this.read(change.name);
    for (const listener of this.listeners) listener();
  }

  private async read(name: string): Promise<void> {
    const text = await this.transport.get('workers', name);
    if (text === null) return;
    try {
      const beat = parseFile('heartbeat', text);
      this.beats.set(beat.worker_id, beat);
    } catch (error) {
      const why = reasonOf(error);
      this.log.warn({ file: `workers/${name}`, error: why }, `storyloom: ignoring workers/${name}: ${why}`);
    }
  }

  /** Calls `listener` whenever a heartbeat changes. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every worker that ever wrote a heartbeat here, freshest first. */
  workers(): WorkerView[] {
    const now = this.clock();
    return [...this.beats.values()]
      .map((heartbeat) => {
        const ageS = (now - Date.parse(heartbeat.at)) / 1000;
        return { heartbeat, ageS, fresh: ageS < 3 * heartbeat.interval_s + this.graceS };
      })
      .sort((a, b) => a.ageS - b.ageS);
  }

  /** Fresh workers that take jobs (running or draining), fastest first. */
  serving(): WorkerView[] {
    return this.workers()
      .filter((w) => w.fresh && (w.heartbeat.state === 'running' || w.heartbeat.state === 'draining'))
      .sort((a, b) => b.heartbeat.chars_per_second - a.heartbeat.chars_per_second);
  }

  /** Resolves true once `check` holds for the workers, or false after `timeoutMs`. */
  waitFor(check: (workers: WorkerView[]) => boolean, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const test = () => {
        if (!check(this.workers())) return false;
        cleanup();
        resolve(true);
        return true;
      };
      const unsubscribe = this.subscribe(test);
      const timer = setTimeout(() => {
        cleanup();
        resolve(false);
      }, timeoutMs);
      const cleanup = () => {
        unsubscribe();
        clearTimeout(timer);
      };
      test();
    });
  }
}
