/**
 * When the other side's answer is likely to land, learned from Drive's own
 * timestamps, so that a side need not poll while it cannot be there yet.
 *
 * - **Replies by name** (the bot's side): after this side creates
 *   `requests/<x>`, `responses/<x>` lands about D later, where D is the
 *   worker's wait, its reads and writes and its generation time: in effect
 *   the ETA the worker's heartbeat advertises. D is measured as the difference
 *   of the two files' server modifiedTime, so polling itself cannot bias it.
 * - Only the side that sends requests holds. A worker that held its polls
 *   until the next request's likely time would make the bot's replies come
 *   later, which the bot would learn, and so on: the two estimates would chase
 *   each other up to the slow interval. The bot's own hold cannot feed back
 *   into its estimate: D comes from the two files' server times, which a later
 *   poll does not move. So the hold follows D, however long lines take to
 *   write (it was capped at four fast intervals, and a lone user whose lines
 *   took 3 s cost the bot about 14 polls a line), up to `maxHoldMs`.
 * - **Delivery** (the bot's side): once every job it sent has its response,
 *   nothing is due until it sends another; it holds until then, or until the
 *   requests are cleaned up, for at most DELIVERY_HOLD_MS.
 *
 * - **After a quiet spell** (no request for QUIET_MS) the worker looks for news at
 *   its idle pace, at a moment the bot cannot know, so the reply may land anywhere
 *   between the shortest delay and the idle interval: the hold ends at the shortest
 *   recent delay, and the fast pace finds the reply soon after it lands.
 *
 * Each estimate is the median of recent samples: the held poll finds about half
 * of the replies, the rest come with the polls after it, at the usual fast pace.
 * A file that landed earlier waits for the held poll, by half the spread of
 * the delays on average. (With the 0.25 quantile used before, a lone user's
 * bot polled about 1.5 to 1.9 times per reply against the fake at 150 ms a
 * call; with the median, about 1.25 to 1.45, for a few tens of ms more wait.)
 */

/** Samples kept per estimate, and the quantile used. */
const SAMPLES = 16;
const QUANTILE = 0.5;
/**
 * A lone job pays for every poll itself, while jobs in company share them: with one job awaited, the hold ends
 * at the 0.75 quantile (a lone user whose lines took 3 s cost 6.1 calls a job with the median, 5.4 with this),
 * and with several at the median (at 0.75 for all, eight users waited 1.4 s at the median instead of 0.8 s).
 */
const LONE_QUANTILE = 0.75;
/** Fewer samples than this: no estimate, no hold. */
const MIN_SAMPLES = 3;
/** The longest a side holds its polls while the jobs it sent are being delivered (ms). */
const DELIVERY_HOLD_MS = 2000;
/**
 * A request that comes this long after the previous one (ms) finds the worker at its idle pace (the Colab
 * worker's after 30 s, colab/worker/main.py BUSY_WINDOW_S), where when it looks is anyone's guess: the hold then
 * ends at the shortest recent delay instead of the median, so that the reply is not waited for past its landing.
 */
const QUIET_MS = 30_000;
/** Names tracked at most (oldest dropped first). */
const MAX_OUTSTANDING = 10_000;

/** Recent samples of a delay, and their median. */
export class DelaySamples {
  private readonly values: number[] = [];

  add(ms: number): void {
    this.values.push(Math.max(0, ms));
    if (this.values.length > SAMPLES) this.values.shift();
  }

  /** The median of the recent samples (ms), or their minimum with `quantile` 0; undefined with too few. */
  estimate(quantile = QUANTILE): number | undefined {
    if (this.values.length < MIN_SAMPLES) return undefined;
    const sorted = [...this.values].sort((a, b) => a - b);
    return sorted[Math.floor(quantile * (sorted.length - 1))];
  }
}

/**
 * A request this side wrote: when it finished here (clock ms), its server modifiedTime (epoch ms; 0 while
 * unknown), and whether it came after a quiet spell.
 */
interface Write {
  localMs: number;
  serverMs: number;
  quiet: boolean;
}

/** What a side expects from the other, and when. */
export class ReplyTiming {
  /** requests/<name> this side created, awaiting responses/<name>. */
  private readonly outstanding = new Map<string, Write>();
  /**
   * requests/<name> whose response came (when it was heard), until this side deletes the request: the job is being
   * delivered.
   */
  private readonly answered = new Map<string, number>();
  private readonly replyDelay = new DelaySamples();
  /** How long a poll takes (ms), smoothed. */
  private pollMs: number | undefined;
  /** When this side last started writing a request (clock ms). */
  private lastRequestMs = Number.NEGATIVE_INFINITY;

  /** This side is writing `folder/name` now (before the call, so that a poll while it is under way waits too). */
  writing(folder: string, name: string, nowMs: number): void {
    if (folder !== 'requests' || this.outstanding.has(name)) return;
    const quiet = nowMs - this.lastRequestMs > QUIET_MS;
    this.lastRequestMs = nowMs;
    this.outstanding.set(name, { localMs: nowMs, serverMs: 0, quiet });
    if (this.outstanding.size > MAX_OUTSTANDING) this.outstanding.delete(this.outstanding.keys().next().value!);
  }

  /** This side wrote `folder/name`; `serverMs` is the file's modifiedTime from Drive (0: unknown). */
  wrote(folder: string, name: string, nowMs: number, serverMs: number): void {
    if (folder === 'requests')
      this.outstanding.set(name, { localMs: nowMs, serverMs, quiet: this.outstanding.get(name)?.quiet ?? false });
  }

  /** This side deleted `folder/name` (a delivered or withdrawn job). */
  deleted(folder: string, name: string): void {
    if (folder !== 'requests') return;
    this.outstanding.delete(name);
    this.answered.delete(name);
  }

  /** News from the other side: `modifiedMs` is the file's server modifiedTime (0: unknown). */
  heard(folder: string, name: string, removed: boolean, modifiedMs: number, nowMs: number): void {
    if (folder === 'requests' && removed) {
      this.outstanding.delete(name);
      this.answered.delete(name);
    }
    if (removed || modifiedMs <= 0) return;
    if (folder === 'responses') {
      const sent = this.outstanding.get(name);
      if (!sent) return;
      this.outstanding.delete(name);
      this.answered.set(name, nowMs);
      if (this.answered.size > MAX_OUTSTANDING) this.answered.delete(this.answered.keys().next().value!);
      if (sent.serverMs > 0) this.replyDelay.add(modifiedMs - sent.serverMs);
    }
  }

  /** A poll took `ms`. */
  polled(ms: number): void {
    this.pollMs = this.pollMs === undefined ? ms : 0.8 * this.pollMs + 0.2 * ms;
  }

  /**
   * The earliest a poll is worth starting (clock ms), or undefined for no hold.
   * While replies are awaited: half a poll before the first is expected to land,
   * at most `maxHoldMs` after it was sent. While every job sent has its reply
   * (being delivered): until another is sent or they are cleaned up, at most
   * DELIVERY_HOLD_MS.
   */
  holdUntil(maxHoldMs: number): number | undefined {
    if (this.outstanding.size > 0) {
      const quantile = this.outstanding.size === 1 ? LONE_QUANTILE : QUANTILE;
      const [usual, shortest] = [this.replyDelay.estimate(quantile), this.replyDelay.estimate(0)];
      if (usual === undefined || shortest === undefined) return undefined;
      let first = Number.POSITIVE_INFINITY;
      for (const sent of this.outstanding.values()) {
        const delay = sent.quiet ? shortest : usual;
        first = Math.min(first, sent.localMs + Math.min(maxHoldMs, delay - (this.pollMs ?? 0) / 2));
      }
      return first;
    }
    let latest: number | undefined;
    for (const at of this.answered.values()) latest = Math.max(latest ?? at, at);
    // Or a delivery takes unusually long: it may be failing, and jobs this side did not send (recovered ones) may wait.
    return latest === undefined ? undefined : latest + DELIVERY_HOLD_MS;
  }
}
