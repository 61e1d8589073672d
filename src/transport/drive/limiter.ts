/**
 * At most `width` Drive calls in flight per side; the rest wait their turn, in
 * order. A worker that hears of 400 requests at once then reads them a few at
 * a time instead of opening 400 connections, which keeps under Drive's
 * per-user rate limits, and keeps a call's timeout for the call itself rather
 * than for its wait in line. Backoff sleeps hold no slot.
 */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly width: number) {}

  /** Runs `task` when a slot is free. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.width) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
