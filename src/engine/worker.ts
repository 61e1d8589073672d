/**
 * The embedded worker: the loop the Colab worker runs too (docs/protocol.md).
 * It watches requests/, takes batches in round-robin-by-user order, generates on
 * the CPU engine, writes responses/, writes a heartbeat every few seconds, and
 * obeys control files. A bad request gets an error response; the worker never dies
 * of one job.
 */
import { parseFile } from '../jobs/parse.ts';
import type { ErrorCode, Heartbeat, Request, WorkerState } from '../jobs/protocol.ts';
import { nextBatch, recordServed, type Served } from '../jobs/schedule.ts';
import type { Change, Transport } from '../transport/transport.ts';
import type { Engine } from './engine.ts';
import { WorkerMetrics } from './metrics.ts';
import { applyControl, type AppliedControl } from './worker-control.ts';
import { buildHeartbeat, isFreshOther } from './worker-heartbeat.ts';
import { errorResponse, okResponse, readIncoming, writeResponse, type Incoming } from './worker-io.ts';
import { reasonOf } from '../log-text.ts';

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

/** How an embedded worker runs. */
export interface WorkerOptions {
  workerId: string;
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
  log: (message: string) => void;
}

/** One worker over one mailbox. */
export class EmbeddedWorker {
  state: WorkerState = 'starting';
  engine: Engine | null = null;
  modelLoadedAt = new Date().toISOString();
  message: string | null = null;
  readonly startedAt = new Date().toISOString();
  readonly metrics = new WorkerMetrics();
  readonly applied: AppliedControl[] = [];
  /** The round-robin's memory: who was served in which batch. */
  served: Served = {};
  batches = 0;
  /** Requests seen, by job id: read, or null until a batch needs them (a standing-by worker reads nothing). */
  private readonly known = new Map<string, Incoming | null>();
  private readonly answered = new Set<string>();
  private readonly others = new Map<string, Heartbeat>();
  /** Requests whose last read failed (logged once each). */
  private readonly readFailures = new Set<string>();
  private active: string[] = [];
  /** When the last new or changed request was seen (ms). */
  private lastRequestAt = 0;
  private wanted: WorkerState = 'running';
  private timer: NodeJS.Timeout | undefined;
  private wake: () => void = () => undefined;
  private stopped = false;
  private loopDone: Promise<void> = Promise.resolve();

  constructor(readonly transport: Transport, readonly options: WorkerOptions) {}

  /** Loads the model, reads the mailbox, and starts the loop and the heartbeat. */
  async start(): Promise<void> {
    await this.recallApplied();
    await this.reload(null);
    for (const name of await this.transport.list('responses')) this.answered.add(name.replace(/\.json$/, ''));
    for (const name of await this.transport.list('workers')) await this.onChange({ folder: 'workers', name, removed: false });
    for (const name of await this.transport.list('requests')) await this.onChange({ folder: 'requests', name, removed: false });
    this.transport.subscribe((change) => void this.onChange(change).catch((e: Error) => this.options.log(`storyloom worker: ${reasonOf(e)}`)));
    for (const name of await this.transport.list('control')) await this.onChange({ folder: 'control', name, removed: false });
    this.settle();
    await this.beat();
    this.timer = setInterval(() => void this.beat().catch((e: Error) => this.options.log(`storyloom worker: heartbeat failed: ${reasonOf(e)}`)), this.options.intervalS * 1000);
    this.loopDone = this.loop();
  }

  /** Stops taking work, finishes the batch in hand, and writes a last heartbeat. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    clearInterval(this.timer);
    await this.loopDone;
    this.state = 'stopping';
    await this.beat().catch(() => undefined);
  }

  /**
   * Takes the commands this worker id applied before a restart from its own last heartbeat (its `applied_controls`,
   * the last 20), so that a control file that could not be deleted is not applied again (a restart, again and again).
   */
  private async recallApplied(): Promise<void> {
    const text = await this.transport.get('workers', `${this.options.workerId}.json`).catch(() => null);
    const beat = text ? safeHeartbeat(text) : null;
    for (const control of beat?.applied_controls.slice(-20) ?? []) {
      if (!this.applied.some((c) => c.command_id === control.command_id)) this.applied.push(control);
    }
  }

  /** Loads the model (or another one); on failure keeps the old one and says why. */
  async reload(model: string | null): Promise<boolean> {
    try {
      this.engine = await this.options.loadEngine(model);
      this.modelLoadedAt = new Date().toISOString();
      this.message = null;
      return true;
    } catch (error) {
      this.message = `model failed to load: ${(error as Error).message}`;
      this.options.log(`storyloom worker: ${this.message}`);
      return false;
    }
  }

  /** Sets the state an admin asked for (standby may still override 'running'). */
  want(state: WorkerState): void {
    this.wanted = state;
    this.settle();
  }

  private settle(): void {
    if (this.state === 'stopping') return;
    const deferring = this.options.mode === 'auto' && [...this.others.values()].some((b) => isFreshOther(b, this.options.workerId));
    this.state = this.wanted === 'running' && deferring ? 'standby' : this.wanted;
    this.transport.setIdlePoll(this.state === 'running' ? RUNNING_IDLE_POLL_MS : undefined);
    this.wake();
  }

  async onChange(change: Change): Promise<void> {
    const id = change.name.replace(/\.json$/, '');
    if (change.folder === 'requests') {
      if (change.removed) return void (this.known.delete(id), this.answered.delete(id), this.readFailures.delete(id));
      // A changed request is read afresh when a batch needs it.
      this.known.set(id, null);
      this.lastRequestAt = Date.now();
      this.wake();
    } else if (change.folder === 'responses' && !change.removed) {
      this.answered.add(id);
    } else if (change.folder === 'control' && !change.removed) {
      await applyControl(this, change.name);
    } else if (change.folder === 'workers' && id !== this.options.workerId) {
      const text = change.removed ? null : await this.transport.get('workers', change.name);
      const beat = text ? safeHeartbeat(text) : null;
      if (beat) this.others.set(id, beat);
      else this.others.delete(id);
      this.settle();
    }
  }

  /** Writes the heartbeat now. */
  async beat(): Promise<void> {
    if (this.state !== 'stopping') this.settle();
    const heartbeat = buildHeartbeat(this, this.active, this.known.size - this.answered.size);
    await this.transport.put('workers', `${this.options.workerId}.json`, `${JSON.stringify(heartbeat)}\n`);
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 1000).unref();
      });
      if (this.stopped || this.state !== 'running' || !this.engine) continue;
      try {
        await this.gather();
        const batch = await this.pick();
        if (batch.length) await this.run(batch);
      } catch (error) {
        // The mailbox failed us (a write that would not go through): log it, try again next pass.
        this.options.log(`storyloom worker: ${reasonOf(error)}`);
      }
    }
  }

  /** Waits while requests are still arriving (see GATHER_MS). */
  private async gather(): Promise<void> {
    const started = Date.now();
    while (Date.now() - this.lastRequestAt < GATHER_MS && Date.now() - started < 5 * GATHER_MS && !this.stopped) {
      await new Promise((resolve) => setTimeout(resolve, GATHER_MS / 5));
    }
  }

  /** Reads a request; a read that fails (an unreadable file, the mailbox away) is logged once and tried again later. */
  private async read(id: string): Promise<Incoming | null | undefined> {
    try {
      const incoming = await readIncoming(this.transport, `${id}.json`);
      this.readFailures.delete(id);
      return incoming;
    } catch (error) {
      if (!this.readFailures.has(id)) this.options.log(`storyloom worker: requests/${id}.json could not be read: ${reasonOf(error)}`);
      this.readFailures.add(id);
      return undefined;
    }
  }

  /** Answers unreadable and expired requests at once, and returns the next batch. */
  private async pick(): Promise<Request[]> {
    const valid: Request[] = [];
    for (const [id, seen] of [...this.known]) {
      if (this.answered.has(id)) continue;
      const incoming = seen ?? (await this.read(id));
      if (incoming === undefined) continue;
      if (!incoming) {
        this.known.delete(id);
        continue;
      }
      this.known.set(id, incoming);
      if ('foreign' in incoming) continue;
      if ('error' in incoming) {
        const code = incoming.error.code === 'unsupported_version' ? 'unsupported_version' : 'bad_request';
        await this.respond(errorResponse(incoming.jobId, this.options.workerId, code, incoming.error.message), false);
      } else {
        const refusal = this.refusal(incoming.jobId, incoming.request);
        if (refusal) await this.respond(errorResponse(incoming.jobId, this.options.workerId, refusal[0], refusal[1]), false);
        else valid.push(incoming.request);
      }
    }
    return nextBatch(valid.map((r) => ({ jobId: r.job_id, userId: r.user.id, r })), this.options.batchMax, this.served).map((w) => w.r);
  }

  /** Why a readable request gets an error instead of a line, if it does (the same rules as colab/worker_core.py). */
  private refusal(fileJobId: string, r: Request): [ErrorCode, string] | null {
    if (r.job_id !== fileJobId) return ['bad_request', `job_id ${r.job_id} does not match the file name ${fileJobId}.json`];
    if (Date.parse(r.deadline) < Date.now()) return ['expired', 'the deadline passed before a worker reached this job'];
    const model = this.engine?.info.name;
    if (r.model !== null && r.model !== model) return ['model_error', `this worker runs model '${model}', not '${r.model}'`];
    return null;
  }

  private async respond(response: Parameters<typeof writeResponse>[1], ok: boolean): Promise<void> {
    await writeResponse(this.transport, response);
    this.answered.add(response.job_id);
    if (!ok) this.metrics.jobsFailed++;
  }

  private async run(batch: Request[]): Promise<void> {
    const engine = this.engine!;
    this.active = batch.map((r) => r.job_id);
    this.batches++;
    this.served = recordServed(this.served, batch.map((r) => r.user.id));
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
    const started = performance.now();
    let results: Awaited<ReturnType<Engine['generate']>> | null = null;
    let failure = '';
    try {
      results = await engine.generate(batch.map((r) => ({ prompt: r.prompt, options: toEngineOptions(r), cacheKey: r.story_id })));
    } catch (error) {
      failure = (error as Error).message;
    }
    const seconds = (performance.now() - started) / 1000;
    const ms = Math.round(seconds * 1000);
    const { name, sha256 } = engine.info;
    for (const [i, r] of batch.entries()) {
      const result = results?.[i];
      const response = result
        ? okResponse(r.job_id, this.options.workerId, { text: result.text, stop: result.stop, model: name, model_sha256: sha256, device: 'cpu (embedded)', ms })
        : errorResponse(r.job_id, this.options.workerId, 'internal', failure || 'no result');
      // A response that cannot be written stays unanswered: a later pass makes it again.
      await this.respond(response, Boolean(result)).catch((error: Error) => this.options.log(`storyloom worker: the response to job ${r.job_id} was not written: ${reasonOf(error)}`));
    }
    const chars = results?.reduce((n, g) => n + g.text.length, 0) ?? 0;
    this.metrics.batch(chars, seconds, results ? batch.length : 0, 0);
  }
}

function toEngineOptions(r: Request) {
  const s = r.sampling;
  return { temperature: s.temperature, topK: s.top_k, topP: s.top_p, maxChars: s.max_chars, minChars: s.min_chars ?? undefined, stop: s.stop, seed: s.seed };
}

function safeHeartbeat(text: string): Heartbeat | null {
  try {
    return parseFile('heartbeat', text);
  } catch {
    return null;
  }
}
