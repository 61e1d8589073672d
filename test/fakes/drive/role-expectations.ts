/**
 * What the role tests expect, written from Google's documentation independently of `role-rules.ts`
 * (which the fake enforces), so a slip in either shows. Each row names the rule it rests on.
 */
import type { Role } from './model.ts';

/** The operations the role matrix exercises. */
export type MatrixOp =
  | 'get'
  | 'list'
  | 'create'
  | 'updateContent'
  | 'updateProperties'
  | 'trash'
  | 'untrash'
  | 'delete';

/** Who may do an operation, and why. */
export interface Expectation {
  allowed: readonly string[];
  rule: string;
}

const REF_ROLES = 'developers.google.com/workspace/drive/api/guides/ref-roles';
const ADMIN_HELP = 'support.google.com/a/answer/7337554';
const EVERY_MEMBER: readonly Role[] = ['organizer', 'fileOrganizer', 'writer', 'commenter', 'reader'];
const EDITORS: readonly Role[] = ['organizer', 'fileOrganizer', 'writer'];

/** Shared drives, by member role. */
export const SHARED_DRIVE_EXPECTED: Record<MatrixOp, Expectation> = {
  get: { allowed: EVERY_MEMBER, rule: `${REF_ROLES}: "Read the metadata ..." and "Read the content ...": Yes for all` },
  list: { allowed: EVERY_MEMBER, rule: `${REF_ROLES}: "Read the list of items in the folder": Yes for all` },
  create: {
    allowed: EDITORS,
    rule: `${ADMIN_HELP}: "Create and upload files and create folders": ✔ ✔ ✔ ✘ ✘`,
  },
  updateContent: {
    allowed: EDITORS,
    rule: `${ADMIN_HELP}: "Make, approve, and reject edits in files": ✔ ✔ ✔ ✘ ✘`,
  },
  updateProperties: {
    allowed: EDITORS,
    rule: `${REF_ROLES}: writer (Contributor) may "edit the file", commenter only "view the file and add comments"`,
  },
  trash: {
    allowed: ['organizer', 'fileOrganizer'],
    rule: `${ADMIN_HELP}: "Move shared drive files and folders into the trash": ✔ ✔ ✘ ✘ ✘; v2 files.trash`,
  },
  untrash: {
    allowed: ['organizer', 'fileOrganizer'],
    rule:
      'v2 files.untrash: "at least a `fileOrganizer` on the parent for shared drive files" (stricter than the ' +
      'admin help, which lets Contributors restore)',
  },
  delete: {
    allowed: ['organizer'],
    rule:
      'files.delete: "If the file belongs to a shared drive, the user must be an `organizer` on the parent ' +
      'folder."',
  },
};

/** The My Drive cases: who acts, on whose file. */
export type MyDriveActor = 'owner' | 'writer' | 'commenter' | 'reader' | 'folderOwner';

/** My Drive. `folderOwner`: the owner of a folder acting on a file someone else (a writer) put in it. */
export const MY_DRIVE_EXPECTED: Record<MatrixOp, Expectation> = {
  get: {
    allowed: ['owner', 'writer', 'commenter', 'reader', 'folderOwner'],
    rule:
      `${REF_ROLES}: reading is Yes for every role; manage-sharing: children "inherit permissions from ` +
      'their parent folder"',
  },
  list: {
    allowed: ['owner', 'writer', 'commenter', 'reader', 'folderOwner'],
    rule: `${REF_ROLES}: "Read the list of items in the folder": Yes for every role`,
  },
  create: {
    allowed: ['owner', 'writer', 'folderOwner'],
    rule: `${REF_ROLES}: writer (Editor) "For folders, can add, edit, and delete files or subfolders"`,
  },
  updateContent: {
    allowed: ['owner', 'writer', 'folderOwner'],
    rule: `${REF_ROLES}: Editor may "edit the file"; Commenter and Viewer may not. folderOwner: undocumented, writer`,
  },
  updateProperties: { allowed: ['owner', 'writer', 'folderOwner'], rule: 'as updateContent (properties are metadata)' },
  trash: { allowed: ['owner'], rule: 'File.trashed: "Only the owner may trash a file"' },
  untrash: { allowed: ['owner'], rule: 'v2 files.untrash: "The currently authenticated user must own the file"' },
  delete: { allowed: ['owner'], rule: 'files.delete: "Permanently deletes a file owned by the user"' },
};
