/**
 * Slack allows about one message per second per channel. The pacer runs the
 * posts to one channel one after another, each starting at least `intervalMs`
 * after the previous one finished (its request had reached Slack by then), so
 * posts never arrive closer together than that. Other channels are not held up.
 */

interface Lane {
  tail: Promise<unknown>;
  lastEnd: number;
}

/** Per-channel queue for posts. */
export class ChannelPacer {
  private readonly lanes = new Map<string, Lane>();

  constructor(
    private readonly intervalMs = 1000,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * Runs `task` in the channel's turn. When its turn comes and `stillWanted`
   * says no, it is skipped without using up the turn, and resolves with undefined.
   */
  run<T>(channel: string, task: () => Promise<T>, stillWanted: () => boolean = () => true): Promise<T | undefined> {
    const lane = this.lanes.get(channel) ?? { tail: Promise.resolve(), lastEnd: -Infinity };
    this.lanes.set(channel, lane);
    const turn = lane.tail.then(async () => {
      const wait = lane.lastEnd + this.intervalMs - this.clock();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      // Asked only now, after the wait: a skipped task leaves the channel's next turn free at once.
      if (!stillWanted()) return undefined;
      try {
        return await task();
      } finally {
        lane.lastEnd = this.clock();
      }
    });
    const settled = turn.catch(() => undefined);
    lane.tail = settled;
    // Forget a channel once it has been idle for an interval: the map holds only busy channels.
    void settled.then(() => {
      const timer = setTimeout(() => {
        if (lane.tail === settled) this.lanes.delete(channel);
      }, this.intervalMs);
      timer.unref?.();
    });
    return turn;
  }
}
