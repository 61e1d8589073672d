import { AccessRules, type Access } from '../access.ts';
import { DriveError } from '../drive-error.ts';
import { fileNotFound, insufficientFilePermissions, invalidValue, scopeInsufficient } from '../errors-catalog.ts';
import { fileResource } from '../file-resource.ts';
import type { FileRecord } from '../model.ts';
import type { Operation } from '../role-rules.ts';
import type { RequestContext } from './handler.ts';

/** A boolean query parameter (`true` means true; anything else, or absence, false). */
export function flag(query: URLSearchParams, ...names: string[]): boolean {
  return names.some((n) => query.get(n) === 'true');
}

/** Whether the caller said it supports shared drives (or the deprecated Team Drives alias). */
export function supportsAllDrives(query: URLSearchParams): boolean {
  return flag(query, 'supportsAllDrives', 'supportsTeamDrives');
}

/**
 * The file `id` (`root` meaning the caller's My Drive) with the caller's access,
 * or Drive's 404: for files the caller cannot see, and for shared-drive items
 * when the request lacks `supportsAllDrives=true`.
 */
export function findVisible(ctx: RequestContext, id: string): { file: FileRecord; access: Access } {
  const realId = id === 'root' ? ctx.principal.rootId : id;
  const file = ctx.state.store.get(realId);
  const access = file && ctx.state.access.accessOf(ctx.principal, file);
  if (!file || !access) throw fileNotFound(id);
  if (file.driveId !== undefined && !supportsAllDrives(ctx.query)) throw fileNotFound(id);
  return { file, access };
}

/**
 * Throws 403 `insufficientFilePermissions` ("The user does not have sufficient permissions for this
 * file.") unless the caller's access allows `op` on `file` (`role-rules.ts`). Drive documents this
 * error for trashing a file one does not own (https://developers.google.com/workspace/drive/api/guides/delete);
 * for the other refusals it is the reason Drive is reported to give (e.g. a non-Manager's files.delete in a
 * shared drive: https://github.com/breakdowns/slam-mirrorbot/issues/386).
 */
export function requireAllowed(access: Access | undefined, op: Operation, file: FileRecord): void {
  if (!AccessRules.can(access, op, file)) throw insufficientFilePermissions();
}

/** The full File resource for `file` as the caller sees it, capabilities included. */
export function resourceFor(ctx: RequestContext, file: FileRecord): Record<string, unknown> {
  return fileResource(file, ctx.principal, ctx.state.access.accessOf(ctx.principal, file));
}

/** Throws 403 `insufficientPermissions` when the token's scope is read-only. */
export function requireWriteScope(ctx: RequestContext, method: string): void {
  if (ctx.principal.scope === 'drive.readonly') throw scopeInsufficient(method);
}

/** The request body as a JSON object; an empty body is `{}`. Throws Drive's 400 `parseError`. */
export function jsonObjectBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new DriveError(400, 'parseError', 'Parse Error');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new DriveError(400, 'parseError', 'Parse Error');
  }
  return value as Record<string, unknown>;
}

/** A comma-separated id list parameter (`addParents=a,b`). */
export function idList(query: URLSearchParams, name: string): string[] {
  return (query.get(name) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A `pageSize` parameter: default 100, an integer in [1, 1000] or Drive's 400. */
export function readPageSize(text: string | null): number {
  if (text === null) return 100;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw invalidValue('pageSize', `Invalid value '${text}'. Values must be within the range: [1, 1000]`);
  }
  return n;
}
