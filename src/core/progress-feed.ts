/**
 * Keeps waiting users informed: every second it recomputes every waiting job's
 * progress and hands the ones that changed (state, place in line, the worker
 * writing it, or ETA by more than a few seconds) to their platform's adapter,
 * which throttles its own edits.
 */
import type { JobClient } from '../jobs/client.ts';
import type { Progress } from '../jobs/progress.ts';
import type { StoryStore } from '../stories/store.ts';
import type { Deliveries } from './deliveries.ts';
import { progressText } from './format.ts';
import { reasonOf } from '../log-text.ts';
import { defaultLogger, type Logger } from '../log.ts';

function changed(a: Progress | undefined, b: Progress): boolean {
  if (!a || a.state !== b.state || a.position !== b.position) return true;
  // Another worker took the line over: its progress names the worker.
  if ((a.writers ?? []).join() !== (b.writers ?? []).join()) return true;
  if ((a.etaS === null) !== (b.etaS === null)) return true;
  return a.etaS !== null && b.etaS !== null && Math.abs(a.etaS - b.etaS) >= 5;
}

/** Sends progress updates for waiting jobs. */
export class ProgressFeed {
  private readonly last = new Map<string, Progress>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly jobs: JobClient,
    private readonly stories: StoryStore,
    private readonly deliveries: Deliveries,
    private readonly log: Logger = defaultLogger(),
  ) {}

  start(everyMs = 1000): void {
    this.timer = setInterval(() => void this.tick(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One round of updates (exposed for tests). */
  async tick(): Promise<void> {
    const progress = this.jobs.progress();
    for (const id of [...this.last.keys()]) if (!progress.has(id)) this.last.delete(id);
    for (const request of this.jobs.pending()) {
      const p = progress.get(request.job_id);
      if (!p || !changed(this.last.get(request.job_id), p)) continue;
      this.last.set(request.job_id, p);
      try {
        const story = this.stories.get(request.story_id);
        // The line may be in already, being posted while the job client still tracks its job:
        // progress shown now would land after the line.
        if (story.pending?.job_id !== request.job_id) continue;
        const text = progressText(p);
        const delivery = { story, jobId: request.job_id, requestedBy: request.user, progress: p, text };
        await this.deliveries.for(story.place.platform).deliverProgress(delivery);
      } catch (error) {
        const why = reasonOf(error);
        const job = request.job_id;
        this.log.warn({ job_id: job, error: why }, `storyloom: progress for job ${job} not shown: ${why}`);
      }
    }
  }
}
