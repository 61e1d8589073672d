import { DriveError } from '../drive-error.ts';
import { badRequest, invalidValue, serviceAccountQuota } from '../errors-catalog.ts';
import { isFolder, type FileRecord } from '../model.ts';
import { DEFAULT_FILE_FIELDS, FILE_SCHEMA } from '../resource-schemas.ts';
import { selectFields } from '../select-fields.ts';
import { findVisible, requireAllowed, requireWriteScope, resourceFor } from './common.ts';
import { applyMetadata, checkWritable } from './file-metadata.ts';
import { ok, type Reply, type RequestContext } from './handler.ts';
import { readUploadBody, type UploadBody } from './upload-body.ts';

/**
 * files.create: `POST /drive/v3/files` (metadata only) and
 * `POST /upload/drive/v3/files?uploadType=media|multipart`.
 */
export function createFile(ctx: RequestContext): Reply {
  requireWriteScope(ctx, 'google.apps.drive.v3.DriveFiles.Create');
  return createFileFrom(ctx, readUploadBody(ctx));
}

/**
 * Checks a create before it has any content (also when a resumable upload
 * starts): scope, writable fields, the parent, quota, and the requested id.
 */
export function checkCreate(
  ctx: RequestContext,
  metadata: Record<string, unknown>,
): { parent: FileRecord; id?: string } {
  requireWriteScope(ctx, 'google.apps.drive.v3.DriveFiles.Create');
  checkWritable(metadata, 'create');
  const parent = resolveParent(ctx, metadata.parents, metadata.trashed === true);
  // Strict on purpose: folders too, since a fake that allows what Drive may refuse hides bugs.
  if (ctx.principal.kind === 'service_account' && parent.driveId === undefined) throw serviceAccountQuota();
  return { parent, id: claimId(ctx, metadata.id) };
}

/** Creates the file a create request (simple, multipart, or a finished resumable upload) describes. */
export function createFileFrom(ctx: RequestContext, { metadata, media }: UploadBody): Reply {
  const { parent, id } = checkCreate(ctx, metadata);
  const file = ctx.state.newRecord({
    ...(id === undefined ? {} : { id }),
    parents: [parent.id],
    creatorEmail: ctx.principal.email,
    driveId: parent.driveId,
    mimeType: media?.contentType ?? 'application/octet-stream',
  });
  applyMetadata(file, metadata);
  if (media && !isFolder(file)) file.content = media.content;
  if (metadata.trashed === true) Object.assign(file, { trashed: true, explicitlyTrashed: true });
  ctx.state.commitCreate(file);
  return ok(selectFields(resourceFor(ctx, file), ctx.query.get('fields'), FILE_SCHEMA, DEFAULT_FILE_FIELDS));
}

/**
 * The parent folder (default: the caller's My Drive), which the caller must be able to add to; a file
 * created already trashed also needs the right to trash what is in that folder (in My Drive its creator
 * owns it; in a shared drive, the trash rule asks for the role "on the parent").
 */
function resolveParent(ctx: RequestContext, parents: unknown, trashed: boolean): FileRecord {
  if (parents !== undefined && (!Array.isArray(parents) || parents.some((p) => typeof p !== 'string'))) {
    throw invalidValue('parents', 'Invalid value for parents: expected an array of ids');
  }
  const ids = (parents as string[] | undefined) ?? [];
  if (ids.length > 1) {
    throw new DriveError(403, 'cannotAddParent', 'Increasing the number of parents is not allowed.');
  }
  const { file, access } = findVisible(ctx, ids[0] ?? 'root');
  if (!isFolder(file)) throw badRequest(`The parent ${file.id} is not a folder.`, 'parents');
  requireAllowed(access, 'create', file);
  if (trashed && file.driveId !== undefined) requireAllowed(access, 'trash', { ...file, isRoot: false });
  return file;
}

/**
 * The id for the new file: a fresh one, or the caller's, which must have come
 * from generateIds (400) and not be taken yet (409). A retried create with the
 * same id therefore cannot make a second file.
 */
function claimId(ctx: RequestContext, requested: unknown): string | undefined {
  if (requested === undefined) return undefined;
  if (typeof requested !== 'string') throw invalidValue('file.id', 'The provided file ID is not usable.');
  if (ctx.state.store.isUsed(requested)) {
    throw new DriveError(409, 'duplicate', 'A file already exists with the provided ID.', {
      location: 'file.id',
      locationType: 'parameter',
    });
  }
  if (!ctx.state.store.isIssued(requested)) throw invalidValue('file.id', 'The provided file ID is not usable.');
  return requested;
}
