/**
 * What a worker knows of the mailbox's jobs, kept current from the news (the twin of colab's `JobBook`):
 * the requests seen (read, or not yet: a worker standing by reads nothing), the ones answered (by this
 * worker or another), and the ones whose last read failed. A worker remembers what was answered until the
 * bot deletes the request, so it never answers a job twice after the bot deletes a response.
 *
 *   const book = new JobBook(transport, log);
 *   book.seen(id);                                   // requests/<id>.json appeared or changed
 *   const batch = await book.waiting(refuse);        // readable, unanswered requests; the rest refused
 */
import type { ErrorCode, Request } from '../jobs/protocol.ts';
import { reasonOf } from '../log-text.ts';
import type { Logger } from '../log.ts';
import type { Transport } from '../transport/transport.ts';
import { readIncoming, type Incoming } from './io.ts';

/** Why a readable request gets an error instead of a line: the error's code and message. */
export type Refusal = [ErrorCode, string];

/**
 * Why a readable request gets an error instead of a line, if it does, from a worker running `model`
 * (the same rules as colab's Worker).
 */
export function refusalOf(fileJobId: string, r: Request, model: string | undefined): Refusal | null {
  if (r.job_id !== fileJobId) {
    return ['bad_request', `job_id ${r.job_id} does not match the file name ${fileJobId}.json`];
  }
  if (Date.parse(r.deadline) < Date.now()) return ['expired', 'the deadline passed before a worker reached this job'];
  if (r.model !== null && r.model !== model) {
    return ['model_error', `this worker runs model '${model}', not '${r.model}'`];
  }
  return null;
}

/** Answers a job with an error at once (a request that cannot be read, or one refused). */
export type Refuse = (jobId: string, code: ErrorCode, message: string) => Promise<void>;

/** Request ids by what the worker has done with them. */
export class JobBook {
  /** Requests seen, by job id: read, or null until a batch needs them. */
  private readonly known = new Map<string, Incoming | null>();
  private readonly answered = new Set<string>();
  /** Requests whose last read failed (logged once each). */
  private readonly readFailures = new Set<string>();
  /** When the last new or changed request was seen (ms). */
  lastSeenAt = 0;

  constructor(
    private readonly transport: Transport,
    private readonly log: Logger,
  ) {}

  /** Requests seen and not yet answered. */
  get queued(): number {
    return this.known.size - this.answered.size;
  }

  /** A request appeared or changed: it is read afresh when a batch needs it. */
  seen(id: string): void {
    this.known.set(id, null);
    this.lastSeenAt = Date.now();
  }

  /** A request was deleted (the bot is done with it). */
  removed(id: string): void {
    this.known.delete(id);
    this.answered.delete(id);
    this.readFailures.delete(id);
  }

  /** A response exists for this job (ours or another worker's). */
  answer(id: string): void {
    this.answered.add(id);
  }

  /**
   * Reads what a batch needs, answers through `refuse` the requests that cannot be read or are refused by
   * `refusal`, and returns the readable, unanswered rest in the order seen.
   */
  async waiting(refusal: (jobId: string, r: Request) => Refusal | null, refuse: Refuse): Promise<Request[]> {
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
        await refuse(incoming.jobId, code, incoming.error.message);
        continue;
      }
      const refused = refusal(incoming.jobId, incoming.request);
      if (refused) await refuse(incoming.jobId, ...refused);
      else valid.push(incoming.request);
    }
    return valid;
  }

  /** Reads a request; a read that fails (an unreadable file, the mailbox away) is logged once and tried later. */
  private async read(id: string): Promise<Incoming | null | undefined> {
    try {
      const incoming = await readIncoming(this.transport, `${id}.json`);
      this.readFailures.delete(id);
      return incoming;
    } catch (error) {
      if (!this.readFailures.has(id)) {
        const why = reasonOf(error);
        this.log.warn({ job_id: id, error: why }, `storyloom worker: requests/${id}.json could not be read: ${why}`);
      }
      this.readFailures.add(id);
      return undefined;
    }
  }
}
