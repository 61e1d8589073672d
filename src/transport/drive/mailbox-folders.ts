/**
 * Finds the mailbox on Drive: the root folder (DRIVE_FOLDER_ID) and its six
 * subfolders, by the ids the root's properties record (folder-ids.ts), or, for
 * a mailbox made before those, by name among the root's child folders. This is
 * the discovery the Colab worker does too (colab/transport/drive/mailbox_folders.py). Each way
 * it can fail gets a message that says what to do.
 */
import { FOLDERS, type Folder } from '../transport.ts';
import { FOLDER_MIME, type DriveApi, type FileMeta, type FolderMeta } from './api.ts';
import { MailboxError, isNotFound } from './errors.ts';
import { serviceAccountQuota } from './explain.ts';
import { recordedFolderIds } from './folder-ids.ts';

/** The full Drive scope, the one storyloom asks for. */
export const DRIVE_SCOPE = 'https://www.googleapis.com/auth/drive';

/** Where the mailbox is. */
export interface MailboxFolders {
  rootId: string;
  /** The Shared Drive it is in; undefined for My Drive. */
  driveId?: string;
  ids: Record<Folder, string>;
  /** Folder id → mailbox folder. */
  folderOf: Map<string, Folder>;
  /** In a shared drive, whether the account may move the mailbox's files to the trash (undefined: not said). */
  canTrashChildren?: boolean;
}

/**
 * Reads a folder's metadata (with its properties and capabilities), checking the token's scopes either way. Not
 * found: a `folder_not_found` error whose text `explain(who)` writes, naming the signed-in account (a folder not
 * shared with it looks the same as no folder, and a too-narrow scope hides it too).
 */
export async function getFolder(
  api: DriveApi,
  id: string,
  what: string,
  explain: (who: string) => string,
): Promise<FolderMeta> {
  let folder: FolderMeta;
  try {
    folder = await api.getFolder(id, what);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    checkScopes(api);
    const who = await api.accountEmail().catch(() => 'the signed-in account');
    throw new MailboxError('folder_not_found', explain(who), 404, 'notFound');
  }
  checkScopes(api);
  return folder;
}

/** Reads the root folder's metadata; a clear error when it is missing, hidden, not a folder, or in the trash. */
export async function openRoot(api: DriveApi, rootId: string): Promise<FolderMeta> {
  const root = await getFolder(
    api,
    rootId,
    `opening the mailbox folder ${rootId}`,
    (who) =>
      `storyloom: the mailbox folder ${rootId} was not found, or is not shared with ${who}. Check DRIVE_FOLDER_ID ` +
      `(\`npm run mailbox:init\` prints it), then share the folder with ${who} as an editor (My Drive), or add ` +
      `${who} to its Shared Drive as a "Content manager" (a "Contributor" cannot move files to the trash, so the ` +
      'mailbox fills up).',
  );
  if (root.mimeType !== FOLDER_MIME || root.trashed) {
    throw new MailboxError(
      'not_a_mailbox',
      `storyloom: ${rootId} is not a mailbox folder ` +
        `(it is ${root.trashed ? 'in the trash' : `a ${root.mimeType} file`}). Check DRIVE_FOLDER_ID.`,
    );
  }
  if (api.kind === 'service_account' && !root.driveId)
    throw serviceAccountQuota(`opening the mailbox folder ${rootId} in My Drive`);
  return root;
}

/** Throws when the token's granted scopes are known and lack the full Drive scope. */
export function checkScopes(api: DriveApi): void {
  const scopes = api.grantedScopes();
  if (!scopes || scopes.includes(DRIVE_SCOPE)) return;
  throw new MailboxError(
    'scope_too_narrow',
    `storyloom: the Google credentials were granted ${scopes.join(' ') || 'no scopes'}, not ${DRIVE_SCOPE}. ` +
      'With a narrower scope such as drive.file, ' +
      'the bot cannot see the files the Colab worker creates with its own credentials. ' +
      'Run `npm run auth:google` again and allow access to all of Google Drive.',
    403,
    'insufficientScopes',
  );
}

/** The root's child folders by name (trashed ones left out). */
export async function childFolders(api: DriveApi, rootId: string, driveId: string | undefined): Promise<FileMeta[]> {
  return api.listFiles(
    `'${rootId}' in parents and mimeType = '${FOLDER_MIME}' and trashed = false`,
    driveId,
    `listing the mailbox folder ${rootId}`,
  );
}

/**
 * Opens the mailbox: the root and its six subfolders, each exactly once. The ids come from the root's properties
 * when all six are recorded there (no listing, which may lag behind a fresh `npm run mailbox:init`), else from a
 * listing of the root's children by name (mailboxes made before the properties).
 */
export async function openMailbox(api: DriveApi, rootId: string): Promise<MailboxFolders> {
  const root = await openRoot(api, rootId);
  const recorded = recordedFolderIds(root.properties);
  const ids = FOLDERS.every((f) => recorded[f])
    ? (recorded as Record<Folder, string>)
    : await folderIdsByName(api, root);
  return {
    rootId,
    ...(root.driveId ? { driveId: root.driveId } : {}),
    ids,
    folderOf: new Map(FOLDERS.map((f) => [ids[f], f])),
    ...(root.canTrashChildren === undefined ? {} : { canTrashChildren: root.canTrashChildren }),
  };
}

/** The six subfolders found by name among the root's children; a clear error when one is missing or doubled. */
async function folderIdsByName(api: DriveApi, root: FileMeta): Promise<Record<Folder, string>> {
  const rootId = root.id;
  const children = await childFolders(api, rootId, root.driveId);
  const ids = {} as Record<Folder, string>;
  const missing: Folder[] = [];
  for (const folder of FOLDERS) {
    const found = children.filter((c) => c.name === folder);
    if (found.length > 1) {
      throw new MailboxError(
        'not_a_mailbox',
        `storyloom: the mailbox folder ${rootId} has ${found.length} folders named "${folder}" ` +
          `(${found.map((f) => f.id).join(', ')}); the bot and the worker could each use a different one. ` +
          'Delete the extra ones, keeping the one with the files.',
      );
    }
    if (found.length === 0) missing.push(folder);
    else ids[folder] = found[0].id;
  }
  if (missing.length) {
    throw new MailboxError(
      'not_a_mailbox',
      `storyloom: the mailbox folder ${rootId} lacks the subfolders ${missing.join(', ')}. ` +
        `Run \`npm run mailbox:init\` with DRIVE_FOLDER_ID=${rootId} to add them.`,
    );
  }
  return ids;
}
