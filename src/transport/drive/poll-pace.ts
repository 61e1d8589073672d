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
 * submitting, until about when responses usually land (a line that takes
 * seconds to write is waited for, not polled for), and while its answered jobs
 * are being delivered. A hold never makes a poll later than the slow interval,
 * and failing polls ignore it.
 */
import { ReplyTiming } from './reply-timing.ts';

/** The longest hold after a request (ms); the side still polls every slow interval meanwhile. */
const MAX_HOLD_MS = 60_000;

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
  /** The idle interval a side asked for (setIdleMs), in place of `intervals.slowMs` while nothing fails. */
  private idleMs: number | undefined;
  /** A worker generating (setBusy): news can wait until it is done. */
  private busy = false;
  /** Poll at once (a worker just finished generating: what came meanwhile is due now). */
  private due = false;
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

  /**
   * How often to look for news while nothing is waiting (ms), or undefined for the slow interval: a worker
   * that takes jobs asks for a quicker idle pace than one standing by. Returns true when it changed.
   */
  setIdleMs(ms: number | undefined): boolean {
    const changed = ms !== this.idleMs;
    this.idleMs = ms;
    return changed;
  }

  /**
   * A worker is generating (true) and cannot act on news until it is done: poll at the idle pace meanwhile
   * instead of quickly after the activity that started the batch, then once at once when it turns false.
   * Returns true when it just turned off (the next poll should come now).
   */
  setBusy(busy: boolean): boolean {
    const done = this.busy && !busy;
    this.busy = busy;
    if (done) [this.due, this.quietPolls] = [true, 0];
    return done;
  }

  /** Job activity seen or made: poll quickly again. */
  activity(): void {
    this.quietPolls = 0;
  }

  /** A poll finished; `active` when it brought job activity. */
  polled(active: boolean): void {
    this.failures = 0;
    this.due = false;
    this.quietPolls = active ? 0 : this.quietPolls + 1;
  }

  /** A poll failed (after its own retries). */
  failed(): void {
    this.failures++;
  }

  /** The time from the start of one poll to the start of the next (ms). */
  delayMs(): number {
    const { fastMs, slowMs } = this.intervals;
    const idleMs = this.idleMs ?? slowMs;
    const quick = this.urgent ? fastMs : Math.min(idleMs, fastMs * 2 ** Math.min(this.quietPolls, 30));
    const base = this.due ? 0 : this.busy && !this.urgent ? idleMs : quick;
    return this.failures === 0 ? base : Math.min(slowMs, Math.max(base, fastMs * 2 ** Math.min(this.failures, 30)));
  }

  /** When the next poll should start (clock ms), given when the last one started. */
  nextPollAt(lastStartMs: number): number {
    const base = lastStartMs + this.delayMs();
    const hold = this.failures === 0 ? this.timing.holdUntil(MAX_HOLD_MS) : undefined;
    return hold === undefined ? base : Math.max(base, Math.min(hold, lastStartMs + this.intervals.slowMs));
  }
}
