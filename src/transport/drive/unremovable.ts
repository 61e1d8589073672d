/**
 * The files one side may not remove: Drive refused both deleting and trashing them
 * (another account's files in My Drive; a Contributor in a shared drive). They stay
 * in the mailbox, so the side remembers their ids, reads them as gone, and never
 * tries them again; the set is saved with the side's state (sync-state.ts), so a
 * restart does not try them all again either. It logs once, with what to do, and
 * tells admins' /status how many there are.
 */
import type { CleanupProblems } from '../transport.ts';
import type { Logger } from '../../log.ts';
import { cleanupAdvice } from './explain.ts';

/** How many ids are kept (the oldest are forgotten first). */
const LIMIT = 5000;

/** The ids this side could not remove, and the advice that goes with them. */
export class UnremovableFiles {
  private readonly ids = new Set<string>();
  /** Set at open when Drive says the account cannot trash the mailbox's files at all. */
  private cannotTrash = false;
  private logged = false;
  private inSharedDrive = false;

  constructor(
    private readonly log: Logger,
    private readonly limit = LIMIT,
  ) {}

  /** Where the mailbox is (the advice differs), and whether Drive said at open that trashing is not allowed. */
  place(inSharedDrive: boolean, cannotTrash: boolean): void {
    [this.inSharedDrive, this.cannotTrash] = [inSharedDrive, cannotTrash];
  }

  /** Takes the ids saved by an earlier run. */
  restore(ids: readonly string[]): void {
    for (const id of ids) this.remember(id);
  }

  /** Whether this side gave up on the file. */
  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Records a file Drive would neither delete nor trash; the first one is logged with what to do. */
  add(id: string, path: string): void {
    this.remember(id);
    if (this.logged) return;
    this.logged = true;
    this.log.warn(
      { file: path },
      `storyloom: Drive refused both deleting ${path} and moving it to the trash, so it stays in the ` +
        'mailbox. Files this account cannot remove are not tried again (/status for admins counts them), and the ' +
        `mailbox fills up. ${cleanupAdvice(this.inSharedDrive)}`,
    );
  }

  /** The ids, oldest first, for saving. */
  list(): string[] {
    return [...this.ids];
  }

  /** What admins' /status says: how many files stay, and why; null while cleanup works. */
  report(): CleanupProblems | null {
    if (this.ids.size === 0 && !this.cannotTrash) return null;
    const why =
      this.cannotTrash && this.inSharedDrive
        ? "Drive says this account may not move the mailbox's files to the trash. "
        : '';
    return { unremovable: this.ids.size, advice: `${why}${cleanupAdvice(this.inSharedDrive)}` };
  }

  private remember(id: string): void {
    this.ids.delete(id);
    this.ids.add(id);
    if (this.ids.size > this.limit) this.ids.delete(this.ids.values().next().value!);
  }
}

/** The warning at open when Drive says the account may not trash the mailbox's files in its shared drive. */
export function cannotTrashWarning(account: string, driveId: string): string {
  return (
    `storyloom: ${account} may not move files to the trash in the Shared Drive ${driveId} that holds the ` +
    'mailbox: it needs the "Content manager" role (or "Manager"); a "Contributor" may add files but not remove ' +
    'them. Until then, requests, responses and heartbeats stay in the mailbox after use, and it fills up. Change ' +
    'the role in the Shared Drive\'s "Manage members".'
  );
}
