/**
 * Reads Drive's changes feed into the index and turns it into mailbox news.
 * The feed covers everything the account can see; only files whose parent is
 * one of the mailbox's folders count. A change that tells nothing new (the
 * version the index already has, like the echo of our own write) is not news.
 */
import { isMailboxName, type Change, type Folder } from '../transport.ts';
import type { ChangePage, DriveApi } from './api.ts';
import type { FolderIndex } from './folder-index.ts';

/** The most pages one catch-up reads before it yields (the rest comes next poll). */
const MAX_PAGES = 50;

/** Applies one Drive change to the index; returns the news it makes. */
export function applyChange(
  index: FolderIndex,
  folderOf: ReadonlyMap<string, Folder>,
  change: ChangePage['changes'][number],
): Change[] {
  const before = index.get(change.fileId);
  if (change.removed) {
    index.bury(change.fileId);
    return before ? [gone(index, before.folder, before.name)] : [];
  }
  const file = change.file;
  if (!file || index.isDead(change.fileId)) return [];
  if (before && file.version !== 0 && file.version < before.version) return [];
  const folder = file.trashed ? undefined : file.parents.map((p) => folderOf.get(p)).find((f) => f !== undefined);
  if (folder === undefined || !isMailboxName(file.name)) {
    if (!before) return [];
    index.remove(change.fileId);
    return [gone(index, before.folder, before.name)];
  }
  const moved = before !== undefined && (before.folder !== folder || before.name !== file.name);
  if (before && !moved && before.version !== 0 && file.version <= before.version) return [];
  const news: Change[] = [];
  if (moved) {
    index.remove(change.fileId);
    news.push(gone(index, before.folder, before.name));
  }
  index.upsert({
    id: change.fileId,
    folder,
    name: file.name,
    version: file.version,
    modifiedMs: file.modifiedMs,
    body: file.body,
  });
  news.push({ folder, name: file.name, removed: false });
  return news;
}

/** News for a name that lost a file: removed, unless another file still has the name. */
function gone(index: FolderIndex, folder: Folder, name: string): Change {
  return { folder, name, removed: index.entries(folder, name).length === 0 };
}

/** The result of one catch-up. */
export interface CatchUp {
  /** The token to read from next time. */
  token: string;
  news: Change[];
  /** Calls to changes.list made. */
  pages: number;
}

/**
 * Reads the feed from `token` to its end (or MAX_PAGES pages), applying each
 * page to the index. `onPage` sees each page's news and next token as soon as
 * the page is applied, so a failure on a later page loses nothing.
 */
export async function catchUp(
  api: DriveApi,
  driveId: string | undefined,
  token: string,
  index: FolderIndex,
  folderOf: ReadonlyMap<string, Folder>,
  onPage: (news: Change[], token: string) => void,
): Promise<CatchUp> {
  let current = token;
  const all: Change[] = [];
  for (let pages = 1; ; pages++) {
    const page = await api.listChanges(current, driveId);
    const news = page.changes.flatMap((c) => applyChange(index, folderOf, c));
    current = page.nextPageToken ?? page.newStartPageToken ?? current;
    all.push(...news);
    onPage(news, current);
    if (!page.nextPageToken || pages >= MAX_PAGES) return { token: current, news: all, pages };
  }
}
