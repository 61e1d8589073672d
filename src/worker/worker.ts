/**
 * A worker's loop (the twin of colab's `Worker`), here the embedded one (`kind: 'embedded'`) on the CPU
 * engine; docs/protocol.md. It watches requests/, takes batches in round-robin-by-user order, generates,
 * writes responses/, writes a heartbeat every few seconds, and obeys control files. A bad request gets an
 * error response; the worker never dies of one job.
 *
 *   const worker = new Worker(transport, { workerId, kind: 'embedded', loadEngine, ... });
 *   await worker.start();   // ... await worker.stop();
 */
import type { ErrorCode, Request, WorkerState } from '../jobs/protocol.ts';
import { nextBatch, recordServed, type Served } from '../jobs/schedule.ts';
import { reasonOf } from '../log-text.ts';
import type { LogFields, Logger } from '../log.ts';
import type { Engine } from '../model/engine.ts';
import type { Change, Transport } from '../transport/transport.ts';
import { generateBatch } from './batch.ts';
import { AppliedControls, applyControl, type ControlTarget } from './control.ts';
import { buildHeartbeat, Peers, readHeartbeat, type AppliedControl } from './heartbeat.ts';
import { errorResponse, writeResponse } from './io.ts';
import { JobBook, refusalOf } from './job-book.ts';
import { WorkerMetrics } from './metrics.ts';
import { GATHER_MS, RUNNING_IDLE_POLL_MS, type WorkerOptions } from './options.ts';

/** One worker over one mailbox. */
export class Worker implements ControlTarget {
  readonly startedAt = new Date().toISOString();
  readonly metrics = new WorkerMetrics();
  readonly controls = new AppliedControls();
  private current: WorkerState = 'starting';
  private loaded: Engine | null = null;
  private loadedAt = new Date().toISOString();
  private note: string | null = null;
  /** The round-robin's memory: who was served in which batch. */
  private served: Served = {};
  private batches = 0;
  private readonly book: JobBook;
  private readonly peers: Peers;
  /** The process's logger, its records carrying this worker's id. */
  private readonly logger: Logger;
  private active: string[] = [];
  private wanted: WorkerState = 'running';
  private timer: NodeJS.Timeout | undefined;
  private wake: () => void = () => undefined;
  private stopped = false;
  private loopDone: Promise<void> = Promise.resolve();

  constructor(
    readonly transport: Transport,
    readonly options: WorkerOptions,
  ) {
    this.logger = options.log.child({ worker_id: options.workerId });
    this.book = new JobBook(transport, this.logger);
    this.peers = new Peers(transport, options.workerId);
  }

  /** What the worker is doing (running, standby, paused, draining, stopping). */
  get state(): WorkerState {
    return this.current;
  }

  /** The loaded model, or null while none is. */
  get engine(): Engine | null {
    return this.loaded;
  }

  /** When the model in use was loaded (ISO time). */
  get modelLoadedAt(): string {
    return this.loadedAt;
  }

  /** Why the model is not the one asked for (it failed to load), or null. */
  get message(): string | null {
    return this.note;
  }

  /** The commands applied, oldest first. */
  get applied(): readonly AppliedControl[] {
    return this.controls.all;
  }

  /** Its id in the mailbox (workers/<id>.json). */
  get workerId(): string {
    return this.options.workerId;
  }

  /** Loads the model, reads the mailbox, and starts the loop and the heartbeat. */
  async start(): Promise<void> {
    await this.recallApplied();
    await this.reload(null);
    for (const name of await this.transport.list('responses')) this.book.answer(name.replace(/\.json$/, ''));
    for (const name of await this.transport.list('workers')) await this.onChange(news('workers', name));
    for (const name of await this.transport.list('requests')) await this.onChange(news('requests', name));
    this.transport.subscribe(
      (change) => void this.onChange(change).catch((e: Error) => this.warn(reasonOf(e), { error: reasonOf(e) })),
    );
    for (const name of await this.transport.list('control')) await this.onChange(news('control', name));
    this.settle();
    await this.beat();
    const beat = () =>
      void this.beat().catch((e: Error) => this.warn(`heartbeat failed: ${reasonOf(e)}`, { error: reasonOf(e) }));
    this.timer = setInterval(beat, this.options.intervalS * 1000);
    this.loopDone = this.loop();
  }

  /** Stops taking work, finishes the batch in hand, and writes a last heartbeat. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    clearInterval(this.timer);
    await this.loopDone;
    this.current = 'stopping';
    await this.beat().catch(() => undefined);
  }

  /** Writes a last heartbeat that says 'stopping', then hands over to the supervisor (a `restart` control). */
  async restart(): Promise<void> {
    this.current = 'stopping';
    await this.beat().catch(() => undefined);
    this.options.onRestart();
  }

  /** Logs a line with the worker's prefix, at info, with its id and `fields`. */
  log(message: string, fields: LogFields = {}): void {
    this.logger.info(fields, `storyloom worker: ${message}`);
  }

  /** Logs a line with the worker's prefix, at warn. */
  warn(message: string, fields: LogFields = {}): void {
    this.logger.warn(fields, `storyloom worker: ${message}`);
  }

  /**
   * Takes the commands this worker id applied before a restart from its own last heartbeat (its `applied_controls`,
   * the last 20), so that a control file that could not be deleted is not applied again (a restart, again and again).
   */
  private async recallApplied(): Promise<void> {
    const text = await this.transport.get('workers', `${this.options.workerId}.json`).catch(() => null);
    const beat = text ? readHeartbeat(text) : null;
    for (const control of beat?.applied_controls.slice(-20) ?? []) this.controls.record(control);
  }

  /** Loads the model (or another one); on failure keeps the old one and says why. */
  async reload(model: string | null): Promise<boolean> {
    try {
      this.loaded = await this.options.loadEngine(model);
      this.loadedAt = new Date().toISOString();
      this.note = null;
      return true;
    } catch (error) {
      this.note = `model failed to load: ${(error as Error).message}`;
      this.logger.error({ model, error: (error as Error).message }, `storyloom worker: ${this.note}`);
      return false;
    }
  }

  /** Sets the state an admin asked for (standby may still override 'running'). */
  want(state: WorkerState): void {
    this.wanted = state;
    this.settle();
  }

  private settle(): void {
    if (this.current === 'stopping') return;
    const deferring = this.options.mode === 'auto' && this.peers.anyFresh();
    this.current = this.wanted === 'running' && deferring ? 'standby' : this.wanted;
    this.transport.setIdlePoll(this.current === 'running' ? RUNNING_IDLE_POLL_MS : undefined);
    this.wake();
  }

  /** Takes one piece of mailbox news. */
  async onChange(change: Change): Promise<void> {
    const id = change.name.replace(/\.json$/, '');
    if (change.folder === 'requests') {
      if (change.removed) return this.book.removed(id);
      this.book.seen(id);
      this.wake();
    } else if (change.folder === 'responses' && !change.removed) {
      this.book.answer(id);
    } else if (change.folder === 'control' && !change.removed) {
      await applyControl(this, change.name);
    } else if (change.folder === 'workers' && id !== this.options.workerId) {
      await this.peers.update(change);
      this.settle();
    }
  }

  /** Writes the heartbeat now. */
  async beat(): Promise<void> {
    if (this.current !== 'stopping') this.settle();
    const { workerId, kind, version, intervalS, batchMax } = this.options;
    const heartbeat = buildHeartbeat({
      workerId,
      kind,
      version,
      intervalS,
      batchMax,
      state: this.current,
      startedAt: this.startedAt,
      model: this.loaded ? { info: this.loaded.info, loadedAt: this.loadedAt } : null,
      metrics: this.metrics,
      applied: this.controls.all,
      message: this.note,
      served: this.served,
      batches: this.batches,
      active: this.active,
      queued: this.book.queued,
    });
    await this.transport.put('workers', `${workerId}.json`, `${JSON.stringify(heartbeat)}\n`);
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 1000).unref();
      });
      if (this.stopped || this.current !== 'running' || !this.loaded) continue;
      try {
        await this.gather();
        const batch = await this.pick();
        if (batch.length) await this.run(batch);
      } catch (error) {
        // The mailbox failed us (a write that would not go through): log it, try again next pass.
        this.warn(reasonOf(error), { error: reasonOf(error) });
      }
    }
  }

  /** Waits while requests are still arriving (see GATHER_MS). */
  private async gather(): Promise<void> {
    const started = Date.now();
    const arriving = () => Date.now() - this.book.lastSeenAt < GATHER_MS && Date.now() - started < 5 * GATHER_MS;
    while (arriving() && !this.stopped) await new Promise((resolve) => setTimeout(resolve, GATHER_MS / 5));
  }

  /** Answers unreadable and expired requests at once, and returns the next batch. */
  private async pick(): Promise<Request[]> {
    const { workerId, batchMax } = this.options;
    const refuse = (jobId: string, code: ErrorCode, message: string) =>
      this.respond(errorResponse(jobId, workerId, code, message), false);
    const valid = await this.book.waiting((jobId, r) => refusalOf(jobId, r, this.loaded?.info.name), refuse);
    const waiting = valid.map((r) => ({ jobId: r.job_id, userId: r.user.id, r }));
    return nextBatch(waiting, batchMax, this.served).map((w) => w.r);
  }

  private async respond(response: Parameters<typeof writeResponse>[1], ok: boolean): Promise<void> {
    await writeResponse(this.transport, response);
    this.book.answer(response.job_id);
    if (!ok) this.metrics.jobsFailed++;
  }

  private async run(batch: Request[]): Promise<void> {
    const engine = this.loaded!;
    this.active = batch.map((r) => r.job_id);
    this.batches++;
    this.served = recordServed(
      this.served,
      batch.map((r) => r.user.id),
    );
    if (this.options.heartbeatOnBatch) await this.beat().catch(() => undefined);
    // News waits while the batch is written (it cannot be acted on before), and is looked for as soon as it is.
    this.transport.setBusy(true);
    try {
      await this.answer(engine, batch);
    } finally {
      this.transport.setBusy(false);
      this.active = [];
    }
    if (this.options.heartbeatOnBatch) await this.beat().catch(() => undefined);
  }

  /** Generates a batch and writes its responses (an error response for each job when generation fails). */
  private async answer(engine: Engine, batch: Request[]): Promise<void> {
    const outcome = await generateBatch(engine, batch, this.options.workerId);
    for (const { response, ok } of outcome.responses) {
      // A response that cannot be written stays unanswered: a later pass makes it again.
      await this.respond(response, ok).catch((error: Error) => {
        const why = reasonOf(error);
        const job = response.job_id;
        this.warn(`the response to job ${job} was not written: ${why}`, { job_id: job, error: why });
      });
    }
    this.metrics.batch(outcome.chars, outcome.seconds, outcome.done, 0);
  }
}

/** News of a file already in the mailbox when the worker starts. */
function news(folder: Change['folder'], name: string): Change {
  return { folder, name, removed: false };
}
