import { AccessRules } from './access.ts';
import { ChangeLog } from './change-log.ts';
import { MonotonicClock } from './clock.ts';
import { FileStore } from './file-store.ts';
import { newFileId, newRootId } from './ids.ts';
import { ListIndex } from './list-index.ts';
import {
  DRIVE_ROLES,
  FOLDER_MIME,
  SHARE_ROLES,
  snapshotOf,
  type FileRecord,
  type Principal,
  type PrincipalSpec,
  type Role,
  type SharedDrive,
  type ShareRole,
} from './model.ts';
import { PrincipalRegistry } from './principals.ts';
import { UploadSessions } from './upload-sessions.ts';

/** What `createSharedDrive` takes. */
export interface SharedDriveSpec {
  name: string;
  /**
   * Member emails, or email → role (`organizer`, `fileOrganizer`, `writer`, `commenter`, `reader`).
   * A plain list makes every member an `organizer` (Manager), the role Drive gives whoever creates a
   * shared drive, so the list keeps meaning "members who may do everything". Drive's own default for
   * members added later is `fileOrganizer` (Content manager), so name that role where it matters.
   */
  members: string[] | Record<string, Role>;
  /** A fixed id; by default a Drive-shaped one is made up. */
  id?: string;
}

/**
 * Everything the fake stores, and the bookkeeping every write needs
 * (change log and list index). Handlers read and write through this.
 */
export class DriveState {
  readonly clock = new MonotonicClock();
  readonly store = new FileStore();
  readonly principals = new PrincipalRegistry();
  readonly drives = new Map<string, SharedDrive>();
  readonly changes = new ChangeLog();
  readonly uploads = new UploadSessions();
  readonly listIndex: ListIndex;
  readonly access: AccessRules;

  constructor(listLagMs = 0) {
    this.listIndex = new ListIndex(listLagMs);
    this.access = new AccessRules(this.store, this.drives);
  }

  /** Registers a principal; principals with the same email share one My Drive. */
  addPrincipal(spec: PrincipalSpec): Principal {
    const existing = this.principals.byEmail(spec.email);
    const rootId = existing?.rootId ?? newRootId();
    if (!existing) {
      this.store.insert(
        this.newRecord({ id: rootId, name: 'My Drive', mimeType: FOLDER_MIME, creatorEmail: spec.email, isRoot: true }),
      );
    }
    return this.principals.add(spec, rootId);
  }

  /** Creates a shared drive; its root folder has the drive's id. */
  createSharedDrive(spec: SharedDriveSpec): SharedDrive {
    const id = spec.id ?? newRootId();
    const members = Array.isArray(spec.members)
      ? new Map(spec.members.map((e): [string, Role] => [e, 'organizer']))
      : new Map(Object.entries(spec.members));
    for (const [email, role] of members) {
      if (!DRIVE_ROLES.includes(role)) throw new Error(`createSharedDrive: ${email} has unknown role "${role}"`);
    }
    const drive: SharedDrive = { id, name: spec.name, members, createdTime: this.clock.now() };
    this.drives.set(id, drive);
    this.store.insert(
      this.newRecord({ id, name: spec.name, mimeType: FOLDER_MIME, creatorEmail: '', driveId: id, isRoot: true }),
    );
    return drive;
  }

  /** Shares a file (and, for a folder, everything below it) with `email` as a writer, commenter or reader. */
  share(fileId: string, email: string, role: ShareRole = 'writer'): void {
    const file = this.store.get(fileId);
    if (!file) throw new Error(`share: no file ${fileId}`);
    if (!SHARE_ROLES.includes(role)) throw new Error(`share: unknown role "${role}" (writer, commenter or reader)`);
    file.shares.set(email, role);
    // Newly reachable files show up in the sharee's changes, as on Drive.
    for (const f of this.store.subtree(fileId)) this.appendChange(f, false);
  }

  /** A record with Drive's defaults, timestamped now. */
  newRecord(fields: Partial<FileRecord> & Pick<FileRecord, 'creatorEmail'>): FileRecord {
    const now = this.clock.now();
    return {
      id: newFileId(),
      name: 'Untitled',
      mimeType: 'application/octet-stream',
      parents: [],
      createdTime: now,
      modifiedTime: now,
      content: Buffer.alloc(0),
      trashed: false,
      explicitlyTrashed: false,
      starred: false,
      appProperties: {},
      properties: {},
      version: 1,
      lastModifyingEmail: fields.creatorEmail,
      isRoot: false,
      shares: new Map(),
      ...fields,
    };
  }

  /** Stores a newly created file and logs it. */
  commitCreate(file: FileRecord): void {
    this.store.insert(file);
    this.listIndex.recordCreate(file, Date.now());
    this.appendChange(file, false);
  }

  /** Logs a change to `file`, whose state before the change was `before` (a snapshot). */
  commitUpdate(before: FileRecord, file: FileRecord): void {
    file.version += 1;
    this.listIndex.recordUpdate(before, file, Date.now());
    this.appendChange(file, false);
  }

  /**
   * Deletes `file` for `deleterEmail`, logging each removal. In a shared drive everything below goes too.
   * In My Drive, files.delete says "If the target is a folder, all descendants owned by the user are also
   * deleted" (https://developers.google.com/workspace/drive/api/reference/rest/v3/files/delete): others'
   * files stay, and one whose parent went is "placed under its owner's root" (the same page, on the
   * deprecated enforceSingleParent); those who only reached it through the deleted folder lose it.
   */
  commitDelete(file: FileRecord, deleterEmail: string): void {
    const below = this.store.subtree(file.id);
    const doomed = below.filter((f) => f === file || f.driveId !== undefined || f.creatorEmail === deleterEmail);
    const doomedIds = new Set(doomed.map((f) => f.id));
    for (const f of below) {
      if (!doomedIds.has(f.id) && f.parents.some((p) => doomedIds.has(p))) this.moveToOwnerRoot(f);
    }
    for (const f of doomed.reverse()) {
      const audience = this.audienceOf(f);
      this.store.remove(f.id);
      this.listIndex.forget(f.id);
      this.changes.append({ fileId: f.id, time: this.clock.now(), removed: true, driveId: f.driveId, audience });
    }
  }

  /** Reparents a My Drive file to its owner's root; those who saw it before get `removed` if they lost it. */
  private moveToOwnerRoot(file: FileRecord): void {
    const audience = this.audienceOf(file);
    const before = snapshotOf(file);
    file.parents = [this.principals.byEmail(file.creatorEmail)?.rootId].filter((id): id is string => id !== undefined);
    file.version += 1;
    this.listIndex.recordUpdate(before, file, Date.now());
    this.changes.append({ fileId: file.id, time: this.clock.now(), removed: false, driveId: file.driveId, audience });
  }

  /** The emails of every registered principal that can see `file` now. */
  private audienceOf(file: FileRecord): Set<string> {
    return new Set(
      this.principals
        .all()
        .filter((p) => this.access.accessOf(p, file))
        .map((p) => p.email),
    );
  }

  private appendChange(file: FileRecord, removed: boolean): void {
    this.changes.append({ fileId: file.id, time: this.clock.now(), removed, driveId: file.driveId });
  }
}
