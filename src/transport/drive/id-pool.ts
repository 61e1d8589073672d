/**
 * File ids for creates, from files.generateIds in blocks: one call buys a
 * hundred creates, so taking ids ahead costs almost nothing per file, and a
 * create that names its id cannot be duplicated by a retry.
 */
import type { DriveApi } from './api.ts';
import { MailboxError } from './errors.ts';

/** A pool of unused file ids. */
export class IdPool {
  private ids: string[] = [];
  private refill: Promise<void> | undefined;

  constructor(
    private readonly api: DriveApi,
    private readonly block = 100,
  ) {}

  /** One unused id (waiting for a refill when the pool is empty; concurrent callers share it). */
  async take(): Promise<string> {
    for (;;) {
      const id = this.ids.shift();
      if (id !== undefined) return id;
      this.refill ??= this.api
        .generateIds(this.block)
        .then((ids) => {
          if (ids.length === 0)
            throw new MailboxError('drive_error', 'storyloom: Drive answered files.generateIds with no ids.');
          this.ids.push(...ids);
        })
        .finally(() => {
          this.refill = undefined;
        });
      await this.refill;
    }
  }
}
