import { requiredParameter } from '../errors-catalog.ts';
import { userResource } from '../file-resource.ts';
import { isFolder } from '../model.ts';
import { ABOUT_SCHEMA } from '../resource-schemas.ts';
import { selectFields } from '../select-fields.ts';
import { ok, type Reply, type RequestContext } from './handler.ts';

/** Google's free-tier quota, 15 GiB; a service account's is zero. */
const USER_QUOTA = String(15 * 1024 ** 3);

/** about.get: `GET /drive/v3/about?fields=...` (Drive requires `fields` here). */
export function getAbout(ctx: RequestContext): Reply {
  const fields = ctx.query.get('fields');
  if (fields === null || fields.trim() === '') {
    throw requiredParameter('fields', "The 'fields' parameter is required for this method.");
  }
  const { principal, state } = ctx;
  const owned = state.store
    .all()
    .filter((f) => f.creatorEmail === principal.email && f.driveId === undefined && !isFolder(f));
  const bytes = (files: typeof owned) => String(files.reduce((n, f) => n + f.content.length, 0));
  const body = {
    kind: 'drive#about',
    user: userResource(principal.email, principal),
    storageQuota: {
      limit: principal.kind === 'service_account' ? '0' : USER_QUOTA,
      usage: bytes(owned),
      usageInDrive: bytes(owned),
      usageInDriveTrash: bytes(owned.filter((f) => f.trashed)),
    },
    canCreateDrives: principal.kind === 'user',
    appInstalled: false,
    maxUploadSize: '5242880000000',
  };
  return ok(selectFields(body, fields, ABOUT_SCHEMA, ''));
}
