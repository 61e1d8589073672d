/**
 * Clears what piles up in the mailbox besides delivered jobs (which the job
 * client deletes): heartbeats of workers that have been silent for a day
 * (every Colab session is a new worker id), and control files no worker took
 * within an hour (an admin command sent while no worker ran). Ages come from
 * the index's modifiedTime, so a sweep reads nothing: its only calls are the
 * deletes. A file Drive will not let this account remove is given up on by
 * the transport (unremovable.ts) and leaves the index, so no later sweep tries
 * it again. The bot runs it; workers do not.
 */
import { reasonOf } from '../../log-text.ts';
import { defaultLogger, type Logger } from '../../log.ts';

/** When files count as abandoned, and how often to look. */
export interface HousekeepingRules {
  everyMs: number;
  heartbeatMaxAgeMs: number;
  controlMaxAgeMs: number;
}

/** Look every 10 minutes; heartbeats silent for 24 h and control files older than 1 h go. */
export const DEFAULT_HOUSEKEEPING: HousekeepingRules = {
  everyMs: 10 * 60_000,
  heartbeatMaxAgeMs: 24 * 3600_000,
  controlMaxAgeMs: 3600_000,
};

/** What the housekeeper needs from the mailbox. */
export interface HousekeptMailbox {
  /** The files of a folder with their last modification (epoch ms; 0 when unknown). */
  filesIn(folder: 'workers' | 'control'): { name: string; modifiedMs: number }[];
  /** Removes the file; false when the account may not (the file then leaves `filesIn` for good). */
  tryDelete(folder: 'workers' | 'control', name: string): Promise<boolean>;
}

/** Deletes abandoned heartbeats and control files, now and then. */
export class Housekeeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<string[]> | undefined;

  constructor(
    private readonly mailbox: HousekeptMailbox,
    readonly rules: HousekeepingRules = DEFAULT_HOUSEKEEPING,
    private readonly clock: () => number = Date.now,
    private readonly log: Logger = defaultLogger(),
  ) {}

  /** Sweeps every `rules.everyMs`. */
  start(): void {
    this.timer = setInterval(
      () =>
        void this.sweep().catch((e: Error) => this.log.warn(`storyloom: mailbox housekeeping failed: ${reasonOf(e)}`)),
      this.rules.everyMs,
    );
    this.timer.unref();
  }

  /** Stops sweeping and waits for a sweep in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Deletes what is abandoned now; returns the paths deleted. */
  sweep(): Promise<string[]> {
    this.running ??= this.sweepOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async sweepOnce(): Promise<string[]> {
    const now = this.clock();
    const deleted: string[] = [];
    const plan: ['workers' | 'control', number, string][] = [
      ['workers', this.rules.heartbeatMaxAgeMs, 'a heartbeat'],
      ['control', this.rules.controlMaxAgeMs, 'a control file no worker took'],
    ];
    for (const [folder, maxAgeMs, what] of plan) {
      for (const file of this.mailbox.filesIn(folder)) {
        if (file.modifiedMs === 0 || now - file.modifiedMs <= maxAgeMs) continue;
        const path = `${folder}/${file.name}`;
        try {
          if (!(await this.mailbox.tryDelete(folder, file.name))) continue;
        } catch (error) {
          // One file that fails (Drive away for a minute) must not hold up the rest; the next sweep tries it again.
          const why = reasonOf(error);
          this.log.warn({ file: path, error: why }, `storyloom: housekeeping could not remove ${path}: ${why}`);
          continue;
        }
        deleted.push(path);
        const minutes = Math.round((now - file.modifiedMs) / 60_000);
        this.log.info({ file: path }, `storyloom: housekeeping removed ${path}, ${what} untouched for ${minutes} min`);
      }
    }
    return deleted;
  }
}
