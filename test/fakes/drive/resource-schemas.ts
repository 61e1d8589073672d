import type { FieldSchema } from './fields-mask.ts';

/**
 * The fields Drive v3 resources have, for validating `fields` masks, and the
 * masks Drive applies when a request names no `fields`.
 */

const leaves = (names: string): Record<string, 'leaf'> =>
  Object.fromEntries(
    names
      .split(/\s+/)
      .filter(Boolean)
      .map((n) => [n, 'leaf' as const]),
  );

const opens = (names: string): Record<string, 'open'> =>
  Object.fromEntries(
    names
      .split(/\s+/)
      .filter(Boolean)
      .map((n) => [n, 'open' as const]),
  );

/** Drive's User resource. */
export const USER_SCHEMA: FieldSchema = leaves('kind displayName photoLink me permissionId emailAddress');

/** Drive's File resource (every v3 field, whether or not the fake fills it in). */
export const FILE_SCHEMA: FieldSchema = {
  ...leaves(`kind id name mimeType description starred trashed explicitlyTrashed parents spaces version
    webContentLink webViewLink iconLink hasThumbnail thumbnailLink thumbnailVersion viewedByMe viewedByMeTime
    createdTime modifiedTime modifiedByMeTime modifiedByMe sharedWithMeTime shared ownedByMe viewersCanCopyContent
    copyRequiresWriterPermission writersCanShare permissionIds hasAugmentedPermissions folderColorRgb
    originalFilename fullFileExtension fileExtension md5Checksum sha1Checksum sha256Checksum size quotaBytesUsed
    headRevisionId isAppAuthorized driveId teamDriveId trashedTime resourceKey inheritedPermissionsDisabled`),
  ...opens(`appProperties properties capabilities contentHints exportLinks permissions imageMediaMetadata
    videoMediaMetadata shortcutDetails contentRestrictions linkShareMetadata labelInfo downloadRestrictions`),
  owners: USER_SCHEMA,
  lastModifyingUser: USER_SCHEMA,
  sharingUser: USER_SCHEMA,
  trashingUser: USER_SCHEMA,
};

/** Drive's FileList. */
export const FILE_LIST_SCHEMA: FieldSchema = { ...leaves('kind nextPageToken incompleteSearch'), files: FILE_SCHEMA };

/** Drive's Drive (shared drive) resource. */
export const DRIVE_SCHEMA: FieldSchema = {
  ...leaves('kind id name colorRgb backgroundImageLink createdTime hidden themeId orgUnitId'),
  ...opens('capabilities restrictions backgroundImageFile'),
};

/** Drive's Change resource. */
export const CHANGE_SCHEMA: FieldSchema = {
  ...leaves('kind changeType time removed fileId driveId teamDriveId'),
  file: FILE_SCHEMA,
  drive: DRIVE_SCHEMA,
  teamDrive: 'open',
};

/** Drive's ChangeList. */
export const CHANGE_LIST_SCHEMA: FieldSchema = {
  ...leaves('kind nextPageToken newStartPageToken'),
  changes: CHANGE_SCHEMA,
};

/** Drive's About resource. */
export const ABOUT_SCHEMA: FieldSchema = {
  ...leaves('kind appInstalled maxImportSize maxUploadSize canCreateDrives canCreateTeamDrives'),
  ...opens('storageQuota importFormats exportFormats folderColorPalette teamDriveThemes driveThemes driveThemesCount'),
  user: USER_SCHEMA,
};

/** Drive's GeneratedIds. */
export const GENERATED_IDS_SCHEMA: FieldSchema = leaves('kind space ids');

/** Drive's StartPageToken. */
export const START_PAGE_TOKEN_SCHEMA: FieldSchema = leaves('kind startPageToken');

/** What Drive returns for a file when no `fields` is given. */
export const DEFAULT_FILE_FIELDS = 'kind,id,name,mimeType';
/** What Drive returns for files.list when no `fields` is given. */
export const DEFAULT_FILE_LIST_FIELDS = `kind,nextPageToken,incompleteSearch,files(${DEFAULT_FILE_FIELDS})`;
/** What Drive returns for changes.list when no `fields` is given. */
export const DEFAULT_CHANGE_LIST_FIELDS =
  'kind,nextPageToken,newStartPageToken,' +
  `changes(kind,changeType,time,removed,fileId,driveId,file(${DEFAULT_FILE_FIELDS}))`;
/** What Drive returns for drives.get when no `fields` is given. */
export const DEFAULT_DRIVE_FIELDS = 'kind,id,name';
