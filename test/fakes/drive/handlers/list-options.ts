import { createHash } from 'node:crypto';
import { badRequest, invalidValue } from '../errors-catalog.ts';
import type { QueryNode } from '../query-ast.ts';
import { parseQuery, QueryError } from '../query-parser.ts';
import { flag, readPageSize, supportsAllDrives } from './common.ts';

/** One `orderBy` key and its direction. */
export interface OrderKey {
  key: string;
  desc: boolean;
}

/** The validated parameters of a files.list call. */
export interface ListOptions {
  query?: QueryNode;
  pageSize: number;
  offset: number;
  orderBy: OrderKey[];
  corpora: string;
  driveId?: string;
  /** includeItemsFromAllDrives and supportsAllDrives were both true. */
  includeSharedDrives: boolean;
  /** False when `spaces` leaves out `drive` (the fake stores nothing elsewhere). */
  searchDrive: boolean;
  /** Identifies the query, so a page token only continues the list it came from. */
  fingerprint: string;
}

const ORDER_KEYS = [
  'createdTime',
  'folder',
  'modifiedByMeTime',
  'modifiedTime',
  'name',
  'name_natural',
  'quotaBytesUsed',
  'recency',
  'sharedWithMeTime',
  'starred',
  'viewedByMeTime',
];

/** Reads and validates files.list parameters, throwing Drive's 400 errors. */
export function readListOptions(query: URLSearchParams): ListOptions {
  const q = query.get('q');
  const parsed = q === null || q.trim() === '' ? undefined : parseQ(q);
  const orderBy = parseOrderBy(query.get('orderBy'));
  if (orderBy.length > 0 && parsed && usesFullText(parsed)) {
    throw badRequest(
      'Sorting is not supported for queries with fullText terms. Results are always in descending relevance order.',
      'orderBy',
    );
  }
  const includeSharedDrives = readDriveFlags(query);
  const corpora = query.get('corpora') ?? (query.get('driveId') ? 'drive' : 'user');
  const driveId = query.get('driveId') ?? query.get('teamDriveId') ?? undefined;
  if (!['user', 'drive', 'allDrives', 'domain'].includes(corpora))
    throw invalidValue('corpora', `Invalid value for corpora: ${corpora}`);
  if ((corpora === 'drive') !== (driveId !== undefined)) {
    throw badRequest('The driveId parameter must be specified if and only if corpora is set to drive.', 'driveId');
  }
  if ((corpora === 'drive' || corpora === 'allDrives') && !includeSharedDrives) {
    throw badRequest(
      'The includeItemsFromAllDrives parameter must be set to true when corpora is drive or allDrives.',
      'includeItemsFromAllDrives',
    );
  }
  const fingerprint = hash([q, query.get('orderBy'), corpora, driveId, query.get('spaces'), includeSharedDrives]);
  return {
    query: parsed,
    pageSize: readPageSize(query.get('pageSize')),
    offset: readPageToken(query.get('pageToken'), fingerprint),
    orderBy,
    corpora,
    driveId,
    includeSharedDrives,
    searchDrive: readSpaces(query.get('spaces')),
    fingerprint,
  };
}

/** The token for the page that starts at `offset` of the list call with `fingerprint`. */
export function encodePageToken(offset: number, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ o: offset, f: fingerprint })).toString('base64url');
}

function parseQ(q: string): QueryNode {
  try {
    return parseQuery(q);
  } catch (err) {
    if (err instanceof QueryError)
      throw invalidValue('q', 'Invalid Value', `Invalid query ${JSON.stringify(q)}: ${err.message}`);
    throw err;
  }
}

function usesFullText(node: QueryNode): boolean {
  if (node.kind === 'and' || node.kind === 'or') return usesFullText(node.left) || usesFullText(node.right);
  if (node.kind === 'not') return usesFullText(node.operand);
  return node.kind === 'compare' && node.field === 'fullText';
}

function parseOrderBy(text: string | null): OrderKey[] {
  if (text === null || text.trim() === '') return [];
  return text.split(',').map((item) => {
    const [key, dir, extra] = item.trim().split(/\s+/);
    const direction = (dir ?? 'asc').toLowerCase();
    if (!ORDER_KEYS.includes(key) || !['asc', 'desc'].includes(direction) || extra !== undefined) {
      throw invalidValue('orderBy', `Invalid orderBy: ${JSON.stringify(item.trim())}`);
    }
    return { key, desc: direction === 'desc' };
  });
}

function readDriveFlags(query: URLSearchParams): boolean {
  const include = flag(query, 'includeItemsFromAllDrives', 'includeTeamDriveItems');
  if (include && !supportsAllDrives(query)) {
    throw badRequest(
      'The includeItemsFromAllDrives parameter can only be set to true when supportsAllDrives is also true.',
      'includeItemsFromAllDrives',
    );
  }
  return include;
}

function readPageToken(token: string | null, fingerprint: string): number {
  if (token === null || token === '') return 0;
  try {
    const { o, f } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o: unknown; f: unknown };
    if (f === fingerprint && typeof o === 'number' && Number.isInteger(o) && o >= 0) return o;
  } catch {
    // Falls through to Drive's error.
  }
  throw invalidValue('pageToken');
}

function readSpaces(text: string | null): boolean {
  const spaces = (text ?? 'drive').split(',').map((s) => s.trim());
  for (const s of spaces) {
    if (!['drive', 'appDataFolder', 'photos'].includes(s))
      throw invalidValue('spaces', `Invalid value for spaces: ${s}`);
  }
  return spaces.includes('drive');
}

function hash(parts: unknown[]): string {
  return createHash('sha1').update(JSON.stringify(parts)).digest('hex').slice(0, 12);
}
