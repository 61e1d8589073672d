import { rfc3339 } from '../clock.ts';
import { driveNotFound } from '../errors-catalog.ts';
import { DEFAULT_DRIVE_FIELDS, DRIVE_SCHEMA } from '../resource-schemas.ts';
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
    capabilities: { canAddChildren: role === 'writer', canEdit: role === 'writer', canDeleteChildren: role === 'writer' },
  };
  return ok(selectFields(body, ctx.query.get('fields'), DRIVE_SCHEMA, DEFAULT_DRIVE_FIELDS));
}
