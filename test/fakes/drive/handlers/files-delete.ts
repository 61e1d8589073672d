import { findVisible, requireAllowed, requireWriteScope } from './common.ts';
import type { Reply, RequestContext } from './handler.ts';

/**
 * files.delete: `DELETE /drive/v3/files/:id` → 204. "Permanently deletes a file owned by the user without
 * moving it to the trash. If the file belongs to a shared drive, the user must be an `organizer` on the
 * parent folder." (https://developers.google.com/workspace/drive/api/reference/rest/v3/files/delete).
 * Anyone else gets 403 `insufficientFilePermissions` and nothing changes; see `role-rules.ts` and, for what
 * a folder takes with it, `DriveState.commitDelete`.
 */
export function deleteFile(ctx: RequestContext): Reply {
  requireWriteScope(ctx, 'google.apps.drive.v3.DriveFiles.Delete');
  const { file, access } = findVisible(ctx, ctx.params.id ?? '');
  requireAllowed(access, 'delete', file);
  ctx.state.commitDelete(file, ctx.principal.email);
  return { status: 204 };
}
