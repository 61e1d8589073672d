import { rfc3339 } from '../clock.ts';
import { driveNotFound } from '../errors-catalog.ts';
import { DEFAULT_DRIVE_FIELDS, DRIVE_SCHEMA } from '../resource-schemas.ts';
import { allows, type Operation } from '../role-rules.ts';
import { selectFields } from '../select-fields.ts';
import { ok, type Reply, type RequestContext } from './handler.ts';

/** drives.get: `GET /drive/v3/drives/:id`, for members of the shared drive. */
export function getSharedDrive(ctx: RequestContext): Reply {
  const id = ctx.params.id ?? '';
  const drive = ctx.state.drives.get(id);
  const role = drive?.members.get(ctx.principal.email);
  if (!drive || !role) throw driveNotFound(id);
  const body = {
    kind: 'drive#drive',
    id: drive.id,
    name: drive.name,
    createdTime: rfc3339(drive.createdTime),
    hidden: false,
    capabilities: driveCapabilities(role),
  };
  return ok(selectFields(body, ctx.query.get('fields'), DRIVE_SCHEMA, DEFAULT_DRIVE_FIELDS));
}

/**
 * The Drive resource's capabilities for a member, from the same rules as the files' (`role-rules.ts`):
 * canAddChildren "... add children to folders in this shared drive", canTrashChildren / canDeleteChildren
 * "... trash (delete) children from folders in this shared drive", canManageMembers: organizer only
 * (https://developers.google.com/workspace/drive/api/guides/ref-roles: `organizer` | Manager | "Grants the
 * ability to manage files, folders, people, and settings.").
 */
function driveCapabilities(role: Parameters<typeof allows>[0]): Record<string, boolean> {
  const can = (op: Operation) => allows(role, op, 'sharedDrive');
  return {
    canAddChildren: can('create'),
    canComment: role !== 'reader',
    canDeleteChildren: can('delete'),
    canEdit: can('edit'),
    canListChildren: can('list'),
    canManageMembers: role === 'organizer',
    canTrashChildren: can('trash'),
  };
}
