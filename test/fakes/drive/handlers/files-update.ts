import { DriveError } from '../drive-error.ts';
import { badRequest } from '../errors-catalog.ts';
import { isFolder, snapshotOf, type FileRecord } from '../model.ts';
import { DEFAULT_FILE_FIELDS, FILE_SCHEMA } from '../resource-schemas.ts';
import { selectFields } from '../select-fields.ts';
import { findVisible, idList, requireAllowed, requireWriteScope, resourceFor } from './common.ts';
import { applyMetadata, checkWritable } from './file-metadata.ts';
import { ok, type Reply, type RequestContext } from './handler.ts';
import { readUploadBody, type UploadBody } from './upload-body.ts';

/**
 * files.update: `PATCH /drive/v3/files/:id` (metadata, trashing, moves with
 * addParents/removeParents) and `PATCH /upload/drive/v3/files/:id` (new content).
 * Everything is validated, permissions included, before anything changes: editing needs
 * the `edit` rule, `{"trashed": true|false}` (when it changes the state) also `trash`/`untrash`,
 * and a move `move` on the file and `create` on the new parent (`role-rules.ts`).
 */
export function updateFile(ctx: RequestContext): Reply {
  const file = findUpdatable(ctx);
  return applyUpdate(ctx, file, readUploadBody(ctx));
}

/** The file an update names, once the caller may change it (also checked when a resumable upload starts). */
export function findUpdatable(ctx: RequestContext): FileRecord {
  requireWriteScope(ctx, 'google.apps.drive.v3.DriveFiles.Update');
  const { file, access } = findVisible(ctx, ctx.params.id ?? '');
  requireAllowed(access, 'edit', file);
  return file;
}

/** Applies an update (simple, multipart, or a finished resumable upload) to `file`. */
export function applyUpdate(ctx: RequestContext, file: FileRecord, { metadata, media }: UploadBody): Reply {
  checkWritable(metadata, 'update');
  const trashChanged = typeof metadata.trashed === 'boolean' && metadata.trashed !== file.trashed;
  const access = ctx.state.access.accessOf(ctx.principal, file);
  // A no-op `trashed` (already in that state) is not checked: it trashes nothing. Not found documented.
  if (trashChanged) requireAllowed(access, metadata.trashed === true ? 'trash' : 'untrash', file);
  const draft = snapshotOf(file);
  applyMetadata(draft, metadata);
  draft.parents = plannedParents(ctx, file);
  if (media && !isFolder(file)) draft.content = media.content;
  if (metadata.modifiedTime === undefined) draft.modifiedTime = ctx.state.clock.now();
  draft.lastModifyingEmail = ctx.principal.email;
  if (trashChanged) Object.assign(draft, { trashed: metadata.trashed, explicitlyTrashed: metadata.trashed });
  const before = snapshotOf(file);
  Object.assign(file, draft);
  ctx.state.commitUpdate(before, file);
  if (trashChanged) cascadeTrash(ctx, file);
  return ok(selectFields(resourceFor(ctx, file), ctx.query.get('fields'), FILE_SCHEMA, DEFAULT_FILE_FIELDS));
}

/** The parents after applying addParents/removeParents; throws if the move is not allowed. */
function plannedParents(ctx: RequestContext, file: FileRecord): string[] {
  const resolve = (id: string) => (id === 'root' ? ctx.principal.rootId : id);
  const removed = idList(ctx.query, 'removeParents').map(resolve);
  const added = idList(ctx.query, 'addParents').map(resolve);
  if (added.length > 0 || removed.length > 0) {
    requireAllowed(ctx.state.access.accessOf(ctx.principal, file), 'move', file);
  }
  for (const id of added) checkNewParent(ctx, file, id);
  const parents = [...new Set([...file.parents.filter((p) => !removed.includes(p)), ...added])];
  if (parents.length > 1)
    throw new DriveError(403, 'cannotAddParent', 'Increasing the number of parents is not allowed.');
  return parents;
}

function checkNewParent(ctx: RequestContext, file: FileRecord, parentId: string): void {
  const { file: parent, access } = findVisible(ctx, parentId);
  if (!isFolder(parent)) throw badRequest(`The parent ${parentId} is not a folder.`, 'addParents');
  requireAllowed(access, 'create', parent);
  if (parent.driveId !== file.driveId) {
    throw badRequest(
      'Moving items between My Drive and shared drives is not supported by the Drive fake.',
      'addParents',
    );
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
