/**
 * The bot's side of jobs: submit a request, track it, hand its response to a
 * handler exactly once (keyed by job id), then clean up: the request first, then
 * the response, so a worker never answers a job twice. On start it recovers:
 * requests still in the mailbox are tracked again, and responses that arrived
 * while the bot was down are handled. Until then, news of responses is left for
 * that recovery: a response to a job not yet tracked again is not taken for a
 * stranger's and deleted. A cleanup that fails never leaves the mailbox polled
 * as if jobs were waiting, and is tried again (request first) when the sweep
 * meets the response again.
 */
import { reasonOf } from '../log-text.ts';
import { defaultLogger, type Logger } from '../log.ts';
import type { Change, Transport } from '../transport/transport.ts';
import { jobAnswered, jobExpired, jobSubmitted } from './job-metrics.ts';
import { parseFile, ProtocolError, serialize } from './parse.ts';
import { progressOf, type Progress } from './progress.ts';
import type { Request, Response } from './protocol.ts';
import type { WorkerMonitor } from './workers.ts';

/** What the job client calls; core implements it. */
export interface JobHandler {
  /** A job's response arrived. Resolving means it was applied and delivered; throwing keeps it for a later try. */
  response(request: Request, response: Response): Promise<void>;
  /** A job's deadline passed with no response; its request is then withdrawn. */
  expired(request: Request): Promise<void>;
}

/** Tuning for the job client. */
export interface JobClientOptions {
  /** How often tracked jobs are checked for deadlines and retried (ms). */
  sweepMs: number;
  /** Extra time after a deadline before giving up on a job (ms). */
  deadlineGraceMs: number;
  /** How long to wait before handing a response over again after its delivery failed (ms). */
  retryMs: number;
  clock: () => number;
  log: Logger;
}

const DEFAULTS: JobClientOptions = {
  sweepMs: 1000,
  deadlineGraceMs: 5000,
  retryMs: 30_000,
  clock: Date.now,
  log: defaultLogger(),
};
/** How many finished job ids are remembered, to discard late duplicate responses. */
const REMEMBERED = 10_000;
const jobIdOf = (name: string) => name.replace(/\.json$/, '');

/** Submits and tracks jobs through the mailbox. */
export class JobClient {
  private readonly options: JobClientOptions;
  private readonly waiting = new Map<string, Request>();
  private readonly inHand = new Set<string>();
  private readonly done = new Set<string>();
  private readonly retryAt = new Map<string, number>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  /** Request files that could not be read at recovery: deleted once a worker has answered them. */
  private readonly unreadable = new Set<string>();
  /** Finished jobs whose request could not be deleted yet: the response must stay until it is. */
  private readonly requestLeft = new Set<string>();
  private handler: JobHandler | undefined;
  private timer: NodeJS.Timeout | undefined;
  private recovered = false;

  constructor(
    private readonly transport: Transport,
    private readonly workers: WorkerMonitor,
    options: Partial<JobClientOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Sets who handles responses and expiries. */
  setHandler(handler: JobHandler): void {
    this.handler = handler;
  }

  /** Recovers what is in the mailbox and starts sweeping. */
  async start(): Promise<void> {
    for (const name of await this.transport.list('requests')) await this.readRequest(name);
    // From here on, news of a response finds its job tracked; earlier ones are in this listing.
    this.recovered = true;
    for (const name of await this.transport.list('responses')) await this.onResponse(name);
    // A sweep that fails (the mailbox unreachable for a while) is logged and tried again next time.
    const log = (e: Error) =>
      this.options.log.warn({ error: reasonOf(e) }, `storyloom: mailbox sweep failed: ${reasonOf(e)}`);
    const sweep = () => this.sweep().catch(log);
    this.timer = setInterval(() => void sweep(), this.options.sweepMs);
    this.timer.unref();
  }

  /** Stops sweeping. */
  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * Tracks a request before it is written: it counts in places in line from the moment its id is made, so a job
   * asked for just after it (whose request may be written first) is counted behind it. `submit` writes it.
   */
  track(request: Request): void {
    this.waiting.set(request.job_id, request);
    this.transport.setUrgent(true);
  }

  /** Forgets a tracked request that was never written. */
  untrack(jobId: string): void {
    this.waiting.delete(jobId);
    this.transport.setUrgent(this.waiting.size > 0);
  }

  /** Writes the request (one atomic create) and tracks it. */
  async submit(request: Request): Promise<void> {
    this.track(request);
    try {
      await this.transport.put('requests', `${request.job_id}.json`, serialize(request));
    } catch (error) {
      this.untrack(request.job_id);
      throw error;
    }
    jobSubmitted(request);
  }

  /**
   * Waits for a job's response to be delivered (the handler resolved) -> the response.
   * Rejects with a JobWaitError when `timeoutMs` passes first (the job goes on), when the
   * job is cancelled or expires, or when `signal` aborts (which cancels the job).
   */
  wait(jobId: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<Response> {
    if (!this.waiting.has(jobId)) {
      return Promise.reject(new JobWaitError(jobId, 'unknown', `job ${jobId} is not waiting`));
    }
    return new Promise<Response>((resolve, reject) => {
      const waiter: Waiter = {
        settle: (outcome) => {
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', onAbort);
          this.waiters.get(jobId)?.delete(waiter);
          if (this.waiters.get(jobId)?.size === 0) this.waiters.delete(jobId);
          if (outcome instanceof JobWaitError) reject(outcome);
          else resolve(outcome);
        },
      };
      const onAbort = () => {
        waiter.settle(new JobWaitError(jobId, 'aborted', `waiting for job ${jobId} was aborted; the job is cancelled`));
        void this.cancel(jobId).catch((e: Error) => {
          const error = reasonOf(e);
          this.options.log.warn({ job_id: jobId, error }, `storyloom: cancelling job ${jobId} failed: ${error}`);
        });
      };
      const timer =
        options.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              const why = `job ${jobId} has no response after ${options.timeoutMs} ms`;
              waiter.settle(new JobWaitError(jobId, 'timeout', why));
            }, options.timeoutMs);
      timer?.unref();
      if (!this.waiters.has(jobId)) this.waiters.set(jobId, new Set());
      this.waiters.get(jobId)!.add(waiter);
      if (options.signal?.aborted) onAbort();
      else options.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Withdraws a job: its request is deleted and its response, if one comes, is discarded. */
  async cancel(jobId: string): Promise<void> {
    this.waiting.delete(jobId);
    this.remember(jobId);
    this.settleWaiters(jobId, new JobWaitError(jobId, 'cancelled', `job ${jobId} was cancelled or expired`));
    await this.cleanUp(jobId);
  }

  /** The requests still waiting for a response. */
  pending(): Request[] {
    return [...this.waiting.values()].sort((a, b) => (a.job_id < b.job_id ? -1 : 1));
  }

  /** Where each waiting job stands. */
  progress(): Map<string, Progress> {
    return progressOf(this.pending(), this.workers.workers());
  }

  /** Feeds mailbox news. */
  async onChange(change: Change): Promise<void> {
    if (change.removed) return;
    if (change.folder === 'responses') {
      if (this.recovered) await this.onResponse(change.name);
    } else if (change.folder === 'workers') await this.workers.onChange(change);
  }

  private async readRequest(name: string): Promise<void> {
    try {
      const text = await this.transport.get('requests', name);
      if (text === null) return;
      const request = parseFile('request', text);
      if (!this.done.has(request.job_id)) this.waiting.set(request.job_id, request);
    } catch (error) {
      // Not a request this bot can track (unreadable, or not ours): it must not stop recovery.
      if (!(error instanceof ProtocolError && error.code === 'not_ours')) this.unreadable.add(name);
      const why = reasonOf(error);
      this.options.log.warn({ file: `requests/${name}`, error: why }, `storyloom: ignoring requests/${name}: ${why}`);
    }
    this.transport.setUrgent(this.waiting.size > 0);
  }

  private async onResponse(name: string): Promise<void> {
    const jobId = jobIdOf(name);
    if (this.inHand.has(jobId)) return;
    this.inHand.add(jobId);
    try {
      await this.handleResponse(name, jobId);
    } finally {
      this.inHand.delete(jobId);
    }
  }

  private async handleResponse(name: string, jobId: string): Promise<void> {
    const request = this.waiting.get(jobId);
    if (this.done.has(jobId) || !request) {
      // Already delivered, withdrawn, or a response to a job this bot never asked for.
      if (await this.isOurs(name)) {
        // An unreadable request has had its (error) answer, and a finished job's request may have failed to go:
        // neither file is of use any more, and the request goes first.
        if (this.unreadable.has(name) || this.requestLeft.has(jobId)) await this.transport.delete('requests', name);
        this.unreadable.delete(name);
        this.requestLeft.delete(jobId);
        await this.transport.delete('responses', name);
      }
      return;
    }
    const text = await this.transport.get('responses', name);
    if (text === null) return;
    let response: Response;
    try {
      response = parseFile('response', text);
    } catch (error) {
      if (error instanceof ProtocolError && error.code === 'not_ours') return;
      response = unreadable(jobId, (error as Error).message);
    }
    if (!this.handler) throw new Error('JobClient has no handler');
    if ((this.retryAt.get(jobId) ?? 0) > this.options.clock()) return;
    try {
      await this.handler.response(request, response);
    } catch (error) {
      this.retryAt.set(jobId, this.options.clock() + this.options.retryMs);
      const why = reasonOf(error);
      const message = `storyloom: job ${jobId} not delivered yet, will try again: ${why}`;
      this.options.log.warn({ job_id: jobId, error: why }, message);
      return;
    }
    jobAnswered(request, response);
    await this.finish(jobId, response);
  }

  private remember(jobId: string): void {
    this.done.add(jobId);
    this.retryAt.delete(jobId);
    if (this.done.size > REMEMBERED) this.done.delete(this.done.values().next().value!);
  }

  private async finish(jobId: string, response: Response): Promise<void> {
    this.remember(jobId);
    this.waiting.delete(jobId);
    this.settleWaiters(jobId, response);
    await this.cleanUp(jobId);
  }

  /**
   * Deletes a finished job's request, then its response (so a worker never sees the request unanswered). However
   * that goes, the "jobs waiting" hint is brought up to date: a failed delete must not keep the mailbox polled fast.
   */
  private async cleanUp(jobId: string): Promise<void> {
    try {
      this.requestLeft.add(jobId);
      await this.transport.delete('requests', `${jobId}.json`);
      this.requestLeft.delete(jobId);
      await this.transport.delete('responses', `${jobId}.json`);
    } finally {
      this.transport.setUrgent(this.waiting.size > 0);
    }
  }

  private settleWaiters(jobId: string, outcome: Response | JobWaitError): void {
    for (const waiter of [...(this.waiters.get(jobId) ?? [])]) waiter.settle(outcome);
  }

  private async isOurs(name: string): Promise<boolean> {
    const text = await this.transport.get('responses', name);
    if (text === null) return false;
    try {
      parseFile('response', text);
      return true;
    } catch (error) {
      return !(error instanceof ProtocolError && error.code === 'not_ours');
    }
  }

  /** Gives up on jobs past their deadline, and retries responses whose delivery failed. */
  private async sweep(): Promise<void> {
    const now = this.options.clock();
    for (const request of [...this.waiting.values()]) {
      const late = Date.parse(request.deadline) + this.options.deadlineGraceMs <= now;
      if (!late || this.inHand.has(request.job_id)) continue;
      this.inHand.add(request.job_id);
      try {
        await this.handler?.expired(request);
        await this.cancel(request.job_id);
        jobExpired(request);
      } catch (error) {
        const why = reasonOf(error);
        const job = request.job_id;
        this.options.log.warn({ job_id: job, error: why }, `storyloom: expiring job ${job} failed: ${why}`);
      } finally {
        this.inHand.delete(request.job_id);
      }
    }
    const responses = await this.transport.list('responses').catch(() => [] as string[]);
    for (const name of responses) await this.onResponse(name);
  }
}

/** Why `JobClient.wait` gave up. */
export class JobWaitError extends Error {
  constructor(
    readonly jobId: string,
    readonly reason: 'timeout' | 'cancelled' | 'aborted' | 'unknown',
    message: string,
  ) {
    super(message);
    this.name = 'JobWaitError';
  }
}

interface Waiter {
  settle(outcome: Response | JobWaitError): void;
}

function unreadable(jobId: string, why: string): Response {
  return {
    v: 1,
    type: 'response',
    job_id: jobId,
    worker_id: 'unknown',
    finished_at: new Date().toISOString(),
    ok: false,
    error: { code: 'internal', message: `the worker's response could not be read: ${why}` },
  };
}
