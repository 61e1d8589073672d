/**
 * The mailbox in a local folder (the embedded default, and for local GPUs):
 * `<root>/<folder>/<name>`. Writes go to a temporary file in the same folder,
 * are flushed, then renamed into place, so readers never see half a file. News
 * comes from fs events, with a listing every few hundred milliseconds as the
 * fallback that catches whatever the events miss.
 */
import { randomBytes } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { defaultLogger, type Logger } from '../log.ts';
import { countMailboxCall } from '../metrics.ts';
import {
  ChangeHub,
  checkName,
  FOLDERS,
  isMailboxName,
  type ChangeListener,
  type CleanupProblems,
  type Folder,
  type Transport,
} from './transport.ts';

/** The kinds of file system failure the mailbox metrics tell apart (src/metrics.ts), by Node's error code. */
const FS_ERROR_KINDS: Record<string, string> = {
  EACCES: 'permission',
  EPERM: 'permission',
  EROFS: 'permission',
  ENOSPC: 'no_space',
  EDQUOT: 'no_space',
  ENOENT: 'not_found',
  ENOTDIR: 'not_found',
  EIO: 'io',
};

/** Counts one operation on the folder, and its failure by kind. */
async function counted<T>(operation: string, work: Promise<T>): Promise<T> {
  try {
    const result = await work;
    countMailboxCall('local', operation);
    return result;
  } catch (error) {
    const code = String((error as NodeJS.ErrnoException).code ?? 'other');
    const errorKind = FS_ERROR_KINDS[code] ?? 'other';
    countMailboxCall('local', operation, { errorKind, reason: `the local mailbox's ${operation} failed: ${code}` });
    throw error;
  }
}

/** How often the fallback listing runs, when idle and while jobs wait; and whether fs events are used at all. */
export interface LocalPolling {
  idleMs: number;
  urgentMs: number;
  /** False for file systems whose events cannot be trusted (some network mounts): listing alone then. */
  events?: boolean;
}

/** A mailbox in a folder on this machine. */
export class LocalFolderTransport implements Transport {
  readonly kind = 'local';
  readonly root: string;
  private readonly hub: ChangeHub;
  private readonly watchers: FSWatcher[] = [];
  private readonly seen = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private urgent = false;
  private closed = false;

  constructor(
    root: string,
    private readonly polling: LocalPolling = { idleMs: 1000, urgentMs: 200 },
    log: Logger = defaultLogger(),
  ) {
    this.root = resolve(root);
    this.hub = new ChangeHub(log);
  }

  get description(): string {
    return `local folder ${this.root}`;
  }

  private path(folder: Folder, name: string): string {
    checkName(name);
    return join(this.root, folder, name);
  }

  async open(): Promise<void> {
    for (const folder of FOLDERS) await mkdir(join(this.root, folder), { recursive: true });
    await this.scan(false);
    for (const folder of this.polling.events === false ? [] : FOLDERS) {
      const watcher = watch(join(this.root, folder), (_event, name) => {
        if (typeof name === 'string' && isMailboxName(name)) void this.check(folder, name);
      });
      watcher.on('error', () => undefined);
      this.watchers.push(watcher);
    }
    this.schedule();
  }

  put(folder: Folder, name: string, content: string): Promise<void> {
    return counted('put', this.write(folder, name, content));
  }

  get(folder: Folder, name: string): Promise<string | null> {
    return counted('get', this.read(folder, name));
  }

  delete(folder: Folder, name: string): Promise<void> {
    return counted('delete', this.remove(folder, name));
  }

  list(folder: Folder): Promise<string[]> {
    return counted('list', this.names(folder));
  }

  private async write(folder: Folder, name: string, content: string): Promise<void> {
    const target = this.path(folder, name);
    const temp = join(this.root, folder, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temp, target);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
  }

  private async read(folder: Folder, name: string): Promise<string | null> {
    try {
      return await readFile(this.path(folder, name), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  private async remove(folder: Folder, name: string): Promise<void> {
    try {
      await unlink(this.path(folder, name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  private async names(folder: Folder): Promise<string[]> {
    // Only files: a folder or anything else that happens to be named like a mailbox file is not one.
    const entries = await readdir(join(this.root, folder), { withFileTypes: true });
    return entries
      .filter((e) => (e.isFile() || e.isSymbolicLink()) && isMailboxName(e.name))
      .map((e) => e.name)
      .sort();
  }

  subscribe(listener: ChangeListener): () => void {
    return this.hub.subscribe(listener);
  }

  setIdlePoll(): void {
    // File system events bring news at once; the listing's pace stays as it is.
  }

  setBusy(): void {
    // The same: news costs nothing here.
  }

  setUrgent(urgent: boolean): void {
    if (urgent === this.urgent) return;
    this.urgent = urgent;
    if (urgent && this.timer) {
      clearTimeout(this.timer);
      this.schedule();
    }
  }

  /** A local folder has no roles: whatever this process may write, it may remove. */
  cleanupProblems(): CleanupProblems | null {
    return null;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    for (const watcher of this.watchers.splice(0)) watcher.close();
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = setTimeout(
      () => {
        this.scan(true)
          .catch(() => undefined)
          .finally(() => this.schedule());
      },
      this.urgent ? this.polling.urgentMs : this.polling.idleMs,
    );
    this.timer.unref();
  }

  /** Looks at one file and emits news if it changed since last seen. */
  private async check(folder: Folder, name: string): Promise<void> {
    const key = `${folder}/${name}`;
    const stamp = await stat(join(this.root, folder, name)).then(
      (s) => (s.isFile() ? `${s.mtimeMs}:${s.size}:${s.ino}` : null),
      () => null,
    );
    const before = this.seen.get(key);
    if (stamp === before || (stamp === null && before === undefined)) return;
    if (stamp === null) this.seen.delete(key);
    else this.seen.set(key, stamp);
    if (!this.closed) this.hub.emit({ folder, name, removed: stamp === null });
  }

  /** Lists every folder and emits news for what changed (with `emit` false, only records). */
  private async scan(emit: boolean): Promise<void> {
    for (const folder of FOLDERS) {
      const names = new Set(await this.list(folder).catch(() => [] as string[]));
      for (const key of [...this.seen.keys()].filter((k) => k.startsWith(`${folder}/`))) {
        const name = key.slice(folder.length + 1);
        if (!names.has(name)) await this.check(folder, name);
      }
      for (const name of names) {
        if (emit) await this.check(folder, name);
        else {
          const s = await stat(join(this.root, folder, name)).catch(() => null);
          if (s) this.seen.set(`${folder}/${name}`, `${s.mtimeMs}:${s.size}:${s.ino}`);
        }
      }
    }
  }
}
