import { AccessRules } from '../access.ts';
import { insufficientFilePermissions } from '../errors-catalog.ts';
import { findVisible, requireWriteScope } from './common.ts';
import type { Reply, RequestContext } from './handler.ts';

/**
 * files.delete: `DELETE /drive/v3/files/:id` → 204. In My Drive only the owner
 * may delete; in a shared drive any writer may. A folder takes its contents with it.
 */
export function deleteFile(ctx: RequestContext): Reply {
  requireWriteScope(ctx, 'google.apps.drive.v3.DriveFiles.Delete');
  const { file, access } = findVisible(ctx, ctx.params.id ?? '');
  const allowed = file.driveId === undefined ? access === 'owner' : AccessRules.canWrite(access);
  if (!allowed || file.isRoot) throw insufficientFilePermissions();
  ctx.state.commitDelete(file);
  return { status: 204 };
}
