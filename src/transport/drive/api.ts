/**
 * The Drive v3 calls the mailbox makes, on googleapis, each with `rootUrl`
 * (googleapis ignores the client-level one for uploads), `retry: false` (the
 * policy is ours, in backoff.ts), a timeout, and supportsAllDrives. Failures
 * come out as MailboxError with a message that says what to do.
 */
import type { OAuth2Client } from 'google-auth-library';
// The same factory as `google.drive`, without loading every Google API.
import { drive, type drive_v3 } from 'googleapis/build/src/apis/drive/index.js';
import { DEFAULT_BACKOFF, withBackoff, type BackoffPolicy, type RetryOutcome } from './backoff.ts';
import { countDriveCall, type DriveMethod } from './call-metrics.ts';
import { MailboxError, type DriveFailure } from './errors.ts';
import { explainFailure, type CredentialKind } from './explain.ts';
import { landed, toMeta, type ChangePage, type FileMeta, type FolderMeta } from './file-meta.ts';
import { Limiter } from './limiter.ts';
import { defaultLogger, type Logger } from '../../log.ts';

export type { ChangePage, FileMeta, FolderMeta } from './file-meta.ts';

/** The Drive folder MIME type. */
export const FOLDER_MIME = 'application/vnd.google-apps.folder';
/** Google's Drive API base URL. */
export const GOOGLE_API_URL = 'https://www.googleapis.com';
const FILE_FIELDS = 'id,name,mimeType,parents,trashed,version,modifiedTime,driveId';
/** What listings and the changes feed ask for: also a small file's body, in its properties (body-properties.ts). */
const FEED_FIELDS = `${FILE_FIELDS},properties,sha256Checksum`;
/** What a read of a folder asks for: also its public properties and what the account may do with its children. */
const FOLDER_FIELDS = `${FILE_FIELDS},properties,capabilities(canTrashChildren,canDeleteChildren)`;

/** How to reach Drive. */
export interface DriveApiOptions {
  auth: OAuth2Client;
  kind: CredentialKind;
  /** Base URL, default Google's; a test fake's URL in tests. */
  apiUrl?: string;
  /** Per-call timeout (ms). Default 30 s. */
  timeoutMs?: number;
  /** Calls in flight at once. Default 8. */
  maxConcurrent?: number;
  backoff?: BackoffPolicy;
  sleep?: (ms: number) => Promise<unknown>;
  /** Each call at trace, each retry at warn. */
  log?: Logger;
}

/** Drive v3, as the mailbox uses it. */
export class DriveApi {
  readonly kind: CredentialKind;
  readonly auth: OAuth2Client;
  private readonly drive: drive_v3.Drive;
  private readonly rootUrl: string;
  private readonly timeoutMs: number;
  private readonly policy: BackoffPolicy;
  private readonly sleep?: (ms: number) => Promise<unknown>;
  private readonly limiter: Limiter;
  private readonly log: Logger;

  constructor(options: DriveApiOptions) {
    this.kind = options.kind;
    this.auth = options.auth;
    this.drive = drive({ version: 'v3', auth: options.auth });
    this.rootUrl = `${(options.apiUrl ?? GOOGLE_API_URL).replace(/\/+$/, '')}/`;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.policy = options.backoff ?? DEFAULT_BACKOFF;
    this.sleep = options.sleep;
    this.limiter = new Limiter(options.maxConcurrent ?? 8);
    this.log = options.log ?? defaultLogger();
  }

  /** The per-call options: on every call, uploads included. */
  private get opts() {
    return { rootUrl: this.rootUrl, retry: false, timeout: this.timeoutMs } as const;
  }

  /** One call, retried as the policy says; every attempt counts in the mailbox metrics under `method`. */
  private run<T>(
    method: DriveMethod,
    what: string,
    call: () => Promise<T>,
    accept?: (f: DriveFailure, attempt: number) => T | undefined,
  ): Promise<T> {
    const attempt = () =>
      this.limiter.run(call).then((result) => {
        countDriveCall(method);
        this.log.trace({ method }, `storyloom: Drive ${method} (${what})`);
        return result;
      });
    return withBackoff(attempt, this.policy, {
      // Called on every failed attempt: one that is accepted (a 404 on delete: already gone) counts as answered.
      accept: (f, n) => {
        const accepted = accept?.(f, n);
        countDriveCall(method, accepted === undefined ? f : undefined);
        return accepted;
      },
      sleep: this.sleep,
      onRetry: (f, n, ms) => {
        const fields = { method, status: f.status, reason: f.reason, attempt: n, error: f.message };
        const answer = `${f.status ?? 'no answer'}${f.reason ? ` ${f.reason}` : ''}`;
        this.log.warn(fields, `storyloom: Drive ${method} failed (${answer}) while ${what}; trying again in ${ms} ms`);
      },
      fail: (o) => this.failure(what, o),
    });
  }

  private failure(what: string, { failure, attempts }: RetryOutcome): Error {
    const error = explainFailure(failure, what, this.kind);
    if (error.code !== 'drive_error' || attempts < this.policy.attempts) return error;
    return new MailboxError(
      'gave_up',
      `storyloom: Drive kept failing while ${what}; gave up after ${attempts} attempts ` +
        `(last: ${failure.status ?? 'no answer'} ${failure.reason ?? ''} ${failure.message}).`,
      failure.status,
      failure.reason,
    );
  }

  /** Fresh file ids, for creates that a retry cannot duplicate. */
  async generateIds(count: number): Promise<string[]> {
    const res = await this.run('files.generateIds', 'getting new file ids', () =>
      this.drive.files.generateIds({ count, space: 'drive', type: 'files', fields: 'ids' }, this.opts),
    );
    return res.data.ids ?? [];
  }

  /**
   * Creates a file with its content (and public `properties`, if given) in one multipart upload, under an id from
   * generateIds.
   */
  async createFile(
    id: string,
    parentId: string,
    name: string,
    content: string,
    what: string,
    properties?: Record<string, string>,
  ): Promise<FileMeta> {
    return this.run(
      'files.create',
      what,
      () =>
        this.drive.files
          .create(
            {
              requestBody: {
                id,
                name,
                parents: [parentId],
                mimeType: 'application/json',
                ...(properties ? { properties } : {}),
              },
              media: { mimeType: 'application/json', body: content },
              supportsAllDrives: true,
              fields: FILE_FIELDS,
            },
            this.opts,
          )
          .then((r) => toMeta(r.data)),
      landed(id, name, parentId, 'application/json'),
    );
  }

  /** Creates a folder (with public `properties`, if given) under an id from generateIds. */
  async createFolder(
    id: string,
    parentId: string,
    name: string,
    properties?: Record<string, string>,
  ): Promise<FileMeta> {
    return this.run(
      'files.create',
      `creating the folder ${name}`,
      () =>
        this.drive.files
          .create(
            {
              requestBody: {
                id,
                name,
                parents: [parentId],
                mimeType: FOLDER_MIME,
                ...(properties ? { properties } : {}),
              },
              supportsAllDrives: true,
              fields: FILE_FIELDS,
            },
            this.opts,
          )
          .then((r) => toMeta(r.data)),
      landed(id, name, parentId, FOLDER_MIME),
    );
  }

  /** Merges public `properties` (null deletes a key) into a file's metadata, without touching its content. */
  async updateProperties(id: string, properties: Record<string, string | null>, what: string): Promise<void> {
    await this.run('files.update', what, () =>
      this.drive.files.update(
        {
          // Drive deletes a property set to null; the client's types do not say so.
          fileId: id,
          requestBody: { properties: properties as Record<string, string> },
          supportsAllDrives: true,
          fields: 'id',
        },
        this.opts,
      ),
    );
  }

  /** Replaces a file's content, by id, merging `properties` (null deletes a key) in the same multipart upload. */
  async updateContent(
    id: string,
    content: string,
    what: string,
    properties?: Record<string, string | null>,
  ): Promise<FileMeta> {
    return this.run('files.update', what, () =>
      this.drive.files
        .update(
          {
            // Drive deletes a property set to null; the client's types do not say so.
            fileId: id,
            ...(properties ? { requestBody: { properties: properties as Record<string, string> } } : {}),
            media: { mimeType: 'application/json', body: content },
            supportsAllDrives: true,
            fields: FILE_FIELDS,
          },
          this.opts,
        )
        .then((r) => toMeta(r.data)),
    );
  }

  /** A file's content as text. */
  async download(id: string, what: string): Promise<string> {
    return this.run('files.get.media', what, () =>
      this.drive.files
        .get({ fileId: id, alt: 'media', supportsAllDrives: true }, { ...this.opts, responseType: 'text' })
        .then((r) => String(r.data)),
    );
  }

  /** Deletes a file; a 404 means it is already gone, which is fine. */
  async deleteFile(id: string, what: string): Promise<void> {
    await this.run(
      'files.delete',
      what,
      () => this.drive.files.delete({ fileId: id, supportsAllDrives: true }, this.opts).then(() => true),
      (f) => (f.status === 404 ? true : undefined),
    );
  }

  /**
   * Moves a file to the trash (files.update, trashed: true); a 404 means it is already gone. In a shared drive a
   * Content manager may trash but not delete; Drive empties the trash after 30 days.
   */
  async trashFile(id: string, what: string): Promise<void> {
    await this.run(
      'files.update',
      what,
      () =>
        this.drive.files
          .update({ fileId: id, requestBody: { trashed: true }, supportsAllDrives: true, fields: 'id' }, this.opts)
          .then(() => true),
      (f) => (f.status === 404 ? true : undefined),
    );
  }

  /** A file's metadata. */
  async getFile(id: string, what: string): Promise<FileMeta> {
    return this.run('files.get', what, () =>
      this.drive.files
        .get({ fileId: id, supportsAllDrives: true, fields: FILE_FIELDS }, this.opts)
        .then((r) => toMeta(r.data)),
    );
  }

  /**
   * A folder's metadata with its public properties and, in a shared drive, what the account may do with its
   * children.
   */
  async getFolder(id: string, what: string): Promise<FolderMeta> {
    const get = () => this.drive.files.get({ fileId: id, supportsAllDrives: true, fields: FOLDER_FIELDS }, this.opts);
    return this.run('files.get', what, () =>
      get().then((r) => {
        const caps = r.data.capabilities;
        return {
          ...toMeta(r.data),
          properties: { ...(r.data.properties ?? {}) },
          ...(typeof caps?.canTrashChildren === 'boolean' ? { canTrashChildren: caps.canTrashChildren } : {}),
          ...(typeof caps?.canDeleteChildren === 'boolean' ? { canDeleteChildren: caps.canDeleteChildren } : {}),
        };
      }),
    );
  }

  /** Every file matching `q`, following pages (in a shared drive, `driveId` narrows the search to it). */
  async listFiles(q: string, driveId: string | undefined, what: string): Promise<FileMeta[]> {
    const files: FileMeta[] = [];
    let pageToken: string | undefined;
    do {
      const token = pageToken;
      const res = await this.run('files.list', what, () =>
        this.drive.files.list(
          {
            q,
            pageSize: 1000,
            pageToken: token,
            fields: `nextPageToken,files(${FEED_FIELDS})`,
            supportsAllDrives: true,
            includeItemsFromAllDrives: true,
            ...(driveId ? { corpora: 'drive', driveId } : {}),
          },
          this.opts,
        ),
      );
      files.push(...(res.data.files ?? []).map(toMeta));
      pageToken = res.data.nextPageToken ?? undefined;
    } while (pageToken);
    return files;
  }

  /** Where the changes feed starts now. */
  async startPageToken(driveId: string | undefined): Promise<string> {
    const res = await this.run('changes.getStartPageToken', 'starting the changes feed', () =>
      this.drive.changes.getStartPageToken({ supportsAllDrives: true, ...(driveId ? { driveId } : {}) }, this.opts),
    );
    if (!res.data.startPageToken)
      throw new MailboxError('drive_error', 'storyloom: Drive gave no start page token for the changes feed.');
    return res.data.startPageToken;
  }

  /** One page of changes since `pageToken`, with the fields the mailbox needs. */
  async listChanges(pageToken: string, driveId: string | undefined): Promise<ChangePage> {
    const res = await this.run('changes.list', 'reading the changes feed', () =>
      this.drive.changes.list(
        {
          pageToken,
          pageSize: 1000,
          includeItemsFromAllDrives: true,
          supportsAllDrives: true,
          includeRemoved: true,
          fields: `nextPageToken,newStartPageToken,changes(fileId,removed,file(${FEED_FIELDS}))`,
          ...(driveId ? { driveId } : {}),
        },
        this.opts,
      ),
    );
    return {
      changes: (res.data.changes ?? []).map((c) => ({
        fileId: c.fileId ?? '',
        removed: c.removed === true,
        ...(c.file ? { file: toMeta(c.file) } : {}),
      })),
      ...(res.data.nextPageToken ? { nextPageToken: res.data.nextPageToken } : {}),
      ...(res.data.newStartPageToken ? { newStartPageToken: res.data.newStartPageToken } : {}),
    };
  }

  /** The signed-in account's email address. */
  async accountEmail(): Promise<string> {
    const res = await this.run('about.get', 'asking who is signed in', () =>
      this.drive.about.get({ fields: 'user(emailAddress)' }, this.opts),
    );
    return res.data.user?.emailAddress ?? 'an unknown account';
  }

  /** The scopes the current access token was granted, when the token endpoint said (user credentials do). */
  grantedScopes(): string[] | undefined {
    const scope = this.auth.credentials?.scope;
    return typeof scope === 'string' ? scope.split(/\s+/).filter(Boolean) : undefined;
  }
}
