/**
 * The mailbox root's public `properties` that address its six subfolders by id
 * (docs/protocol.md, "Folder ids in the root's properties"): `mailbox_v` = "1",
 * and `mailbox_<folder>` = the subfolder's id. `npm run mailbox:init` writes them;
 * both sides read them with the root (files.get by id is consistent, where a
 * listing of the root's children may lag behind a fresh init for seconds).
 * The Colab worker reads exactly these keys.
 */
import { FOLDERS, type Folder } from '../transport.ts';

/** The key whose value says which layout the other keys follow. */
export const LAYOUT_KEY = 'mailbox_v';
/** The layout this code writes and reads. */
export const LAYOUT_VERSION = '1';

/** The property that holds a subfolder's id. */
export function folderKey(folder: Folder): string {
  return `mailbox_${folder}`;
}

/** The subfolder ids the root's properties record (none unless the layout is version 1). */
export function recordedFolderIds(
  properties: Readonly<Record<string, string>> | undefined,
): Partial<Record<Folder, string>> {
  if (properties?.[LAYOUT_KEY] !== LAYOUT_VERSION) return {};
  const ids: Partial<Record<Folder, string>> = {};
  for (const folder of FOLDERS) {
    const id = properties[folderKey(folder)];
    if (id) ids[folder] = id;
  }
  return ids;
}

/** The properties that record `ids`. */
export function folderIdProperties(ids: Readonly<Record<Folder, string>>): Record<string, string> {
  return { [LAYOUT_KEY]: LAYOUT_VERSION, ...Object.fromEntries(FOLDERS.map((f) => [folderKey(f), ids[f]])) };
}
