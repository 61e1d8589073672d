/**
 * After a restart, the adapters take over what an earlier run of the bot left in
 * the chat (Slack's status messages, Discord's interaction replies). This is what
 * they share: telling the jobs of an earlier run from this run's own (a job id is
 * a ULID, which carries the time it was made), and looking each thing up once,
 * without letting a slow look-up hold a delivery up for long.
 */
import { decodeTime } from 'ulid';

/**
 * The time a job was made (ms since the epoch), from its ULID; an id that is no ULID counts as made now or later
 * (never "earlier").
 */
export function jobMadeAt(jobId: string): number {
  try {
    return decodeTime(jobId);
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/**
 * Look-ups that run once per key, while callers wait for them a bounded time. Keys
 * are only ever things from before this run (stories, jobs), so the map stays small.
 */
export class OnceEach<T> {
  private readonly runs = new Map<string, Promise<T | undefined>>();

  /**
   * @param waitMs How long a caller waits for a look-up; after that it goes on, and the look-up finishes by itself.
   * @param onLate Told when a caller stops waiting for a look-up that is still going.
   */
  constructor(
    private readonly waitMs: number,
    private readonly onLate: (key: string) => void,
  ) {}

  /** Whether the key's look-up has been started. */
  has(key: string): boolean {
    return this.runs.has(key);
  }

  /**
   * Starts `lookUp` the first time `key` is asked for, and resolves when it is done
   * or after the wait. Only the caller that started it gets its result (fresh: read
   * during that call); every other caller, and one that stopped waiting, gets
   * undefined. Never rejects: `lookUp` handles its own errors.
   */
  async wait(key: string, lookUp: () => Promise<T | undefined>): Promise<T | undefined> {
    const started = this.runs.get(key);
    const run = started ?? lookUp();
    if (!started) this.runs.set(key, run);
    const result = await this.within(key, run);
    return started ? undefined : result;
  }

  private within(key: string, run: Promise<T | undefined>): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => {
        this.onLate(key);
        resolve(undefined);
      }, this.waitMs);
      timer.unref?.();
    });
    return Promise.race([run, late]).finally(() => clearTimeout(timer));
  }
}
