import { randomBytes } from 'node:crypto';

/** A new file id shaped like Drive's (33 characters, URL-safe). */
export function newFileId(): string {
  return `1${randomBytes(24).toString('base64url')}`;
}

/** A new id for a root folder or shared drive, shaped like Drive's `0A…` ids. */
export function newRootId(): string {
  return `0A${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}Uk9PVA`;
}
