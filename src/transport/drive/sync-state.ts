/**
 * What a DriveTransport keeps across restarts, in `<data dir>/drive-<label>.json`
 * (the bot and the embedded worker each their own): the changes-feed page
 * token and the index it belongs to. Together they let a restarted side read
 * on from where it stopped, and know files that Drive's lagging listing does
 * not show yet. It also keeps the ids of files this side may not remove
 * (unremovable.ts), so a restart does not try them all again. The file is written to a temporary name and renamed into
 * place, so a crash leaves the old state or the new, never half.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../../log.ts';
import { FOLDERS, type Folder } from '../transport.ts';
import type { IndexEntry } from './folder-index.ts';

/** The saved state of one side. */
export interface SyncState {
  folderId: string;
  pageToken: string;
  entries: IndexEntry[];
  /** Files Drive would neither delete nor trash for this side (absent in files from before). */
  unremovable: string[];
}

type SavedEntry = [id: string, folder: Folder, name: string, version: number, modifiedMs: number];

/** Reads the state for `folderId`; undefined when there is none, it is unreadable, or it belongs to another folder. */
export async function loadSyncState(path: string, folderId: string, log: Logger): Promise<SyncState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      log.warn(`storyloom: cannot read ${path} (${(error as Error).message}); starting the Drive changes feed afresh`);
    return undefined;
  }
  try {
    const doc = JSON.parse(text) as {
      v?: unknown;
      folder_id?: unknown;
      page_token?: unknown;
      files?: unknown;
      unremovable?: unknown;
    };
    if (doc.v !== 1 || typeof doc.page_token !== 'string' || !Array.isArray(doc.files))
      throw new Error('not a storyloom Drive state file');
    if (doc.folder_id !== folderId) return undefined;
    const entries = (doc.files as unknown[])
      .filter(isSavedEntry)
      .map(([id, folder, name, version, modifiedMs]) => ({ id, folder, name, version, modifiedMs }));
    const unremovable = Array.isArray(doc.unremovable)
      ? doc.unremovable.filter((id): id is string => typeof id === 'string')
      : [];
    return { folderId, pageToken: doc.page_token, entries, unremovable };
  } catch (error) {
    log.warn(`storyloom: ignoring ${path} (${(error as Error).message}); starting the Drive changes feed afresh`);
    return undefined;
  }
}

function isSavedEntry(x: unknown): x is SavedEntry {
  return (
    Array.isArray(x) &&
    x.length === 5 &&
    typeof x[0] === 'string' &&
    (FOLDERS as readonly unknown[]).includes(x[1]) &&
    typeof x[2] === 'string' &&
    typeof x[3] === 'number' &&
    typeof x[4] === 'number'
  );
}

/** Writes the state atomically. */
export async function saveSyncState(path: string, state: SyncState): Promise<void> {
  const doc = {
    v: 1,
    folder_id: state.folderId,
    page_token: state.pageToken,
    saved_at: new Date().toISOString(),
    files: state.entries.map((e): SavedEntry => [e.id, e.folder, e.name, e.version, e.modifiedMs]),
    unremovable: state.unremovable,
  };
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, `${JSON.stringify(doc)}\n`, { mode: 0o600 });
  await rename(temp, path);
}
