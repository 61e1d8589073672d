import { boolArg, stringArg } from '../requestParsing.ts';
import { SlackApiError } from './apiTypes.ts';
import { limitArg } from './arguments.ts';

/** One page of a list, plus Slack's paging fields to spread into the answer. */
export interface Page<T> {
  items: T[];
  has_more: boolean;
  response_metadata: { next_cursor: string };
}

/**
 * Cuts a list into pages the way Slack's cursor paging does: `limit` items
 * from the offset an opaque `cursor` encodes; `next_cursor` is empty on the last page.
 */
export function pageOf<T>(all: T[], args: Record<string, unknown>, defaultLimit: number, maxLimit: number): Page<T> {
  const limit = limitArg(args.limit, defaultLimit, maxLimit);
  const offset = decodeCursor(stringArg(args.cursor));
  const items = all.slice(offset, offset + limit);
  const nextOffset = offset + items.length;
  const has_more = nextOffset < all.length;
  return { items, has_more, response_metadata: { next_cursor: has_more ? encodeCursor(nextOffset) : '' } };
}

function encodeCursor(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64');
}

function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const match = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  if (!match?.[1]) throw new SlackApiError('invalid_cursor');
  return Number(match[1]);
}

/**
 * Slack's `oldest` / `latest` / `inclusive` window on message timestamps: messages
 * after `oldest` and before `latest` (either end included with `inclusive`).
 */
export function inTimeWindow(args: Record<string, unknown>): (message: { ts: string }) => boolean {
  const oldest = Number(stringArg(args.oldest) ?? '0');
  const latest = stringArg(args.latest) === undefined ? Infinity : Number(stringArg(args.latest));
  const inclusive = boolArg(args.inclusive) === true;
  return ({ ts }) => {
    const at = Number(ts);
    return (inclusive ? at >= oldest : at > oldest) && (inclusive ? at <= latest : at < latest);
  };
}
