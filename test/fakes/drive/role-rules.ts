import type { Access } from './access.ts';

/**
 * What each role may do to a file, each rule with the page and the sentence it rests on.
 * Quotes were checked against stored copies of Google's pages (and the googleapis typings' field docs).
 * The ref-roles tables render Yes/No as icons; only the first rows' values (the read rows) could be read
 * as text, so the write rows rest on the Workspace admin help's table and on the method references.
 */

/** What a caller asks to do with a file (for `create`: with the folder it adds to). */
export type Operation = 'read' | 'list' | 'edit' | 'create' | 'trash' | 'untrash' | 'delete' | 'move';

/** Where the file lives: its owner's My Drive, or a shared drive (owned by the drive). */
export type Space = 'myDrive' | 'sharedDrive';

/** One rule: who may, and the documentation that says so. */
export interface RoleRule {
  allowed: readonly Access[];
  /** The page the rule rests on. */
  source: string;
  /** The sentence or table row it rests on, quoted. */
  says: string;
}

const REF_ROLES = 'https://developers.google.com/workspace/drive/api/guides/ref-roles';
const ADMIN_HELP = 'https://support.google.com/a/answer/7337554 (Shared drives access levels)';
const FILES_DELETE = 'https://developers.google.com/workspace/drive/api/reference/rest/v3/files/delete';
const FILE_TRASHED = 'https://developers.google.com/workspace/drive/api/reference/rest/v3/files#File.FIELDS.trashed';
const DELETE_GUIDE = 'https://developers.google.com/workspace/drive/api/guides/delete';
const V2_TRASH = 'https://developers.google.com/workspace/drive/api/reference/rest/v2/files/trash';
const V2_UNTRASH = 'https://developers.google.com/workspace/drive/api/reference/rest/v2/files/untrash';

const ALL_MEMBERS: readonly Access[] = ['organizer', 'fileOrganizer', 'writer', 'commenter', 'reader'];
const EDITORS: readonly Access[] = ['organizer', 'fileOrganizer', 'writer'];
const ORGANIZERS: readonly Access[] = ['organizer', 'fileOrganizer'];

/** Shared drives: a member's role covers every item in the drive (the fake has no per-item shares there). */
export const SHARED_DRIVE_RULES: Record<Operation, RoleRule> = {
  read: {
    allowed: ALL_MEMBERS,
    source: REF_ROLES,
    says:
      '| Read the metadata (such as name, description) of the file or folder | Yes | Yes | Yes | Yes | Yes ' +
      '| Yes | and | Read the content of the file | Yes | Yes | Yes | Yes | Yes | Yes |',
  },
  list: {
    allowed: ALL_MEMBERS,
    source: REF_ROLES,
    says: '| Read the list of items in the folder | Yes | Yes | Yes | Yes | Yes | Yes |',
  },
  // Content and metadata alike (properties are metadata); the ref-roles "Modify the metadata" row was unreadable.
  edit: {
    allowed: EDITORS,
    source: `${ADMIN_HELP}; ${REF_ROLES}`,
    says:
      'Make, approve, and reject edits in files: Manager ✔, Content manager ✔, Contributor ✔, Commenter ✘, ' +
      'Viewer ✘. `writer` | Contributor | "Grants the ability to view the file, add comments, and edit the file."',
  },
  create: {
    allowed: EDITORS,
    source: `${ADMIN_HELP}; ${REF_ROLES}`,
    says:
      'Create and upload files and create folders in shared drives: ✔ ✔ ✔ ✘ ✘. `writer` | Contributor | ' +
      '"... Can also create files within a shared drive."',
  },
  trash: {
    allowed: ORGANIZERS,
    source: `${ADMIN_HELP}; ${V2_TRASH}`,
    says:
      'Move shared drive files and folders into the trash: ✔ ✔ ✘ ✘ ✘. "Moves a file to the trash. ' +
      'The currently authenticated user must own the file or be at least a `fileOrganizer` ' +
      'on the parent for shared drive files."',
  },
  // The admin help lets Contributors restore
  // ("Restore files and folders from trash (up to 30 days): ✔ ✔ ✔ ✘ ✘");
  // the API reference asks for fileOrganizer. The two disagree, so the fake follows the stricter one.
  untrash: {
    allowed: ORGANIZERS,
    source: V2_UNTRASH,
    says:
      '"Restores a file from the trash. The currently authenticated user must own the file or be at least a ' +
      '`fileOrganizer` on the parent for shared drive files."',
  },
  delete: {
    allowed: ['organizer'],
    source: `${FILES_DELETE}; ${REF_ROLES}; ${ADMIN_HELP}`,
    says:
      '"If the file belongs to a shared drive, the user must be an `organizer` on the parent folder." ' +
      'Footnote [2] (Delete items in shared drives): "Requires the `organizer` role on a direct or indirect parent". ' +
      'Permanently delete files and folders in the trash: ✔ ✘ ✘ ✘ ✘.',
  },
  move: {
    allowed: ORGANIZERS,
    source: `${REF_ROLES}; ${ADMIN_HELP}`,
    says:
      'Reorganize items within a shared drive [1]: "[1] Requires the `organizer` or `fileOrganizer` role on a ' +
      'direct or indirect parent". Move files and folders within a shared drive: ✔ ✔ ✘ ✘ ✘.',
  },
};

const ALL_SHARES: readonly Access[] = ['owner', 'writer', 'commenter', 'reader'];
const OWNER_AND_WRITER: readonly Access[] = ['owner', 'writer'];

/** My Drive: the creator owns a file; shares (on it or a folder above) grant writer, commenter or reader. */
export const MY_DRIVE_RULES: Record<Operation, RoleRule> = {
  read: {
    allowed: ALL_SHARES,
    source: REF_ROLES,
    says: '| Read the metadata ... | Yes |... and | Read the content of the file | Yes | ... (every role)',
  },
  list: {
    allowed: ALL_SHARES,
    source: REF_ROLES,
    says: '| Read the list of items in the folder | Yes | ... (every role)',
  },
  edit: {
    allowed: OWNER_AND_WRITER,
    source: REF_ROLES,
    says:
      '`writer` | Editor | "Grants the ability to view the file, add comments, and edit the file." `commenter` | ' +
      '"Grants the ability to view the file and add comments." `reader` | "Grants the ability to view the file."',
  },
  create: {
    allowed: OWNER_AND_WRITER,
    source: REF_ROLES,
    says: '`writer` | Editor | "... For folders, can add, edit, and delete files or subfolders within that folder."',
  },
  trash: {
    allowed: ['owner'],
    source: `${FILE_TRASHED}; ${DELETE_GUIDE}`,
    says:
      '"Only the owner may trash a file, but other users can still access the file in the owner\'s trash until ' +
      'it\'s permanently deleted." "If you attempt to trash a file you don\'t own, you receive an ' +
      'insufficientFilePermissions error."',
  },
  untrash: {
    allowed: ['owner'],
    source: V2_UNTRASH,
    says: '"Restores a file from the trash. The currently authenticated user must own the file ..."',
  },
  // The ref-roles Editor row says a folder's writer "can ... delete files or subfolders within that folder";
  // files.delete asks for ownership. The two disagree, so the fake follows files.delete, the stricter: a writer
  // can neither delete nor (see trash) trash someone else's file.
  delete: {
    allowed: ['owner'],
    source: FILES_DELETE,
    says: '"Permanently deletes a file owned by the user without moving it to the trash."',
  },
  // Not found documented for My Drive (the ref-roles "Remove items from the My Drive folder" row was unreadable):
  // the fake keeps its earlier rule, edit rights on the file (and add rights on the new parent).
  move: {
    allowed: OWNER_AND_WRITER,
    source: 'not found documented',
    says: 'No documented sentence found; conservative choice: the roles that may edit the file.',
  },
};

/** Whether `access` allows `op` on a file in `space`. */
export function allows(access: Access | undefined, op: Operation, space: Space): boolean {
  if (access === undefined) return false;
  return (space === 'sharedDrive' ? SHARED_DRIVE_RULES : MY_DRIVE_RULES)[op].allowed.includes(access);
}

/** The rule that decides `op` in `space` (for error details and tests). */
export function ruleFor(op: Operation, space: Space): RoleRule {
  return (space === 'sharedDrive' ? SHARED_DRIVE_RULES : MY_DRIVE_RULES)[op];
}
