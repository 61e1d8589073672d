import { createHash } from 'node:crypto';
import type { Access } from './access.ts';
import { capabilitiesOf } from './capabilities.ts';
import { rfc3339 } from './clock.ts';
import { isFolder, type FileRecord, type Principal } from './model.ts';

/** Drive's User resource for `email`, as seen by `viewer`. */
export function userResource(email: string, viewer: Principal): Record<string, unknown> {
  return {
    kind: 'drive#user',
    displayName: email.split('@')[0],
    me: email === viewer.email,
    permissionId: permissionIdOf(email),
    emailAddress: email,
  };
}

/** A stable, Drive-shaped numeric permission id for an email. */
export function permissionIdOf(email: string): string {
  const digits = BigInt(`0x${createHash('sha256').update(email).digest('hex').slice(0, 16)}`).toString();
  return digits.padStart(20, '0').slice(0, 20);
}

/**
 * The full File resource for `file` as `viewer` sees it (before any fields mask); `access` is the
 * viewer's access to it, from which `capabilities` is computed.
 */
export function fileResource(file: FileRecord, viewer: Principal, access: Access | undefined): Record<string, unknown> {
  const r: Record<string, unknown> = {
    kind: 'drive#file',
    id: file.id,
    name: file.name,
    mimeType: file.mimeType,
    starred: file.starred,
    trashed: file.trashed,
    explicitlyTrashed: file.explicitlyTrashed,
    spaces: ['drive'],
    version: String(file.version),
    createdTime: rfc3339(file.createdTime),
    modifiedTime: rfc3339(file.modifiedTime),
    lastModifyingUser: userResource(file.lastModifyingEmail, viewer),
    shared: file.shares.size > 0,
    capabilities: capabilitiesOf(file, access),
  };
  if (!file.isRoot) r.parents = [...file.parents];
  if (file.description !== undefined) r.description = file.description;
  if (Object.keys(file.appProperties).length > 0) r.appProperties = { ...file.appProperties };
  if (Object.keys(file.properties).length > 0) r.properties = { ...file.properties };
  Object.assign(r, ownership(file, viewer), contentFields(file));
  return r;
}

function ownership(file: FileRecord, viewer: Principal): Record<string, unknown> {
  if (file.driveId !== undefined) return { driveId: file.driveId, teamDriveId: file.driveId };
  return { owners: [userResource(file.creatorEmail, viewer)], ownedByMe: file.creatorEmail === viewer.email };
}

function contentFields(file: FileRecord): Record<string, unknown> {
  if (isFolder(file)) return { quotaBytesUsed: '0' };
  const out: Record<string, unknown> = {
    size: String(file.content.length),
    quotaBytesUsed: String(file.content.length),
    md5Checksum: createHash('md5').update(file.content).digest('hex'),
    sha1Checksum: createHash('sha1').update(file.content).digest('hex'),
    sha256Checksum: createHash('sha256').update(file.content).digest('hex'),
  };
  const dot = file.name.lastIndexOf('.');
  if (dot > 0 && dot < file.name.length - 1) out.fileExtension = file.name.slice(dot + 1);
  return out;
}
