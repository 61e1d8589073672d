import { DriveError } from '../drive-error.ts';
import { badRequest, insufficientFilePermissions } from '../errors-catalog.ts';
import { fileResource } from '../file-resource.ts';
import { isFolder, snapshotOf, type FileRecord } from '../model.ts';
import { DEFAULT_FILE_FIELDS, FILE_SCHEMA } from '../resource-schemas.ts';
import { selectFields } from '../select-fields.ts';
import { findVisible, idList, requireWritable, requireWriteScope } from './common.ts';
import { applyMetadata, checkWritable } from './file-metadata.ts';
import { ok, type Reply, type RequestContext } from './handler.ts';
import { readUploadBody, type UploadBody } from './upload-body.ts';

/**
 * files.update: `PATCH /drive/v3/files/:id` (metadata, trashing, moves with
 * addParents/removeParents) and `PATCH /upload/drive/v3/files/:id` (new content).
 * Everything is validated before anything changes.
 */
export function updateFile(ctx: RequestContext): Reply {
  const file = findUpdatable(ctx);
  return applyUpdate(ctx, file, readUploadBody(ctx));
}

/** The file an update names, once the caller may change it (also checked when a resumable upload starts). */
export function findUpdatable(ctx: RequestContext): FileRecord {
  requireWriteScope(ctx, 'google.apps.drive.v3.DriveFiles.Update');
  const { file, access } = findVisible(ctx, ctx.params.id ?? '');
  requireWritable(access);
  if (file.isRoot) throw insufficientFilePermissions();
  return file;
}

/** Applies an update (simple, multipart, or a finished resumable upload) to `file`. */
export function applyUpdate(ctx: RequestContext, file: FileRecord, { metadata, media }: UploadBody): Reply {
  checkWritable(metadata, 'update');
  const draft = snapshotOf(file);
  applyMetadata(draft, metadata);
  draft.parents = plannedParents(ctx, file);
  if (media && !isFolder(file)) draft.content = media.content;
  if (metadata.modifiedTime === undefined) draft.modifiedTime = ctx.state.clock.now();
  draft.lastModifyingEmail = ctx.principal.email;
  const trashChanged = typeof metadata.trashed === 'boolean' && metadata.trashed !== file.trashed;
  if (trashChanged) Object.assign(draft, { trashed: metadata.trashed, explicitlyTrashed: metadata.trashed });
  const before = snapshotOf(file);
  Object.assign(file, draft);
  ctx.state.commitUpdate(before, file);
  if (trashChanged) cascadeTrash(ctx, file);
  return ok(selectFields(fileResource(file, ctx.principal), ctx.query.get('fields'), FILE_SCHEMA, DEFAULT_FILE_FIELDS));
}

/** The parents after applying addParents/removeParents; throws if the move is not allowed. */
function plannedParents(ctx: RequestContext, file: FileRecord): string[] {
  const resolve = (id: string) => (id === 'root' ? ctx.principal.rootId : id);
  const removed = idList(ctx.query, 'removeParents').map(resolve);
  const added = idList(ctx.query, 'addParents').map(resolve);
  for (const id of added) checkNewParent(ctx, file, id);
  const parents = [...new Set([...file.parents.filter((p) => !removed.includes(p)), ...added])];
  if (parents.length > 1) throw new DriveError(403, 'cannotAddParent', 'Increasing the number of parents is not allowed.');
  return parents;
}

function checkNewParent(ctx: RequestContext, file: FileRecord, parentId: string): void {
  const { file: parent, access } = findVisible(ctx, parentId);
  if (!isFolder(parent)) throw badRequest(`The parent ${parentId} is not a folder.`, 'addParents');
  requireWritable(access);
  if (parent.driveId !== file.driveId) {
    throw badRequest('Moving items between My Drive and shared drives is not supported by the Drive fake.', 'addParents');
  }
  if (ctx.state.store.ancestry(parent).some((f) => f.id === file.id)) {
    throw badRequest('The move would create a cycle in the folder tree.', 'addParents');
  }
}

/** Makes a folder's descendants follow its trashed state (restoring skips ones trashed on their own). */
function cascadeTrash(ctx: RequestContext, folder: FileRecord): void {
  for (const child of ctx.state.store.subtree(folder.id).slice(1)) {
    if (child.trashed === folder.trashed || (!folder.trashed && child.explicitlyTrashed)) continue;
    const before = snapshotOf(child);
    child.trashed = folder.trashed;
    ctx.state.commitUpdate(before, child);
  }
}
