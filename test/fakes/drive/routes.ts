import { getAbout } from './handlers/about.ts';
import { getStartPageToken, listChanges } from './handlers/changes.ts';
import { getSharedDrive } from './handlers/drives.ts';
import { createFile } from './handlers/files-create.ts';
import { deleteFile } from './handlers/files-delete.ts';
import { getFile } from './handlers/files-get.ts';
import { listFiles } from './handlers/files-list.ts';
import { startResumableCreate, startResumableUpdate } from './handlers/files-resumable.ts';
import { updateFile } from './handlers/files-update.ts';
import { generateIds } from './handlers/generate-ids.ts';
import type { Handler } from './handlers/handler.ts';
import type { MethodName } from './method-names.ts';

/**
 * A matched request: its method, handler (`token` for the OAuth endpoint, `chunk`
 * for a PUT to a resumable upload session) and path parameters.
 */
export interface RouteMatch {
  method: MethodName;
  handler: Handler | 'token' | 'chunk';
  params: { id?: string };
  isUpload: boolean;
}

interface Route {
  http: string;
  pattern: RegExp;
  method: MethodName;
  handler: Handler | 'token' | 'chunk';
  /** Matches only this `uploadType`. */
  uploadType?: string;
}

const ROUTES: Route[] = [
  { http: 'POST', pattern: /^\/token$/, method: 'token', handler: 'token' },
  { http: 'GET', pattern: /^\/drive\/v3\/files$/, method: 'files.list', handler: listFiles },
  { http: 'POST', pattern: /^\/drive\/v3\/files$/, method: 'files.create', handler: createFile },
  {
    http: 'POST',
    pattern: /^\/upload\/drive\/v3\/files$/,
    method: 'files.create',
    handler: startResumableCreate,
    uploadType: 'resumable',
  },
  { http: 'POST', pattern: /^\/upload\/drive\/v3\/files$/, method: 'files.create', handler: createFile },
  { http: 'PUT', pattern: /^\/upload\/drive\/v3\/files(?:\/[^/]+)?$/, method: 'files.upload.chunk', handler: 'chunk' },
  { http: 'GET', pattern: /^\/drive\/v3\/files\/generateIds$/, method: 'files.generateIds', handler: generateIds },
  { http: 'GET', pattern: /^\/drive\/v3\/files\/([^/]+)$/, method: 'files.get', handler: getFile },
  { http: 'PATCH', pattern: /^\/drive\/v3\/files\/([^/]+)$/, method: 'files.update', handler: updateFile },
  {
    http: 'PATCH',
    pattern: /^\/upload\/drive\/v3\/files\/([^/]+)$/,
    method: 'files.update',
    handler: startResumableUpdate,
    uploadType: 'resumable',
  },
  { http: 'PATCH', pattern: /^\/upload\/drive\/v3\/files\/([^/]+)$/, method: 'files.update', handler: updateFile },
  { http: 'DELETE', pattern: /^\/drive\/v3\/files\/([^/]+)$/, method: 'files.delete', handler: deleteFile },
  {
    http: 'GET',
    pattern: /^\/drive\/v3\/changes\/startPageToken$/,
    method: 'changes.getStartPageToken',
    handler: getStartPageToken,
  },
  { http: 'GET', pattern: /^\/drive\/v3\/changes$/, method: 'changes.list', handler: listChanges },
  { http: 'GET', pattern: /^\/drive\/v3\/about$/, method: 'about.get', handler: getAbout },
  { http: 'GET', pattern: /^\/drive\/v3\/drives\/([^/]+)$/, method: 'drives.get', handler: getSharedDrive },
];

/** Finds the route for a request, or undefined when the fake does not serve it. */
export function matchRoute(httpMethod: string, pathname: string, query: URLSearchParams): RouteMatch | undefined {
  for (const route of ROUTES) {
    if (route.http !== httpMethod) continue;
    if (route.uploadType !== undefined && query.get('uploadType') !== route.uploadType) continue;
    const m = route.pattern.exec(pathname);
    if (!m) continue;
    const method = route.method === 'files.get' && query.get('alt') === 'media' ? 'files.get.media' : route.method;
    return {
      method,
      handler: route.handler,
      params: m[1] === undefined ? {} : { id: decodeURIComponent(m[1]) },
      isUpload: pathname.startsWith('/upload/'),
    };
  }
  return undefined;
}
