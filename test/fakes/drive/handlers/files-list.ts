import { driveNotFound } from '../errors-catalog.ts';
import { fileResource } from '../file-resource.ts';
import { isFolder, type FileRecord } from '../model.ts';
import { matchesQuery, type QueryContext } from '../query-eval.ts';
import { DEFAULT_FILE_LIST_FIELDS, FILE_LIST_SCHEMA } from '../resource-schemas.ts';
import { selectFields } from '../select-fields.ts';
import { ok, type Reply, type RequestContext } from './handler.ts';
import { encodePageToken, readListOptions, type ListOptions, type OrderKey } from './list-options.ts';

/**
 * files.list: `GET /drive/v3/files`. Searches the list index (which may lag
 * behind writes), filters by visibility, corpus and `q`, sorts by `orderBy`
 * (default: creation order) and pages.
 */
export function listFiles(ctx: RequestContext): Reply {
  const opts = readListOptions(ctx.query);
  const { state, principal } = ctx;
  if (opts.driveId !== undefined && !state.drives.get(opts.driveId)?.members.has(principal.email)) {
    throw driveNotFound(opts.driveId);
  }
  const now = Date.now();
  const qctx: QueryContext = {
    callerEmail: principal.email,
    callerRootId: principal.rootId,
    rolesOf: (f) => state.access.rolesOf(f),
  };
  const matched = state.store.all().flatMap((live) => {
    if (live.isRoot || !inCorpus(live, opts) || !state.access.accessOf(principal, live)) return [];
    const view = state.listIndex.view(live, now);
    return view && (!opts.query || matchesQuery(opts.query, view, qctx)) ? [view] : [];
  });
  matched.sort(comparator(opts.orderBy));
  const page = matched.slice(opts.offset, opts.offset + opts.pageSize);
  const body: Record<string, unknown> = {
    kind: 'drive#fileList',
    incompleteSearch: false,
    files: page.map((f) => fileResource(f, principal, state.access.accessOf(principal, f))),
  };
  const next = opts.offset + page.length;
  if (next < matched.length) body.nextPageToken = encodePageToken(next, opts.fingerprint);
  return ok(selectFields(body, ctx.query.get('fields'), FILE_LIST_SCHEMA, DEFAULT_FILE_LIST_FIELDS));
}

function inCorpus(file: FileRecord, opts: ListOptions): boolean {
  if (!opts.searchDrive) return false;
  if (file.driveId === undefined) return opts.corpora !== 'drive';
  return opts.corpora === 'drive' ? file.driveId === opts.driveId : opts.includeSharedDrives;
}

type SortValue = number | string | boolean;

const SORT_VALUES: Record<string, (f: FileRecord) => SortValue> = {
  createdTime: (f) => f.createdTime,
  sharedWithMeTime: (f) => f.createdTime,
  modifiedTime: (f) => f.modifiedTime,
  modifiedByMeTime: (f) => f.modifiedTime,
  viewedByMeTime: (f) => f.modifiedTime,
  recency: (f) => f.modifiedTime,
  name: (f) => f.name.toLowerCase(),
  name_natural: (f) => f.name.toLowerCase(),
  // Ascending `folder` puts folders first.
  folder: (f) => (isFolder(f) ? 0 : 1),
  quotaBytesUsed: (f) => f.content.length,
  starred: (f) => f.starred,
};

/** Compares by each key in turn, then by creation time and id so the order is total. */
function comparator(keys: OrderKey[]): (a: FileRecord, b: FileRecord) => number {
  const all = [...keys, { key: 'createdTime', desc: false }];
  return (a, b) => {
    for (const { key, desc } of all) {
      const c = compareValues(key, SORT_VALUES[key](a), SORT_VALUES[key](b));
      if (c !== 0) return desc ? -c : c;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
}

function compareValues(key: string, x: SortValue, y: SortValue): number {
  if (key === 'name_natural') return String(x).localeCompare(String(y), 'en', { numeric: true });
  return x < y ? -1 : x > y ? 1 : 0;
}
