/**
 * Creates the mailbox folder tree on Drive, or checks and completes an
 * existing one: a root folder (`storyloom` by default, in My Drive, in a given
 * folder, or at the top of a Shared Drive) with the six subfolders, whose ids
 * the root's properties record (folder-ids.ts).
 *
 * Running it again changes nothing, even while Drive's listing still lags
 * behind the first run: everything is addressed by id. The root comes from
 * DRIVE_FOLDER_ID, or from this machine's memory of the root it made
 * (remembered-root.ts); the subfolders from the root's properties, each checked
 * by id. Only a mailbox made before the properties is searched by name. Folders
 * are created under ids from generateIds, so a retried create cannot make two.
 */
import { FOLDERS, type Folder } from '../transport.ts';
import { FOLDER_MIME, type DriveApi, type FolderMeta } from './api.ts';
import { MailboxError, isNotFound } from './errors.ts';
import { serviceAccountQuota } from './explain.ts';
import { folderIdProperties, LAYOUT_KEY, recordedFolderIds } from './folder-ids.ts';
import { IdPool } from './id-pool.ts';
import { childFolders, getFolder, openRoot } from './mailbox-folders.ts';
import { isRefusal } from './removal.ts';
import { rememberedRoot, rememberRoot } from './remembered-root.ts';

/** Where to make (or find) the mailbox. */
export interface InitOptions {
  /** An existing mailbox root to check and complete (DRIVE_FOLDER_ID). */
  folderId?: string;
  /** The folder or Shared Drive id to create the root in; My Drive's top by default. */
  parentId?: string;
  /** The root folder's name. Default `storyloom`. */
  name?: string;
  /** Where this machine remembers the roots it made (`<data dir>/drive-mailbox.json`); none: not remembered. */
  rememberFile?: string;
}

/** What `initMailbox` did. */
export interface InitResult {
  rootId: string;
  driveId?: string;
  /** The folders it created (paths below the parent). */
  created: string[];
  /** Set when the root's properties could not record the folder ids (both sides then find the folders by name). */
  notRecorded?: string;
}

/** Makes sure the mailbox tree exists; returns the root id the bot and the notebook need. */
export async function initMailbox(api: DriveApi, options: InitOptions = {}): Promise<InitResult> {
  const ids = new IdPool(api, 10);
  const created: string[] = [];
  const { root, planned }: FoundRoot = options.folderId
    ? { root: await openRoot(api, options.folderId) }
    : await findOrMakeRoot(api, options, ids, created);
  const folderIds = planned
    ? await makeSubfolders(api, root, planned, created)
    : await ensureSubfolders(api, root, ids, created);
  const result: InitResult = { rootId: root.id, ...(root.driveId ? { driveId: root.driveId } : {}), created };
  const recorded = recordedFolderIds(root.properties);
  if (FOLDERS.every((f) => recorded[f] === folderIds[f])) return result;
  try {
    await api.updateProperties(root.id, folderIdProperties(folderIds), `recording the folder ids in ${root.name}`);
  } catch (error) {
    // A folder whose metadata this account may not change (a Shared Drive's own root, say) still works, by name.
    if (!isRefusal(error)) throw error;
    result.notRecorded = error.message;
  }
  return result;
}

/** A root folder, and for a new one the ids its subfolders are to be made with (already in its properties). */
interface FoundRoot {
  root: FolderMeta;
  planned?: Record<Folder, string>;
}

/** The root under the parent: the one this machine made (by id), else the one found by name, else a new one. */
async function findOrMakeRoot(api: DriveApi, options: InitOptions, ids: IdPool, created: string[]): Promise<FoundRoot> {
  const name = options.name ?? 'storyloom';
  const parent = await openParent(api, options.parentId ?? 'root');
  const remembered = options.rememberFile ? await rememberedRoot(options.rememberFile, parent.id, name) : undefined;
  if (remembered) {
    const root = await openRoot(api, remembered).catch((error: unknown) => {
      // Gone, trashed, or another account's: look for it as if it had never been made here.
      const code = error instanceof MailboxError ? error.code : undefined;
      if (code === 'folder_not_found' || code === 'not_a_mailbox') return undefined;
      throw error;
    });
    if (root) return { root };
  }
  const q = `'${parent.id}' in parents and name = '${quote(name)}' and mimeType = '${FOLDER_MIME}' and trashed = false`;
  const existing = await api.listFiles(q, parent.driveId, `looking for the folder ${name}`);
  if (existing.length > 1) {
    throw new MailboxError(
      'not_a_mailbox',
      `storyloom: there are ${existing.length} folders named "${name}" there ` +
        `(${existing.map((f) => f.id).join(', ')}). ` +
        'Pick one and run `npm run mailbox:init` with DRIVE_FOLDER_ID set to it.',
    );
  }
  const found = existing[0]
    ? { root: await openRoot(api, existing[0].id) }
    : await makeRoot(api, parent, name, ids, created);
  if (options.rememberFile) await rememberRoot(options.rememberFile, parent.id, name, found.root.id);
  return found;
}

/**
 * A new root, created with its subfolders' ids (taken now) already in its properties, in one call; the subfolders
 * are made next. Should that be cut short, a re-run finds the root by id and makes what is missing.
 */
async function makeRoot(
  api: DriveApi,
  parent: FolderMeta,
  name: string,
  ids: IdPool,
  created: string[],
): Promise<FoundRoot> {
  const planned = {} as Record<Folder, string>;
  for (const folder of FOLDERS) planned[folder] = await ids.take();
  const properties = folderIdProperties(planned);
  const root = await api.createFolder(await ids.take(), parent.id, name, properties);
  created.push(name);
  return { root: { ...root, ...(parent.driveId ? { driveId: parent.driveId } : {}), properties }, planned };
}

/** Makes the six subfolders of a new root under the ids its properties already record. */
async function makeSubfolders(
  api: DriveApi,
  root: FolderMeta,
  planned: Record<Folder, string>,
  created: string[],
): Promise<Record<Folder, string>> {
  for (const folder of FOLDERS) {
    await api.createFolder(planned[folder], root.id, folder);
    created.push(`${root.name}/${folder}`);
  }
  return planned;
}

/**
 * The six subfolders' ids of an existing root: the recorded ones that are still there (checked by id), else, for a
 * mailbox made before the properties, the ones found by name; whatever is left is created.
 */
async function ensureSubfolders(
  api: DriveApi,
  root: FolderMeta,
  ids: IdPool,
  created: string[],
): Promise<Record<Folder, string>> {
  const recorded = recordedFolderIds(root.properties);
  const found: Partial<Record<Folder, string>> = {};
  for (const folder of FOLDERS) {
    const id = recorded[folder];
    if (id && (await isSubfolder(api, id, root.id))) found[folder] = id;
  }
  // Only a mailbox made before the properties is searched by name: a listing may not show folders made seconds ago.
  if (root.properties[LAYOUT_KEY] === undefined) Object.assign(found, await foldersByName(api, root, found));
  const folderIds = {} as Record<Folder, string>;
  for (const folder of FOLDERS) {
    folderIds[folder] = found[folder] ?? (await api.createFolder(await ids.take(), root.id, folder)).id;
    if (!found[folder]) created.push(`${root.name}/${folder}`);
  }
  return folderIds;
}

/** Whether `id` is a folder in `rootId`, not in the trash (read by id: no listing lag). */
async function isSubfolder(api: DriveApi, id: string, rootId: string): Promise<boolean> {
  try {
    const folder = await api.getFile(id, `checking the mailbox subfolder ${id}`);
    return folder.mimeType === FOLDER_MIME && !folder.trashed && folder.parents.includes(rootId);
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/** The subfolders of a mailbox made before the properties, by name; an error when one name has two folders. */
async function foldersByName(
  api: DriveApi,
  root: FolderMeta,
  known: Partial<Record<Folder, string>>,
): Promise<Partial<Record<Folder, string>>> {
  const children = await childFolders(api, root.id, root.driveId);
  const found: Partial<Record<Folder, string>> = {};
  for (const folder of FOLDERS.filter((f) => !known[f])) {
    const named = children.filter((c) => c.name === folder);
    if (named.length > 1) {
      throw new MailboxError(
        'not_a_mailbox',
        `storyloom: the mailbox folder ${root.id} has ${named.length} folders named "${folder}" ` +
          `(${named.map((f) => f.id).join(', ')}). Delete the extra ones, keeping the one with the files, ` +
          'and run this again.',
      );
    }
    if (named[0]) found[folder] = named[0].id;
  }
  return found;
}

/**
 * The parent folder (or Shared Drive root); a clear error when it is missing or a service account would write into
 * My Drive.
 */
async function openParent(api: DriveApi, parentId: string): Promise<FolderMeta> {
  const parent = await getFolder(
    api,
    parentId,
    `opening the parent folder ${parentId}`,
    (who) =>
      `storyloom: the folder or Shared Drive ${parentId} was not found, or ${who} is not a member of it. ` +
      `Check the id in its Drive URL, and share it with ${who}.`,
  );
  if (parent.mimeType !== FOLDER_MIME)
    throw new MailboxError('not_a_mailbox', `storyloom: ${parentId} is not a folder or a Shared Drive.`);
  if (api.kind === 'service_account' && !parent.driveId) throw serviceAccountQuota('creating the mailbox in My Drive');
  return parent;
}

/** Escapes a value for a `q` string literal. */
function quote(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}
