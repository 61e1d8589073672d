/**
 * The mailbox as a small interface. LocalFolderTransport and DriveTransport
 * implement it, and both pass the same contract suite (test/transport/contract.ts).
 */
import { reasonOf } from '../log-text.ts';
import { defaultLogger, type Logger } from '../log.ts';

/** The mailbox's folders (docs/protocol.md). */
export const FOLDERS = ['requests', 'responses', 'workers', 'control', 'stories', 'models'] as const;
/** One of the mailbox's folders. */
export type Folder = (typeof FOLDERS)[number];

/** News from the mailbox: a file appeared or changed, or went away. */
export interface Change {
  folder: Folder;
  name: string;
  removed: boolean;
}

/** A listener for mailbox news. */
export type ChangeListener = (change: Change) => void;

/** Why files that are done with stay in the mailbox, so it fills up (for admins' /status). */
export interface CleanupProblems {
  /** How many files this side could not remove (it no longer tries them). */
  unremovable: number;
  /** Why, and what to do about it. */
  advice: string;
}

/** The mailbox, wherever it lives. */
export interface Transport {
  /** 'local' or 'drive'. */
  readonly kind: string;
  /** Where the mailbox is, for status pages (never a secret). */
  readonly description: string;
  /** Creates or checks the folders and starts watching for news. */
  open(): Promise<void>;
  /** Writes a file atomically: readers see the old content or the new, never half. */
  put(folder: Folder, name: string, content: string): Promise<void>;
  /** Reads a file, or null when it does not exist. */
  get(folder: Folder, name: string): Promise<string | null>;
  /**
   * Removes a file; removing a missing file is not an error. Where the account may not remove it (Drive), it
   * resolves all the same, the file reads as gone on this side, and `cleanupProblems` counts it.
   */
  delete(folder: Folder, name: string): Promise<void>;
  /** The names of the files in a folder (temporary files excluded); may come from the transport's own index. */
  list(folder: Folder): Promise<string[]>;
  /**
   * Calls `listener` for news until the returned function is called. Push, on purpose: Node is event-driven,
   * while colab's Transport has a pull `news()` that the worker's loop calls (the same news, each side's idiom).
   */
  subscribe(listener: ChangeListener): () => void;
  /** A hint: true while jobs are waiting, so news should be looked for more often. */
  setUrgent(urgent: boolean): void;
  /**
   * A hint: how often to look for news while nothing is waiting (ms), or undefined for the transport's own
   * idle pace. A worker taking jobs asks for a quicker one than a worker standing by (where polling costs).
   */
  setIdlePoll(ms: number | undefined): void;
  /**
   * A hint from a worker: true while it generates and cannot act on news. A polled mailbox looks for news at its
   * idle pace meanwhile (not quickly, as after the activity that started the batch), and at once when it turns false.
   */
  setBusy(busy: boolean): void;
  /** Stops watching and releases resources. */
  close(): Promise<void>;
  /** Why the mailbox fills up, if it does: files this side may not remove. Null when cleanup works. */
  cleanupProblems(): CleanupProblems | null;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/** A mailbox file name is plain: letters, digits, '.', '_' and '-', not starting with '.'. */
export function isMailboxName(name: string): boolean {
  return NAME.test(name) && !name.includes('..');
}

/** Throws a RangeError for a name that could escape its folder or hide as a temporary file. */
export function checkName(name: string): void {
  if (!isMailboxName(name)) throw new RangeError(`not a mailbox file name: ${JSON.stringify(name)}`);
}

/** Fans news out to listeners; a failing listener cannot break the others. */
export class ChangeHub {
  private readonly listeners = new Set<ChangeListener>();

  constructor(private readonly log: Logger = defaultLogger()) {}

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(change: Change): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        const why = reasonOf(error);
        const fields = { folder: change.folder, file: change.name, error: why };
        this.log.error(fields, `storyloom: a mailbox listener failed: ${why}`);
      }
    }
  }
}
