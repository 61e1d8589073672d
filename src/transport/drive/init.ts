/**
 * Creates the mailbox folder tree on Drive, or checks and completes an
 * existing one: a root folder (`storyloom` by default, in My Drive, in a given
 * folder, or at the top of a Shared Drive) with the six subfolders. Running it
 * again changes nothing; folders are created under ids from generateIds, so a
 * retried create cannot make two.
 */
import { FOLDERS } from '../transport.ts';
import { FOLDER_MIME, type DriveApi, type FileMeta } from './api.ts';
import { DriveMailboxError } from './errors.ts';
import { serviceAccountQuota } from './explain.ts';
import { IdPool } from './id-pool.ts';
import { childFolders, getFolder, openRoot } from './mailbox-folders.ts';

/** Where to make (or find) the mailbox. */
export interface InitOptions {
  /** An existing mailbox root to check and complete (DRIVE_FOLDER_ID). */
  folderId?: string;
  /** The folder or Shared Drive id to create the root in; My Drive's top by default. */
  parentId?: string;
  /** The root folder's name. Default `storyloom`. */
  name?: string;
}

/** What `initMailbox` did. */
export interface InitResult {
  rootId: string;
  driveId?: string;
  /** The folders it created (paths below the parent). */
  created: string[];
}

/** Makes sure the mailbox tree exists; returns the root id the bot and the notebook need. */
export async function initMailbox(api: DriveApi, options: InitOptions = {}): Promise<InitResult> {
  const ids = new IdPool(api, 10);
  const created: string[] = [];
  const name = options.name ?? 'storyloom';
  let root: FileMeta;
  if (options.folderId) {
    root = await openRoot(api, options.folderId);
  } else {
    const parent = await openParent(api, options.parentId ?? 'root');
    const q = `'${parent.id}' in parents and name = '${quote(name)}' and mimeType = '${FOLDER_MIME}' and trashed = false`;
    const existing = await api.listFiles(q, parent.driveId, `looking for the folder ${name}`);
    if (existing.length > 1) {
      throw new DriveMailboxError('not_a_mailbox', `storyloom: there are ${existing.length} folders named "${name}" there (${existing.map((f) => f.id).join(', ')}). Pick one and run \`npm run mailbox:init\` with DRIVE_FOLDER_ID set to it.`);
    }
    root = existing[0] ?? (await api.createFolder(await ids.take(), parent.id, name));
    if (!existing[0]) created.push(name);
  }
  const children = await childFolders(api, root.id, root.driveId);
  for (const folder of FOLDERS) {
    const found = children.filter((c) => c.name === folder);
    if (found.length > 1) {
      throw new DriveMailboxError('not_a_mailbox', `storyloom: the mailbox folder ${root.id} has ${found.length} folders named "${folder}" (${found.map((f) => f.id).join(', ')}). Delete the extra ones, keeping the one with the files, and run this again.`);
    }
    if (found.length === 0) {
      await api.createFolder(await ids.take(), root.id, folder);
      created.push(`${root.name}/${folder}`);
    }
  }
  return { rootId: root.id, ...(root.driveId ? { driveId: root.driveId } : {}), created };
}

/** The parent folder (or Shared Drive root); a clear error when it is missing or a service account would write into My Drive. */
async function openParent(api: DriveApi, parentId: string): Promise<FileMeta> {
  const parent = await getFolder(api, parentId, `opening the parent folder ${parentId}`, (who) =>
    `storyloom: the folder or Shared Drive ${parentId} was not found, or ${who} is not a member of it. Check the id in its Drive URL, and share it with ${who}.`);
  if (parent.mimeType !== FOLDER_MIME) throw new DriveMailboxError('not_a_mailbox', `storyloom: ${parentId} is not a folder or a Shared Drive.`);
  if (api.kind === 'service_account' && !parent.driveId) throw serviceAccountQuota('creating the mailbox in My Drive');
  return parent;
}

/** Escapes a value for a `q` string literal. */
function quote(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}
