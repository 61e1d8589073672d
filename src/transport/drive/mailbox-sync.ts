/**
 * Keeps one side's index current from Drive's changes feed. At open: the
 * saved page token and index (sync-state.ts), or a fresh token taken before
 * the listing, then one listing of the six folders, then a catch-up, so the
 * index is complete before anyone reads it. Afterwards it polls at the pace
 * of poll-pace.ts, and anyone who needs news from after a moment (a read of
 * an unknown name) can ask for a catch-up that starts after it; concurrent
 * askers share one call. A listing waits for the next regular poll instead
 * (`nextCatchUp`): as current, at no extra call.
 */
import { reasonOf } from '../../log-text.ts';
import type { Logger } from '../../log.ts';
import { isMailboxName, type ChangeHub, type Folder } from '../transport.ts';
import { FOLDER_MIME, type DriveApi } from './api.ts';
import { catchUp } from './changes-feed.ts';
import { MailboxError } from './errors.ts';
import type { FolderIndex } from './folder-index.ts';
import type { MailboxFolders } from './mailbox-folders.ts';
import type { PollPace } from './poll-pace.ts';
import { saveSyncState, type SyncState } from './sync-state.ts';

/** Folders whose news counts as job activity (it keeps polling quick). */
const JOB_FOLDERS: ReadonlySet<Folder> = new Set(['requests', 'responses', 'control']);

/** What a MailboxSync works with. */
export interface MailboxSyncOptions {
  api: DriveApi;
  folders: MailboxFolders;
  index: FolderIndex;
  hub: ChangeHub;
  pace: PollPace;
  stateFile?: string;
  /** The least time between two saves of the state file (ms). */
  saveEveryMs: number;
  clock: () => number;
  log: Logger;
  /** The ids of files this side may not remove, saved with the state (unremovable.ts). */
  unremovable?: () => string[];
}

/** The changes feed, the poll timer and the saved state of one side. */
export class MailboxSync {
  /** When the latest catch-up started (clock ms). */
  lastStart = Number.NEGATIVE_INFINITY;
  private token = '';
  private started = 0;
  private inflight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();
  private lastSave = 0;
  private dirty = false;
  private failures = 0;
  private closed = false;
  /** When open() finished (clock ms). */
  private openedAt = Number.NEGATIVE_INFINITY;
  /** Callers of nextCatchUp, each with the catch-up count when it asked. */
  private waiters: { mark: number; settle: (error?: Error) => void }[] = [];

  constructor(private readonly o: MailboxSyncOptions) {}

  /** Builds the index (saved state, listing, catch-up), saves, and starts polling. */
  async open(saved: SyncState | undefined): Promise<void> {
    const { api, folders, index } = this.o;
    this.token = saved?.pageToken ?? (await api.startPageToken(folders.driveId));
    for (const entry of saved?.entries ?? []) index.upsert(entry);
    await this.listAll();
    await this.fresh();
    this.dirty = true;
    await this.save();
    this.openedAt = this.o.clock();
    this.schedule();
  }

  /** Resolves after a catch-up that started after this call (joining one if it already did); at once when closed. */
  async fresh(): Promise<void> {
    if (this.closed) return;
    const mark = this.started;
    while (this.inflight) {
      if (this.started > mark) return this.inflight;
      await this.inflight.catch(() => undefined);
    }
    return this.begin();
  }

  /**
   * Resolves after the next catch-up that starts after this call, whoever starts it
   * (usually the poll timer, at its pace), so it costs no call of its own; rejects if
   * that catch-up fails; at once when closed.
   */
  nextCatchUp(): Promise<void> {
    if (this.closed) return Promise.resolve();
    const waiting = new Promise<void>((resolve, reject) => {
      this.waiters.push({ mark: this.started, settle: (error) => (error ? reject(error) : resolve()) });
    });
    // Just after open, a side reads the mailbox with a few listings in a row: keep the pace quick for them
    // (for one slow interval, so a periodic listing later cannot keep it quick for good).
    if (this.o.clock() - this.openedAt < this.o.pace.intervals.slowMs) {
      this.o.pace.activity();
      this.schedule();
    }
    return waiting;
  }

  /** Saves the state soon: something saved with it besides the feed changed (a file found unremovable). */
  stateChanged(): void {
    this.dirty = true;
    this.scheduleSave();
  }

  /** Polls sooner, when the pace just changed. */
  reschedule(): void {
    this.schedule();
  }

  /** Stops polling, waits for a catch-up in progress, and saves. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    clearTimeout(this.saveTimer);
    await this.inflight?.catch(() => undefined);
    for (const waiter of this.waiters.splice(0)) waiter.settle();
    this.dirty = true;
    await this.save();
  }

  private begin(): Promise<void> {
    const number = ++this.started;
    const start = this.o.clock();
    this.lastStart = start;
    const run: Promise<void> = this.catchUpOnce()
      .then(
        () => {
          this.o.pace.timing.polled(this.o.clock() - start);
          this.settleWaiters(number);
        },
        (error: Error) => {
          this.settleWaiters(number, error);
          throw error;
        },
      )
      .finally(() => {
        if (this.inflight === run) this.inflight = undefined;
      });
    this.inflight = run;
    return run;
  }

  /** Settles the waiters that asked before catch-up `number` started. */
  private settleWaiters(number: number, error?: Error): void {
    const served = this.waiters.filter((w) => w.mark < number);
    if (!served.length) return;
    this.waiters = this.waiters.filter((w) => w.mark >= number);
    for (const waiter of served) waiter.settle(error);
  }

  private async catchUpOnce(): Promise<void> {
    const { api, folders, index, hub, pace } = this.o;
    let active = false;
    try {
      await catchUp(api, folders.driveId, this.token, index, folders.folderOf, (news, token) => {
        if (token !== this.token) [this.token, this.dirty] = [token, true];
        for (const change of news) {
          active ||= JOB_FOLDERS.has(change.folder);
          pace.timing.heard(
            change.folder,
            change.name,
            change.removed,
            change.removed ? 0 : (index.entries(change.folder, change.name)[0]?.modifiedMs ?? 0),
            this.o.clock(),
          );
          const path = `${change.folder}/${change.name}`;
          this.o.log.debug({ file: path, removed: change.removed }, `storyloom: mailbox news: ${path}`);
          if (!this.closed) hub.emit(change);
        }
      });
      pace.polled(active);
      this.failures = 0;
    } catch (error) {
      if (!isBadPageToken(error)) throw error;
      this.o.log.warn(
        `storyloom: Drive no longer accepts the saved page token (${reasonOf(error)}); reading the mailbox afresh`,
      );
      this.token = await api.startPageToken(folders.driveId);
      await this.listAll();
      this.dirty = true;
    } finally {
      this.scheduleSave();
    }
  }

  /** One listing of the six folders into the index (startup only: listing lags behind writes). */
  private async listAll(): Promise<void> {
    const { api, folders, index } = this.o;
    const q = `(${Object.values(folders.ids)
      .map((id) => `'${id}' in parents`)
      .join(' or ')}) and trashed = false`;
    for (const file of await api.listFiles(q, folders.driveId, 'listing the mailbox')) {
      const folder = file.parents.map((p) => folders.folderOf.get(p)).find((f) => f !== undefined);
      if (folder === undefined || file.mimeType === FOLDER_MIME || !isMailboxName(file.name)) continue;
      const before = index.get(file.id);
      if (!before || file.version >= before.version)
        index.upsert({
          id: file.id,
          folder,
          name: file.name,
          version: file.version,
          modifiedMs: file.modifiedMs,
          body: file.body,
        });
    }
  }

  private schedule(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    const wait = Math.max(0, this.o.pace.nextPollAt(this.lastStart) - this.o.clock());
    // Not unref'd: while the mailbox is open its poll is what serves `list` and the news, so it must hold the
    // event loop (a bot whose first listing waits for this poll would otherwise exit at startup); close() clears it.
    this.timer = setTimeout(() => void this.tick(), wait);
  }

  private async tick(): Promise<void> {
    if (this.closed) return;
    if (this.inflight) await this.inflight.catch(() => undefined);
    else if (this.o.clock() >= this.o.pace.nextPollAt(this.lastStart))
      await this.begin().catch((e: Error) => this.pollFailed(e));
    this.schedule();
  }

  private pollFailed(error: Error): void {
    this.o.pace.failed();
    this.failures++;
    if (this.failures === 1 || this.failures % 10 === 0)
      this.o.log.warn(
        { failures: this.failures, error: reasonOf(error) },
        `storyloom: looking for mailbox news failed (${this.failures} time(s) in a row): ${reasonOf(error)}`,
      );
  }

  private scheduleSave(): void {
    if (!this.o.stateFile || !this.dirty || this.saveTimer || this.closed) return;
    const wait = Math.max(0, this.lastSave + this.o.saveEveryMs - this.o.clock());
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.save();
    }, wait);
    this.saveTimer.unref();
  }

  /** Writes the token and the index, one save at a time. */
  private save(): Promise<void> {
    const path = this.o.stateFile;
    if (!path || !this.dirty) return this.saving;
    this.saving = this.saving
      .then(async () => {
        this.dirty = false;
        this.lastSave = this.o.clock();
        await saveSyncState(path, {
          folderId: this.o.folders.rootId,
          pageToken: this.token,
          entries: this.o.index.all(),
          unremovable: this.o.unremovable?.() ?? [],
        });
      })
      .catch((error: Error) => this.o.log.warn(`storyloom: cannot save ${path}: ${reasonOf(error)}`));
    return this.saving;
  }
}

/** Drive's answer to a page token it no longer knows (changes.list is the only call a catch-up makes). */
function isBadPageToken(error: unknown): boolean {
  return error instanceof MailboxError && (error.status === 400 || error.status === 404);
}
