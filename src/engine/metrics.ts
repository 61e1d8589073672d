/** Moving averages a worker reports in its heartbeat. */

/** An exponential moving average. */
export class MovingAverage {
  private current: number | null = null;

  constructor(private readonly weight = 0.2) {}

  add(sample: number): void {
    this.current = this.current === null ? sample : this.current + this.weight * (sample - this.current);
  }

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
