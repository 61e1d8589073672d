import { CallCounter, type CallCounts } from './call-counts.ts';
import { rfc3339 } from './clock.ts';
import { FaultInjector, type FailNextSpec, type RandomFaultSpec } from './faults.ts';
import type { FileRecord, Principal, PrincipalSpec, ShareRole } from './model.ts';
import { DriveState, type SharedDriveSpec } from './state.ts';

/** Options for `startDriveFake`. */
export interface DriveFakeOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Added delay before every API call is answered, in ms. Default 0. */
  latencyMs?: number;
  /** How long creates and updates take to reach files.list, in ms. Default 0. */
  listLagMs?: number;
  /** Principals to register at start. */
  principals?: PrincipalSpec[];
}

/** A stored file as the control API reports it (roots left out). */
export interface FileDump {
  id: string;
  name: string;
  mimeType: string;
  parents: string[];
  driveId?: string;
  trashed: boolean;
  creatorEmail: string;
  appProperties: Record<string, string>;
  properties: Record<string, string>;
  description?: string;
  size: number;
  createdTime: string;
  modifiedTime: string;
  version: number;
  /** The content as UTF-8 text. */
  content: string;
  contentBase64: string;
  /** Direct shares: email → role. */
  sharedWith: Record<string, ShareRole>;
}

/** How the HTTP side lets the fake stop it. */
export interface ServerHandle {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * A running Drive v3 fake: its URL, and the control API tests use to set up
 * principals, sharing and shared drives, inject faults and latency, and read
 * call counts and stored files.
 */
export class DriveFake {
  /** The stored state; tests may inspect it, but the control methods are the stable API. */
  readonly state: DriveState;
  readonly faults = new FaultInjector();
  readonly counter = new CallCounter();
  /** Delay added to every API call, in ms. */
  latencyMs: number;
  private handle?: ServerHandle;

  constructor(options: DriveFakeOptions = {}) {
    this.state = new DriveState(options.listLagMs ?? 0);
    this.latencyMs = options.latencyMs ?? 0;
    for (const p of options.principals ?? []) this.addPrincipal(p);
  }

  /** Connects the fake to its HTTP server (done by `startDriveFake`). */
  attach(handle: ServerHandle): void {
    this.handle = handle;
  }

  /** `http://127.0.0.1:PORT`; pass `rootUrl: url + '/'` on each googleapis call. */
  get url(): string {
    return this.handle?.url ?? '';
  }

  /** The port it listens on. */
  get port(): number {
    return this.handle?.port ?? 0;
  }

  /** Stops listening, cutting open connections and held (timeout) requests. */
  async close(): Promise<void> {
    await this.handle?.close();
  }

  /** Registers a principal; returns it with its My Drive root id. */
  addPrincipal(spec: PrincipalSpec): Principal {
    return this.state.addPrincipal(spec);
  }

  /** Shares a file or folder (and all below it) with an email as `writer` (default), `commenter` or `reader`. */
  share(fileId: string, email: string, role: ShareRole = 'writer'): void {
    this.state.share(fileId, email, role);
  }

  /**
   * Creates a shared drive; returns its id (also its root folder's id). `members` is email → role
   * (`organizer`, `fileOrganizer`, `writer`, `commenter`, `reader`), or a list of emails, who all become
   * `organizer`s (what Drive makes the creator of a shared drive).
   */
  createSharedDrive(spec: SharedDriveSpec): { id: string; name: string } {
    const drive = this.state.createSharedDrive(spec);
    return { id: drive.id, name: drive.name };
  }

  /** Sets random faults (undefined or rate 0 turns them off). */
  setFaults(spec: RandomFaultSpec | undefined): void {
    this.faults.setRandom(spec);
  }

  /** Fails the next N calls to a method with a given kind. */
  failNext(spec: FailNextSpec): void {
    this.faults.failNext(spec);
  }

  /** Removes all random and queued faults. */
  clearFaults(): void {
    this.faults.clear();
  }

  /** Sets the delay added to every API call. */
  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  /** Sets how long writes take to reach files.list. */
  setListLag(ms: number): void {
    this.state.listIndex.lagMs = ms;
  }

  /** Call counts since start or the last reset. */
  counts(): CallCounts {
    return this.counter.snapshot();
  }

  /** Starts counting from zero. */
  resetCounts(): void {
    this.counter.reset();
  }

  /** Invalidates a refresh token (Google's 7-day expiry for apps in "Testing"). */
  revokeRefreshToken(refreshToken: string): void {
    this.state.principals.revokeRefreshToken(refreshToken);
  }

  /** Invalidates an access token; its calls then get 401. */
  revokeAccessToken(token: string): void {
    this.state.principals.revokeAccessToken(token);
  }

  /** Forgets every resumable upload session, as if they had expired: later requests on them get 404. */
  expireUploads(): void {
    this.state.uploads.clear();
  }

  /** Every stored file and folder except roots, in creation order. */
  files(): FileDump[] {
    return this.state.store
      .all()
      .filter((f) => !f.isRoot)
      .map(dumpFile);
  }

  /** One stored file, or undefined. */
  file(id: string): FileDump | undefined {
    const f = this.state.store.get(id);
    return f && !f.isRoot ? dumpFile(f) : undefined;
  }
}

function dumpFile(f: FileRecord): FileDump {
  return {
    id: f.id,
    name: f.name,
    mimeType: f.mimeType,
    parents: [...f.parents],
    ...(f.driveId === undefined ? {} : { driveId: f.driveId }),
    trashed: f.trashed,
    creatorEmail: f.creatorEmail,
    appProperties: { ...f.appProperties },
    properties: { ...f.properties },
    ...(f.description === undefined ? {} : { description: f.description }),
    size: f.content.length,
    createdTime: rfc3339(f.createdTime),
    modifiedTime: rfc3339(f.modifiedTime),
    version: f.version,
    content: f.content.toString('utf8'),
    contentBase64: f.content.toString('base64'),
    sharedWith: Object.fromEntries(f.shares),
  };
}
