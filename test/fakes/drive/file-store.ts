import { newFileId } from './ids.ts';
import type { FileRecord } from './model.ts';

/**
 * The in-memory file table, with the generated-id bookkeeping that makes
 * creates with a caller-supplied id idempotent.
 */
export class FileStore {
  private readonly files = new Map<string, FileRecord>();
  /** Ids handed out by generateIds and not used yet. */
  private readonly issuedIds = new Set<string>();
  /** Ids that belong, or once belonged, to a file. */
  private readonly usedIds = new Set<string>();

  /** The file with `id`, if it exists. */
  get(id: string): FileRecord | undefined {
    return this.files.get(id);
  }

  /** Every stored file, roots included. */
  all(): FileRecord[] {
    return [...this.files.values()];
  }

  /** Stores a new file and marks its id used. */
  insert(file: FileRecord): void {
    this.files.set(file.id, file);
    this.usedIds.add(file.id);
    this.issuedIds.delete(file.id);
  }

  /** Removes a file; its id stays used. */
  remove(id: string): void {
    this.files.delete(id);
  }

  /** The direct children of folder `id`. */
  children(id: string): FileRecord[] {
    return this.all().filter((f) => f.parents.includes(id));
  }

  /** `id` and everything below it, depth first, the folder itself first. */
  subtree(id: string): FileRecord[] {
    const root = this.files.get(id);
    if (!root) return [];
    return [root, ...this.children(id).flatMap((c) => this.subtree(c.id))];
  }

  /** The chain from `file` up through its parents (first parent at each level). */
  ancestry(file: FileRecord): FileRecord[] {
    const chain = [file];
    const seen = new Set([file.id]);
    let current = file;
    while (current.parents.length > 0) {
      const parent = this.files.get(current.parents[0]);
      if (!parent || seen.has(parent.id)) break;
      chain.push(parent);
      seen.add(parent.id);
      current = parent;
    }
    return chain;
  }

  /** Issues `count` fresh ids that a later create may use. */
  issueIds(count: number): string[] {
    const ids = Array.from({ length: count }, () => newFileId());
    for (const id of ids) this.issuedIds.add(id);
    return ids;
  }

  /** Whether `id` was issued by generateIds and is still unused. */
  isIssued(id: string): boolean {
    return this.issuedIds.has(id);
  }

  /** Whether `id` belongs, or once belonged, to a file. */
  isUsed(id: string): boolean {
    return this.usedIds.has(id);
  }
}
