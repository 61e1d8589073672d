/**
 * Jobs over a mailbox without a model: the bot's real JobClient with a
 * recording handler, and a minimal worker that answers each request at once.
 * Used by the fault, restart and budget tests and by scripts/bench-drive.ts.
 */
import { ulid } from 'ulid';
import { JobClient, type JobHandler } from '../../../src/jobs/client.ts';
import { parseFile, serialize } from '../../../src/jobs/parse.ts';
import type { Request, Response } from '../../../src/jobs/protocol.ts';
import { WorkerMonitor } from '../../../src/jobs/workers.ts';
import { quietLog } from '../../helpers/log.ts';
import type { Transport } from '../../../src/transport/transport.ts';

/** A valid request for `user`, due in ten minutes. */
export function makeRequest(user: string, prompt = 'Once upon a time'): Request {
  const now = Date.now();
  return {
    v: 1,
    type: 'request',
    job_id: ulid(),
    story_id: ulid(),
    story_version: 0,
    purpose: 'start',
    attempt: 1,
    created_at: new Date(now).toISOString(),
    deadline: new Date(now + 600_000).toISOString(),
    prompt,
    sampling: { temperature: 0.8, top_k: 0, top_p: 0.95, max_chars: 40, min_chars: null, stop: 'sentence', seed: 1 },
    model: null,
    user: { id: user, name: user },
    reply: { platform: 'test', channel: 'c1', thread: null },
  };
}

/** Runs `task` on every item, at most `width` at a time. */
export async function inPool<T>(items: T[], width: number, task: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await task(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
}

/** Answers every request it hears of, once, with a fixed line (after `delayMs`). */
export class InstantResponder {
  readonly answered = new Set<string>();
  readonly errors: string[] = [];
  /** When each job's request was first heard of (ms). */
  readonly heardAt = new Map<string, number>();
  private readonly busy = new Set<string>();
  private unsubscribe: () => void = () => undefined;

  constructor(
    readonly transport: Transport,
    private readonly delayMs = 0,
  ) {}

  /** Answers what is waiting, then listens for news. */
  async start(): Promise<void> {
    this.unsubscribe = this.transport.subscribe((c) => {
      if (c.folder === 'requests' && !c.removed) void this.answer(c.name);
    });
    for (const name of await this.transport.list('requests')) void this.answer(name);
  }

  stop(): void {
    this.unsubscribe();
  }

  private async answer(name: string): Promise<void> {
    const jobId = name.replace(/\.json$/, '');
    if (this.answered.has(jobId) || this.busy.has(jobId)) return;
    this.busy.add(jobId);
    if (!this.heardAt.has(jobId)) this.heardAt.set(jobId, performance.now());
    try {
      const text = await this.transport.get('requests', name);
      if (text === null) return;
      const request = parseFile('request', text);
      // Like the workers: while it "generates" and writes the response, it does not look for news (Transport.setBusy).
      if (this.delayMs) {
        this.transport.setBusy(true);
        await new Promise((r) => setTimeout(r, this.delayMs));
      }
      const response: Response = {
        v: 1,
        type: 'response',
        job_id: request.job_id,
        worker_id: 'instant',
        finished_at: new Date().toISOString(),
        ok: true,
        result: {
          text: ` and then ${request.user.name} wrote.`,
          stop: 'stop_rule',
          model: 'instant',
          model_sha256: '0'.repeat(64),
          device: 'none',
          ms: 0,
        },
      };
      await this.transport.put('responses', name, serialize(response));
      this.answered.add(jobId);
    } catch (error) {
      this.errors.push(`${name}: ${(error as Error).message}`);
    } finally {
      this.busy.delete(jobId);
      if (this.delayMs) this.transport.setBusy(false);
    }
  }
}

/** The bot's side: a JobClient whose handler records each delivery. */
export class RecordingBot implements JobHandler {
  readonly jobs: JobClient;
  /** Deliveries per job id (more than one would be a duplicate). */
  readonly deliveries = new Map<string, number>();
  /** When each job was delivered (ms). */
  readonly deliveredAt = new Map<string, number>();
  private unsubscribe: () => void = () => undefined;

  constructor(
    readonly transport: Transport,
    shared?: { deliveries: Map<string, number>; deliveredAt: Map<string, number> },
  ) {
    const log = quietLog();
    this.jobs = new JobClient(transport, new WorkerMonitor(transport, 10, Date.now, log), { log });
    this.jobs.setHandler(this);
    if (shared) [this.deliveries, this.deliveredAt] = [shared.deliveries, shared.deliveredAt];
  }

  async response(request: Request): Promise<void> {
    this.deliveries.set(request.job_id, (this.deliveries.get(request.job_id) ?? 0) + 1);
    if (!this.deliveredAt.has(request.job_id)) this.deliveredAt.set(request.job_id, performance.now());
  }

  async expired(request: Request): Promise<void> {
    throw new Error(`job ${request.job_id} expired`);
  }

  /** Starts the client (recovering what is in the mailbox) and listens for news. */
  async start(): Promise<void> {
    this.unsubscribe = this.transport.subscribe((c) => void this.jobs.onChange(c).catch(() => undefined));
    await this.jobs.start();
  }

  stop(): void {
    this.unsubscribe();
    this.jobs.stop();
  }

  /** Resolves once every job in `ids` was delivered, or throws after `timeoutMs`. */
  async waitFor(ids: string[], timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (ids.some((id) => !this.deliveries.has(id))) {
      if (Date.now() > end) {
        const missing = ids.filter((id) => !this.deliveries.has(id)).length;
        throw new Error(`${missing} of ${ids.length} jobs not delivered within ${timeoutMs} ms`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
