import { AccessRules, type Access } from './access.ts';
import { isFolder, type FileRecord } from './model.ts';

/**
 * The File resource's `capabilities` for a caller with `access`, derived from the same rules the
 * handlers enforce (`role-rules.ts`), so a capability never promises what the call would refuse.
 * Field meanings, from https://developers.google.com/workspace/drive/api/reference/rest/v3/files
 * ("capabilities" object):
 * - canAddChildren / canListChildren: "This is always false when the item isn't a folder."
 * - canTrashChildren / canDeleteChildren: "Whether the current user can trash (delete) children of this
 *   folder. This is false when the item isn't a folder. Only populated for items in shared drives."
 *   A child's rule is the caller's role "on the parent" (files.delete; v2 files.trash), i.e. on this folder.
 * - canTrash: "Whether the current user can move this file to trash." canUntrash: "... can restore this file
 *   from trash." canDelete: "Whether the current user can delete this file."
 * - canEdit: "Whether the current user can edit this file." canRename, canModifyContent: the fake gives
 *   them the same answer as canEdit (no content restrictions exist in the fake).
 * - canComment: every role but reader (ref-roles: "Add comments to the file | Yes | Yes | Yes | Yes | Yes | No").
 */
export function capabilitiesOf(file: FileRecord, access: Access | undefined): Record<string, boolean> {
  const can = (op: Parameters<typeof AccessRules.can>[1]) => AccessRules.can(access, op, file);
  const folder = isFolder(file);
  const caps: Record<string, boolean> = {
    canAddChildren: folder && can('create'),
    canComment: access !== undefined && access !== 'reader',
    canDelete: can('delete'),
    canEdit: can('edit'),
    canListChildren: folder && can('list'),
    canModifyContent: can('edit'),
    canRename: can('edit'),
    canTrash: can('trash'),
    canUntrash: can('untrash'),
  };
  if (file.driveId !== undefined) {
    // Children are judged by the role on this folder, so the root's children count too.
    const onChildren = { ...file, isRoot: false };
    caps.canTrashChildren = folder && AccessRules.can(access, 'trash', onChildren);
    caps.canDeleteChildren = folder && AccessRules.can(access, 'delete', onChildren);
    caps.canMoveItemWithinDrive = can('move');
  }
  return caps;
}
