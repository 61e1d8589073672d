import type { FileStore } from './file-store.ts';
import { SHARE_ROLES, type FileRecord, type Principal, type Role, type ShareRole, type SharedDrive } from './model.ts';
import { allows, type Operation } from './role-rules.ts';

/** How a principal may use a file: as its owner (My Drive), or with a shared-drive or share role. */
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
    // The most powerful share on the file or any folder above it wins: "All child files and folders
    // automatically inherit permissions from their parent folder." (https://developers.google.com/workspace/
    // drive/api/guides/manage-sharing). A folder's owner thus reaches what others put in it; as what role is
    // not documented (ownership itself is not inherited), so the fake says `writer`: it may read and edit,
    // but trashing and deleting stay with the file's owner.
    let best: ShareRole | undefined;
    for (const f of this.store.ancestry(file)) {
      const role = f.creatorEmail === email ? 'writer' : f.shares.get(email);
      if (role === undefined) continue;
      if (best === undefined || SHARE_ROLES.indexOf(role) < SHARE_ROLES.indexOf(best)) best = role;
    }
    return best;
  }

  /** Every email with access to `file`, for `'x' in writers` and similar queries. */
  rolesOf(file: FileRecord): Map<string, Access> {
    const emails = new Set<string>([file.creatorEmail]);
    if (file.driveId !== undefined) {
      for (const e of this.drives.get(file.driveId)?.members.keys() ?? []) emails.add(e);
    }
    for (const f of this.store.ancestry(file)) {
      emails.add(f.creatorEmail);
      for (const e of f.shares.keys()) emails.add(e);
    }
    const roles = new Map<string, Access>();
    for (const e of emails) {
      const access = this.accessByEmail(e, file);
      if (access !== undefined) roles.set(e, access);
    }
    return roles;
  }

  /** Whether `access` allows `op` on `file`, by the rules in `role-rules.ts`; nothing may trash or delete a root. */
  static can(access: Access | undefined, op: Operation, file: FileRecord): boolean {
    if (file.isRoot && (op === 'edit' || op === 'trash' || op === 'untrash' || op === 'delete' || op === 'move')) {
      return false;
    }
    return allows(access, op, file.driveId === undefined ? 'myDrive' : 'sharedDrive');
  }

  private fileScopeAccess(principal: Principal, file: FileRecord): Access | undefined {
    if (file.driveId === undefined) return 'owner';
    return this.drives.get(file.driveId)?.members.get(principal.email);
  }
}
