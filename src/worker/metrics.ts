/** Moving averages and counts a worker reports in its heartbeat (the twin of colab's `WorkerMetrics`). */

/** An exponential moving average. */
export class MovingAverage {
  private current: number | null = null;

  constructor(private readonly weight = 0.2) {}

  /** Takes one more sample. */
  add(sample: number): void {
    this.current = this.current === null ? sample : this.current + this.weight * (sample - this.current);
  }

  /** The average so far, or null before the first sample. */
  get value(): number | null {
    return this.current;
  }
}

/** Throughput and batch times, and job counts. */
export class WorkerMetrics {
  readonly charsPerSecond = new MovingAverage();
  readonly batchSeconds = new MovingAverage();
  jobsDone = 0;
  jobsFailed = 0;

  /** Records one finished batch. */
  batch(chars: number, seconds: number, done: number, failed: number): void {
    if (seconds > 0) this.charsPerSecond.add(chars / seconds);
    this.batchSeconds.add(seconds);
    this.jobsDone += done;
    this.jobsFailed += failed;
  }
}
