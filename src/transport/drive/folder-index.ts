/**
 * The name → id index of the mailbox. Drive's name-based listing is not
 * read-after-write consistent, so files are read, overwritten and deleted by
 * id, found here. Drive allows two files with one name in a folder (two
 * workers answering one job), so a name maps to a list, newest first. Ids of
 * deleted files are remembered (Drive never reuses one), so a late report of
 * a file that is already gone cannot bring it back; so are names that lost
 * their last file, so that asking for one again costs no call.
 */
import type { Folder } from '../transport.ts';

/** One file the index knows. */
export interface IndexEntry {
  id: string;
  folder: Folder;
  name: string;
  /** Drive's per-file version (0: unknown). */
  version: number;
  /** Last modified, epoch ms (0: unknown). */
  modifiedMs: number;
  /**
   * The content at this version, when the feed or a listing brought it in its properties (body-properties.ts); not
   * saved.
   */
  body?: string;
}

const TOMBSTONES = 50_000;

/** Files by folder and name, and by id. */
export class FolderIndex {
  private readonly byId = new Map<string, IndexEntry>();
  private readonly byName = new Map<string, IndexEntry[]>();
  private readonly dead = new Set<string>();
  private readonly goneNames = new Set<string>();

  /** Adds a file, or moves and updates it if its id is known. */
  upsert(entry: IndexEntry): void {
    if (this.dead.has(entry.id)) return;
    this.remove(entry.id);
    this.byId.set(entry.id, entry);
    const key = keyOf(entry.folder, entry.name);
    const list = this.byName.get(key) ?? [];
    list.push(entry);
    list.sort(newestFirst);
    this.byName.set(key, list);
    this.goneNames.delete(key);
  }

  /** Forgets a file (it may come back: trashed files can be restored). */
  remove(id: string): IndexEntry | undefined {
    const entry = this.byId.get(id);
    if (!entry) return undefined;
    this.byId.delete(id);
    const key = keyOf(entry.folder, entry.name);
    const rest = (this.byName.get(key) ?? []).filter((e) => e.id !== id);
    if (rest.length) {
      this.byName.set(key, rest);
    } else {
      this.byName.delete(key);
      this.goneNames.add(key);
      if (this.goneNames.size > TOMBSTONES) this.goneNames.delete(this.goneNames.values().next().value!);
    }
    return entry;
  }

  /** Forgets a deleted file for good. */
  bury(id: string): IndexEntry | undefined {
    this.dead.add(id);
    if (this.dead.size > TOMBSTONES) this.dead.delete(this.dead.values().next().value!);
    return this.remove(id);
  }

  /** Whether the file was deleted. */
  isDead(id: string): boolean {
    return this.dead.has(id);
  }

  /** Whether the name had a file here that went away (and none came back). */
  wasRemoved(folder: Folder, name: string): boolean {
    return this.goneNames.has(keyOf(folder, name));
  }

  /** The entry for an id. */
  get(id: string): IndexEntry | undefined {
    return this.byId.get(id);
  }

  /** The files with this name, newest first. */
  entries(folder: Folder, name: string): IndexEntry[] {
    return [...(this.byName.get(keyOf(folder, name)) ?? [])];
  }

  /** The names in a folder, sorted. */
  names(folder: Folder): string[] {
    const prefix = `${folder}/`;
    return [...this.byName.keys()]
      .filter((k) => k.startsWith(prefix))
      .map((k) => k.slice(prefix.length))
      .sort();
  }

  /** Every file in a folder (the newest per name). */
  filesIn(folder: Folder): IndexEntry[] {
    return this.names(folder).map((name) => this.byName.get(keyOf(folder, name))![0]);
  }

  /** Every file, for saving. */
  all(): IndexEntry[] {
    return [...this.byId.values()];
  }

  /** How many files. */
  get size(): number {
    return this.byId.size;
  }
}

function keyOf(folder: Folder, name: string): string {
  return `${folder}/${name}`;
}

function newestFirst(a: IndexEntry, b: IndexEntry): number {
  return b.modifiedMs - a.modifiedMs || b.version - a.version || (a.id < b.id ? -1 : 1);
}
