import { snapshotOf, type FileRecord } from './model.ts';

interface IndexedVersion {
  visibleAt: number;
  snapshot: FileRecord;
}

/**
 * The search index behind files.list. With a lag, a create or update reaches
 * the index only `lagMs` later, so name-based listing is not read-after-write
 * consistent (by-id gets and changes.list read the live record).
 */
export class ListIndex {
  private readonly pending = new Map<string, IndexedVersion[]>();

  constructor(public lagMs = 0) {}

  /** Records that `file` was created at `now`; it stays unlisted for the lag. */
  recordCreate(file: FileRecord, now: number): void {
    if (this.lagMs <= 0) return;
    this.pending.set(file.id, [{ visibleAt: now + this.lagMs, snapshot: snapshotOf(file) }]);
  }

  /** Records that a file changed from `before` to `after` at `now`; listing sees `before` for the lag. */
  recordUpdate(before: FileRecord, after: FileRecord, now: number): void {
    let versions = this.pending.get(after.id);
    if (!versions) {
      if (this.lagMs <= 0) return;
      versions = [{ visibleAt: -Infinity, snapshot: before }];
      this.pending.set(after.id, versions);
    }
    versions.push({ visibleAt: now + this.lagMs, snapshot: snapshotOf(after) });
  }

  /** Forgets a deleted file. */
  forget(id: string): void {
    this.pending.delete(id);
  }

  /** The version of `file` that listing sees at `now`, or undefined if not yet indexed. */
  view(file: FileRecord, now: number): FileRecord | undefined {
    const versions = this.pending.get(file.id);
    if (!versions) return file;
    const visible = versions.filter((v) => v.visibleAt <= now);
    if (visible.length === versions.length) {
      this.pending.delete(file.id);
      return file;
    }
    if (visible.length === 0) return undefined;
    versions.splice(0, visible.length - 1);
    return visible[visible.length - 1].snapshot;
  }
}
