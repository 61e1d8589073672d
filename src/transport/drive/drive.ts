/**
 * The mailbox in a Google Drive folder, on googleapis Drive v3.
 *
 * - Files are addressed by id through a name → id index (folder-index.ts),
 *   built once at open and kept current by the changes feed and our own writes.
 * - New files are created in one multipart upload carrying the content, under
 *   an id from files.generateIds (id-pool.ts): atomic, and a retry cannot
 *   make a second copy. An existing name is overwritten by id.
 * - News comes from changes.list with a page token saved per side
 *   (mailbox-sync.ts), polled quickly while jobs wait and slowly when idle;
 *   the bot holds a poll while a response cannot be there yet (reply-timing.ts).
 * - `list` answers after the next regular poll, so it is current at no call of its own.
 * - A small job file's body rides in its properties (body-properties.ts): the
 *   feed delivers another side's request, response or control file with it, and
 *   `get` answers from the index, as of the latest catch-up, at no call.
 * - Every call retries transient failures with capped, jittered backoff
 *   (api.ts, backoff.ts) and explains the ones it cannot fix (explain.ts).
 * - Files are removed as the account's role allows (removal.ts): trashed in a
 *   shared drive, deleted in My Drive. One Drive will not let it remove is
 *   remembered, read as gone, and not tried again (unremovable.ts).
 */
import {
  ChangeHub,
  checkName,
  type ChangeListener,
  type CleanupProblems,
  type Folder,
  type Transport,
} from '../transport.ts';
import { defaultLogger, type Logger } from '../../log.ts';
import type { DriveApi, FileMeta } from './api.ts';
import { BODY_FOLDERS, bodyPropertiesFor } from './body-properties.ts';
import { isNotFound } from './errors.ts';
import { FolderIndex } from './folder-index.ts';
import { Housekeeper, type HousekeepingRules } from './housekeeping.ts';
import { IdPool } from './id-pool.ts';
import { KeyedQueue } from './keyed-queue.ts';
import { openMailbox, type MailboxFolders } from './mailbox-folders.ts';
import { MailboxSync } from './mailbox-sync.ts';
import { PollPace, type PollIntervals } from './poll-pace.ts';
import { removeFile } from './removal.ts';
import { loadSyncState } from './sync-state.ts';
import { cannotTrashWarning, UnremovableFiles } from './unremovable.ts';

/** How a DriveTransport works. */
export interface DriveTransportOptions {
  api: DriveApi;
  /** The mailbox root folder (DRIVE_FOLDER_ID). */
  folderId: string;
  /** DRIVE_POLL_FAST_MS and DRIVE_POLL_SLOW_MS. */
  polling: PollIntervals;
  /** Where this side keeps its page token and index; none: start afresh each time. */
  stateFile?: string;
  /**
   * How `list` stays current. By default it waits for the next regular poll
   * (a catch-up that starts after the call: read-after-write across sides, at
   * no extra call; it may wait up to one poll interval). A number answers from
   * the index when a catch-up started within that many ms, else catches up
   * first (0: every `list` makes its own call).
   */
  listMaxAgeMs?: number;
  /** Ids taken per files.generateIds call. Default 100. */
  idBlock?: number;
  /** The least time between saves of the state file (ms). Default 1000. */
  saveEveryMs?: number;
  /** Clear abandoned heartbeats and control files (the bot's side only). */
  housekeeping?: HousekeepingRules;
  clock?: () => number;
  log?: Logger;
}

/** A mailbox in a Google Drive folder. */
export class DriveTransport implements Transport {
  readonly kind = 'drive';
  private readonly hub: ChangeHub;
  private readonly index = new FolderIndex();
  private readonly writes = new KeyedQueue();
  private readonly pace: PollPace;
  private readonly ids: IdPool;
  private readonly clock: () => number;
  private readonly log: Logger;
  private readonly unremovable: UnremovableFiles;
  private folders: MailboxFolders | undefined;
  private sync: MailboxSync | undefined;
  private housekeeper: Housekeeper | undefined;

  constructor(private readonly options: DriveTransportOptions) {
    this.pace = new PollPace(options.polling);
    this.ids = new IdPool(options.api, options.idBlock ?? 100);
    this.clock = options.clock ?? Date.now;
    this.log = options.log ?? defaultLogger();
    this.hub = new ChangeHub(this.log);
    this.unremovable = new UnremovableFiles(this.log);
  }

  get description(): string {
    const where = this.folders?.driveId ? `Shared Drive ${this.folders.driveId}` : 'My Drive';
    return `Google Drive folder ${this.options.folderId} (${where})`;
  }

  async open(): Promise<void> {
    const { api, folderId, stateFile } = this.options;
    const folders = await openMailbox(api, folderId);
    const saved = stateFile ? await loadSyncState(stateFile, folderId, this.log) : undefined;
    const cannotTrash = folders.driveId !== undefined && folders.canTrashChildren === false;
    this.unremovable.place(folders.driveId !== undefined, cannotTrash);
    this.unremovable.restore(saved?.unremovable ?? []);
    // Files given up on before read as gone from the start: the listing at open must not bring them back.
    for (const id of this.unremovable.list()) this.index.bury(id);
    const sync = new MailboxSync({
      api,
      folders,
      index: this.index,
      hub: this.hub,
      pace: this.pace,
      stateFile,
      saveEveryMs: this.options.saveEveryMs ?? 1000,
      clock: this.clock,
      log: this.log,
      unremovable: () => this.unremovable.list(),
    });
    await sync.open(saved);
    [this.folders, this.sync] = [folders, sync];
    if (cannotTrash) {
      const account = await api.accountEmail().catch(() => 'this account');
      this.log.warn({ account }, cannotTrashWarning(account, folders.driveId!));
    }
    if (this.options.housekeeping) {
      this.housekeeper = new Housekeeper(this, this.options.housekeeping, this.clock, this.log);
      this.housekeeper.start();
    }
  }

  async put(folder: Folder, name: string, content: string): Promise<void> {
    checkName(name);
    const { folderIds } = this.opened();
    // Before the first await: a poll that the caller's setUrgent brought forward waits for the answer's likely time.
    this.pace.timing.writing(folder, name, this.clock());
    await this.writes.run(`${folder}/${name}`, async () => {
      const properties = bodyPropertiesFor(folder, content);
      for (const entry of this.index.entries(folder, name)) {
        const meta = await this.overwrite(entry.id, `${folder}/${name}`, content, properties.update);
        if (meta) return this.remember(folder, name, meta);
        // Deleted or trashed by another side meanwhile: create it again.
        this.index.bury(entry.id);
      }
      const id = await this.ids.take();
      this.remember(
        folder,
        name,
        await this.options.api.createFile(
          id,
          folderIds[folder],
          name,
          content,
          `creating ${folder}/${name}`,
          properties.create,
        ),
      );
    });
  }

  /** Overwrites a file by id; undefined when another side deleted it or moved it to the trash meanwhile. */
  private async overwrite(
    id: string,
    path: string,
    content: string,
    properties?: Record<string, string | null>,
  ): Promise<FileMeta | undefined> {
    try {
      const meta = await this.options.api.updateContent(id, content, `writing ${path}`, properties);
      // Drive lets a trashed file be written; it stays in the trash, where nobody reads it.
      return meta.trashed ? undefined : meta;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async get(folder: Folder, name: string): Promise<string | null> {
    checkName(name);
    for (const entry of await this.lookUp(folder, name)) {
      // Carried in a job file's properties, as of the latest catch-up: no call.
      if (entry.body !== undefined && BODY_FOLDERS.has(folder)) return entry.body;
      try {
        return await this.options.api.download(entry.id, `reading ${folder}/${name}`);
      } catch (error) {
        if (!isNotFound(error)) throw error;
        this.index.bury(entry.id);
      }
    }
    return null;
  }

  async delete(folder: Folder, name: string): Promise<void> {
    await this.tryDelete(folder, name);
  }

  /**
   * Removes every file with the name, as the account's role allows (removal.ts); false when Drive refused one: it
   * is given up on (unremovable.ts), and reads as gone on this side all the same.
   */
  async tryDelete(folder: Folder, name: string): Promise<boolean> {
    checkName(name);
    this.opened();
    return this.writes.run(`${folder}/${name}`, async () => {
      let removed = true;
      for (const entry of await this.lookUp(folder, name)) {
        removed = (await this.remove(folder, name, entry.id)) && removed;
      }
      return removed;
    });
  }

  private async remove(folder: Folder, name: string, id: string): Promise<boolean> {
    const inSharedDrive = this.folders?.driveId !== undefined;
    const refused = (await removeFile(this.options.api, id, `${folder}/${name}`, inSharedDrive)) === 'refused';
    if (refused) {
      this.unremovable.add(id, `${folder}/${name}`);
      this.sync?.stateChanged();
    }
    this.index.bury(id);
    this.pace.timing.deleted(folder, name);
    this.sync?.reschedule();
    return !refused;
  }

  async list(folder: Folder): Promise<string[]> {
    const { sync } = this.opened();
    const maxAgeMs = this.options.listMaxAgeMs;
    if (maxAgeMs === undefined) await sync.nextCatchUp();
    else if (this.clock() - sync.lastStart > maxAgeMs) await sync.fresh();
    return this.index.names(folder);
  }

  subscribe(listener: ChangeListener): () => void {
    return this.hub.subscribe(listener);
  }

  setIdlePoll(ms: number | undefined): void {
    if (this.pace.setIdleMs(ms)) this.sync?.reschedule();
  }

  setBusy(busy: boolean): void {
    this.pace.setBusy(busy);
    this.sync?.reschedule();
  }

  setUrgent(urgent: boolean): void {
    if (this.pace.setUrgent(urgent)) this.sync?.reschedule();
  }

  cleanupProblems(): CleanupProblems | null {
    return this.unremovable.report();
  }

  async close(): Promise<void> {
    await this.housekeeper?.stop();
    await this.sync?.close();
  }

  /** The files of a folder with their last modification, from the index (for housekeeping). */
  filesIn(folder: Folder): { name: string; modifiedMs: number }[] {
    return this.index.filesIn(folder).map((e) => ({ name: e.name, modifiedMs: e.modifiedMs }));
  }

  /** The index entries for a name; for a name never seen, after catching up with the feed once. */
  private async lookUp(folder: Folder, name: string) {
    const { sync } = this.opened();
    const known = this.index.entries(folder, name);
    if (known.length || this.index.wasRemoved(folder, name)) return known;
    await sync.fresh();
    return this.index.entries(folder, name);
  }

  private remember(folder: Folder, name: string, meta: FileMeta): void {
    // No body for this side's own writes: a read of one goes to Drive, so it sees another side's later delete or
    // overwrite.
    this.index.upsert({
      id: meta.id,
      folder,
      name,
      version: meta.version,
      modifiedMs: meta.modifiedMs || this.clock(),
    });
    this.pace.timing.wrote(folder, name, this.clock(), meta.modifiedMs);
    if (folder === 'requests' || folder === 'responses' || folder === 'control') {
      this.pace.activity();
      this.sync?.reschedule();
    }
  }

  private opened(): { folderIds: Record<Folder, string>; sync: MailboxSync } {
    if (!this.folders || !this.sync) throw new Error('storyloom: the Drive mailbox is not open yet');
    return { folderIds: this.folders.ids, sync: this.sync };
  }
}
