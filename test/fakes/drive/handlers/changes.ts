import type { ChangeEntry } from '../change-log.ts';
import { rfc3339 } from '../clock.ts';
import { driveNotFound, invalidValue, requiredParameter } from '../errors-catalog.ts';
import { fileResource } from '../file-resource.ts';
import { CHANGE_LIST_SCHEMA, DEFAULT_CHANGE_LIST_FIELDS, START_PAGE_TOKEN_SCHEMA } from '../resource-schemas.ts';
import { selectFields } from '../select-fields.ts';
import { flag, readPageSize, supportsAllDrives } from './common.ts';
import { ok, type Reply, type RequestContext } from './handler.ts';

/** changes.getStartPageToken: `GET /drive/v3/changes/startPageToken`. */
export function getStartPageToken(ctx: RequestContext): Reply {
  checkDriveId(ctx);
  const body = { kind: 'drive#startPageToken', startPageToken: ctx.state.changes.startToken() };
  return ok(selectFields(body, ctx.query.get('fields'), START_PAGE_TOKEN_SCHEMA, 'kind,startPageToken'));
}

/**
 * changes.list: `GET /drive/v3/changes`. Reports each changed file once, in
 * order of its latest change, with `nextPageToken` while more remain and
 * `newStartPageToken` at the end. Deleted files come as `removed: true`.
 */
export function listChanges(ctx: RequestContext): Reply {
  const { query, state } = ctx;
  const token = query.get('pageToken');
  if (token === null || token === '') throw requiredParameter('pageToken', 'Required parameter: pageToken');
  const seq = state.changes.parseToken(token);
  if (seq === undefined) throw invalidValue('pageToken');
  const pageSize = readPageSize(query.get('pageSize'));
  checkDriveId(ctx);
  const changes: Record<string, unknown>[] = [];
  let nextSeq: number | undefined;
  for (const entry of state.changes.since(seq)) {
    if (changes.length === pageSize) {
      nextSeq = entry.seq;
      break;
    }
    const change = describeChange(ctx, entry);
    if (change) changes.push(change);
  }
  const body: Record<string, unknown> = { kind: 'drive#changeList', changes };
  if (nextSeq !== undefined) body.nextPageToken = String(nextSeq);
  else body.newStartPageToken = state.changes.startToken();
  return ok(selectFields(body, query.get('fields'), CHANGE_LIST_SCHEMA, DEFAULT_CHANGE_LIST_FIELDS));
}

/** The Change resource for `entry` as the caller sees it, or undefined when it is not theirs to see. */
function describeChange(ctx: RequestContext, entry: ChangeEntry): Record<string, unknown> | undefined {
  if (!inScope(ctx, entry.driveId)) return undefined;
  const base = { kind: 'drive#change', changeType: 'file', time: rfc3339(entry.time), fileId: entry.fileId };
  const live = ctx.state.store.get(entry.fileId);
  if (live?.isRoot) return undefined;
  const access = live && ctx.state.access.accessOf(ctx.principal, live);
  if (live && access) return { ...base, removed: false, file: fileResource(live, ctx.principal, access) };
  // Deleted, or out of the caller's reach now: Change.removed is "Whether the file or shared drive has been
  // removed from this list of changes, for example by deletion or loss of access." Only for those who saw it.
  const sawIt = entry.audience?.has(ctx.principal.email) ?? false;
  const includeRemoved = ctx.query.get('includeRemoved') !== 'false';
  return sawIt && includeRemoved ? { ...base, removed: true } : undefined;
}

/** Whether a change in `driveId` (undefined: My Drive) belongs in this listing. */
function inScope(ctx: RequestContext, driveId: string | undefined): boolean {
  const wanted = ctx.query.get('driveId') ?? ctx.query.get('teamDriveId');
  if (wanted !== null) return driveId === wanted;
  if (driveId === undefined) return true;
  if (flag(ctx.query, 'restrictToMyDrive')) return false;
  return flag(ctx.query, 'includeItemsFromAllDrives', 'includeTeamDriveItems') && supportsAllDrives(ctx.query);
}

/** Throws 404 when a `driveId` parameter names a drive the caller is not a member of. */
function checkDriveId(ctx: RequestContext): void {
  const id = ctx.query.get('driveId') ?? ctx.query.get('teamDriveId');
  if (id === null) return;
  if (!ctx.state.drives.get(id)?.members.has(ctx.principal.email)) throw driveNotFound(id);
}
