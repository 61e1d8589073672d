/**
 * The data model of the Drive fake: principals, shared drives and file records.
 * Everything here is plain data; behaviour lives in the store, access and handler modules.
 */

/** The MIME type Drive uses for folders. */
export const FOLDER_MIME = 'application/vnd.google-apps.folder';

/** OAuth scopes the fake distinguishes (the part after `https://www.googleapis.com/auth/`). */
export type Scope = 'drive' | 'drive.file' | 'drive.readonly';

/** Whether a principal is a person (OAuth user) or a service account. */
export type PrincipalKind = 'user' | 'service_account';

/**
 * A shared-drive member's role (Drive UI: Manager, Content manager, Contributor, Commenter, Viewer),
 * per https://developers.google.com/workspace/drive/api/guides/ref-roles ("Correlation between
 * Drive API and Drive UI roles"). What each may do is in `role-rules.ts`.
 */
export type Role = 'organizer' | 'fileOrganizer' | 'writer' | 'commenter' | 'reader';

/** The roles a share on a My Drive file or folder may grant (My Drive has no organizer roles). */
export type ShareRole = 'writer' | 'commenter' | 'reader';

/** Every shared-drive role, most powerful first. */
export const DRIVE_ROLES: readonly Role[] = ['organizer', 'fileOrganizer', 'writer', 'commenter', 'reader'];

/** Every share role, most powerful first. */
export const SHARE_ROLES: readonly ShareRole[] = ['writer', 'commenter', 'reader'];

/** What a caller gives to register a principal. */
export interface PrincipalSpec {
  /** The bearer access token the principal's requests carry. */
  token: string;
  /** Its email; shares and shared-drive memberships name it. */
  email: string;
  /** `user` or `service_account` (service accounts have no My Drive storage quota). */
  kind?: PrincipalKind;
  /** The scope its token was granted. Default `drive`. */
  scope?: Scope;
  /** A short name for call counts. Default: the email. */
  label?: string;
  /** A refresh token that `POST /token` exchanges for `token`. */
  refreshToken?: string;
}

/** A registered principal. */
export interface Principal {
  token: string;
  email: string;
  kind: PrincipalKind;
  scope: Scope;
  label: string;
  /** The id of its "My Drive" root folder (the alias `root` resolves to it). */
  rootId: string;
}

/** A shared drive and its members. */
export interface SharedDrive {
  /** The drive id; it is also the id of the drive's root folder. */
  id: string;
  name: string;
  /** Member email → role. */
  members: Map<string, Role>;
  createdTime: number;
}

/** One stored file or folder. Times are epoch milliseconds. */
export interface FileRecord {
  id: string;
  name: string;
  mimeType: string;
  parents: string[];
  createdTime: number;
  modifiedTime: number;
  content: Buffer;
  trashed: boolean;
  explicitlyTrashed: boolean;
  starred: boolean;
  appProperties: Record<string, string>;
  properties: Record<string, string>;
  description?: string;
  /** Increments on every change, like Drive's `version`. */
  version: number;
  /** The email of the principal that created it (its owner in My Drive). */
  creatorEmail: string;
  lastModifyingEmail: string;
  /** Set for items in a shared drive. */
  driveId?: string;
  /** True for a My Drive root or a shared drive's root folder; never listed. */
  isRoot: boolean;
  /** Direct shares: email → role. Shares on a folder extend to its descendants. */
  shares: Map<string, ShareRole>;
}

/** Whether a record is a folder. */
export function isFolder(file: FileRecord): boolean {
  return file.mimeType === FOLDER_MIME;
}

/** A copy of a record that later changes to the original do not affect (content is shared). */
export function snapshotOf(file: FileRecord): FileRecord {
  return {
    ...file,
    parents: [...file.parents],
    appProperties: { ...file.appProperties },
    properties: { ...file.properties },
    shares: new Map(file.shares),
  };
}
