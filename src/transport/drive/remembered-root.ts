/**
 * The mailbox roots `npm run mailbox:init` made without DRIVE_FOLDER_ID, kept in
 * `<STORYLOOM_DATA_DIR>/drive-mailbox.json` by parent folder and name. A re-run
 * opens the one it made by id (files.get is consistent), where a search by name
 * may not show a folder made seconds ago, and would make a second mailbox.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** One root made by init. */
interface RememberedRoot {
  parent_id: string;
  name: string;
  root_id: string;
}

/** The root made earlier under `parentId` with `name`, if this machine remembers one. */
export async function rememberedRoot(path: string, parentId: string, name: string): Promise<string | undefined> {
  const roots = await readRoots(path);
  return roots.find((r) => r.parent_id === parentId && r.name === name)?.root_id;
}

/** Remembers the root made under `parentId` with `name` (replacing an earlier one there). */
export async function rememberRoot(path: string, parentId: string, name: string, rootId: string): Promise<void> {
  const roots = (await readRoots(path)).filter((r) => r.parent_id !== parentId || r.name !== name);
  roots.push({ parent_id: parentId, name, root_id: rootId });
  await mkdir(dirname(path), { recursive: true });
  // A temporary file renamed into place: a crash leaves the old list or the new one.
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, `${JSON.stringify({ v: 1, mailboxes: roots }, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, path);
}

/** The remembered roots; none when the file is missing or is not one of ours. */
async function readRoots(path: string): Promise<RememberedRoot[]> {
  try {
    const doc = JSON.parse(await readFile(path, 'utf8')) as { v?: unknown; mailboxes?: unknown };
    if (doc.v !== 1 || !Array.isArray(doc.mailboxes)) return [];
    return doc.mailboxes.filter(isRoot);
  } catch {
    return [];
  }
}

function isRoot(x: unknown): x is RememberedRoot {
  const r = x as Partial<RememberedRoot> | null;
  return typeof r?.parent_id === 'string' && typeof r.name === 'string' && typeof r.root_id === 'string';
}
