/**
 * What the mailbox knows about a Drive file, and how a Drive answer becomes
 * that: the metadata of a file or folder, and a page of the changes feed.
 */
import type { drive_v3 } from 'googleapis/build/src/apis/drive/index.js';
import { bodyFromProperties } from './body-properties.ts';
import type { DriveFailure } from './errors.ts';

/** What the mailbox needs to know about a file. */
export interface FileMeta {
  id: string;
  name: string;
  mimeType: string;
  parents: string[];
  trashed: boolean;
  /** Drive's per-file version; 0 when unknown. */
  version: number;
  /** modifiedTime in epoch ms; 0 when unknown. */
  modifiedMs: number;
  driveId?: string;
  /** The file's content, when its properties carry it (in listings and the changes feed). */
  body?: string;
}

/** A folder, with its public properties and (in a shared drive) what the account may do with its children. */
export interface FolderMeta extends FileMeta {
  properties: Record<string, string>;
  /** Whether the account may trash (and delete) the folder's children; undefined when Drive did not say. */
  canTrashChildren?: boolean;
  canDeleteChildren?: boolean;
}

/** One page of the changes feed. */
export interface ChangePage {
  changes: { fileId: string; removed: boolean; file?: FileMeta }[];
  nextPageToken?: string;
  newStartPageToken?: string;
}

/** A 409 on a retried create with our own id: the earlier attempt landed. */
export function landed(id: string, name: string, parentId: string, mimeType: string) {
  return (failure: DriveFailure, attempt: number): FileMeta | undefined =>
    failure.status === 409 && attempt > 1
      ? { id, name, mimeType, parents: [parentId], trashed: false, version: 0, modifiedMs: 0 }
      : undefined;
}

/** A Drive File resource as the mailbox sees it. */
export function toMeta(f: drive_v3.Schema$File): FileMeta {
  const body = bodyFromProperties(f.properties, f.sha256Checksum);
  return {
    id: f.id ?? '',
    name: f.name ?? '',
    mimeType: f.mimeType ?? '',
    parents: f.parents ?? [],
    trashed: f.trashed === true,
    version: Number(f.version ?? 0) || 0,
    modifiedMs: f.modifiedTime ? Date.parse(f.modifiedTime) || 0 : 0,
    ...(f.driveId ? { driveId: f.driveId } : {}),
    ...(body === undefined ? {} : { body }),
  };
}
