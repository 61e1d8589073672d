import type { FileStore } from './file-store.ts';
import type { FileRecord, Principal, Role, SharedDrive } from './model.ts';

/** How a principal may use a file: as its owner, a writer or a reader. */
export type Access = Role | 'owner';

/**
 * Drive's visibility rules, ignoring `supportsAllDrives` (callers check that):
 * - a `drive.file` principal reaches only files it created;
 * - shared-drive items belong to the drive's members, with the member's role;
 * - in My Drive the creator owns a file, and a share on it or on any folder
 *   above it grants the shared role.
 */
export class AccessRules {
  constructor(
    private readonly store: FileStore,
    private readonly drives: Map<string, SharedDrive>,
  ) {}

  /** The access `principal` has to `file`, or undefined when it cannot see it. */
  accessOf(principal: Principal, file: FileRecord): Access | undefined {
    if (principal.scope === 'drive.file') {
      if (file.isRoot && file.id === principal.rootId) return 'owner';
      return file.creatorEmail === principal.email && !file.isRoot ? this.fileScopeAccess(principal, file) : undefined;
    }
    return this.accessByEmail(principal.email, file);
  }

  /** The access an email has to `file` through ownership, shares or membership. */
  accessByEmail(email: string, file: FileRecord): Access | undefined {
    if (file.driveId !== undefined) return this.drives.get(file.driveId)?.members.get(email);
    if (file.creatorEmail === email) return 'owner';
    let best: Access | undefined;
    for (const f of this.store.ancestry(file)) {
      const role = f.shares.get(email);
      if (role === 'writer') return 'writer';
      if (role === 'reader') best = 'reader';
    }
    return best;
  }

  /** Every email with access to `file`, for `'x' in writers` and similar queries. */
  rolesOf(file: FileRecord): Map<string, Access> {
    const emails = new Set<string>([file.creatorEmail]);
    if (file.driveId !== undefined) {
      for (const e of this.drives.get(file.driveId)?.members.keys() ?? []) emails.add(e);
    }
    for (const f of this.store.ancestry(file)) for (const e of f.shares.keys()) emails.add(e);
    const roles = new Map<string, Access>();
    for (const e of emails) {
      const access = this.accessByEmail(e, file);
      if (access !== undefined) roles.set(e, access);
    }
    return roles;
  }

  /** Whether the access allows changing the file or adding children to it. */
  static canWrite(access: Access | undefined): boolean {
    return access === 'owner' || access === 'writer';
  }

  private fileScopeAccess(principal: Principal, file: FileRecord): Access | undefined {
    if (file.driveId === undefined) return 'owner';
    return this.drives.get(file.driveId)?.members.get(principal.email);
  }
}
