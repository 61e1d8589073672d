/** One entry in the change log. */
export interface ChangeEntry {
  seq: number;
  fileId: string;
  time: number;
  /** True when the file was deleted. */
  removed: boolean;
  driveId?: string;
  /** For a removal: the emails that could see the file just before it went. */
  audience?: Set<string>;
}

/**
 * The append-only log behind changes.list. Page tokens are the decimal
 * sequence number of the first change a reader has not yet seen.
 */
export class ChangeLog {
  private readonly entries: ChangeEntry[] = [];

  /** Appends a change and returns its sequence number. */
  append(entry: Omit<ChangeEntry, 'seq'>): number {
    const seq = this.entries.length + 1;
    this.entries.push({ ...entry, seq });
    return seq;
  }

  /** The token a reader starting now should use. */
  startToken(): string {
    return String(this.entries.length + 1);
  }

  /** Parses a page token; undefined when it is not one this log issued. */
  parseToken(token: string): number | undefined {
    if (!/^[1-9][0-9]*$/.test(token)) return undefined;
    const seq = Number(token);
    return seq <= this.entries.length + 1 ? seq : undefined;
  }

  /**
   * Changes from `seq` on, keeping only the newest entry per file (Drive reports
   * a file's latest state once, not every step).
   */
  since(seq: number): ChangeEntry[] {
    const latest = new Map<string, ChangeEntry>();
    for (const e of this.entries.slice(seq - 1)) {
      latest.delete(e.fileId);
      latest.set(e.fileId, e);
    }
    return [...latest.values()];
  }
}
