/**
 * How often a side asks Drive for news. While jobs wait (`setUrgent(true)`)
 * it polls every `fastMs`. Otherwise it starts at `fastMs` after any job
 * activity (a request, response or control file came or went) and doubles the
 * interval with each quiet poll, up to `slowMs`: a worker between two jobs of
 * a busy stream stays quick, and an idle mailbox costs `60 000 / slowMs` polls
 * a minute. Failed polls back off the same way.
 *
 * On top of that, the side that sends requests (the bot) holds a poll while
 * the response it waits for cannot be there yet (reply-timing.ts): after
 * submitting, until about when responses usually land (at most four fast
 * intervals), and while its answered jobs are being delivered. A hold never
 * makes a poll later than the slow interval, and failing polls ignore it.
 */
import { ReplyTiming } from './reply-timing.ts';

/** The longest hold after a request, in fast intervals. */
const HOLD_FAST_INTERVALS = 4;

/** The two polling intervals (DRIVE_POLL_FAST_MS, DRIVE_POLL_SLOW_MS). */
export interface PollIntervals {
  fastMs: number;
  slowMs: number;
}

/** The pace of one side's polling. */
export class PollPace {
  private urgent = false;
  private quietPolls = 0;
  private failures = 0;
  /** When answers are expected (writes, news and poll times feed it). */
  readonly timing = new ReplyTiming();

  constructor(readonly intervals: PollIntervals) {}

  /** Sets the hint; returns true when it just turned on (the next poll should come sooner). */
  setUrgent(urgent: boolean): boolean {
    const turnedOn = urgent && !this.urgent;
    this.urgent = urgent;
    if (turnedOn) this.quietPolls = 0;
    return turnedOn;
  }

  /** Job activity seen or made: poll quickly again. */
  activity(): void {
    this.quietPolls = 0;
  }

  /** A poll finished; `active` when it brought job activity. */
  polled(active: boolean): void {
    this.failures = 0;
    this.quietPolls = active ? 0 : this.quietPolls + 1;
  }

  /** A poll failed (after its own retries). */
  failed(): void {
    this.failures++;
  }

  /** The time from the start of one poll to the start of the next (ms). */
  delayMs(): number {
    const { fastMs, slowMs } = this.intervals;
    const base = this.urgent ? fastMs : Math.min(slowMs, fastMs * 2 ** Math.min(this.quietPolls, 30));
    return this.failures === 0 ? base : Math.min(slowMs, Math.max(base, fastMs * 2 ** Math.min(this.failures, 30)));
  }

  /** When the next poll should start (clock ms), given when the last one started. */
  nextPollAt(lastStartMs: number): number {
    const base = lastStartMs + this.delayMs();
    const hold = this.failures === 0 ? this.timing.holdUntil(HOLD_FAST_INTERVALS * this.intervals.fastMs) : undefined;
    return hold === undefined ? base : Math.max(base, Math.min(hold, lastStartMs + this.intervals.slowMs));
  }
}
