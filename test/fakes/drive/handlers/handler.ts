import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from '../model.ts';
import type { DriveState } from '../state.ts';

/** Everything a Drive endpoint handler gets about one authenticated request. */
export interface RequestContext {
  state: DriveState;
  principal: Principal;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Path parameters, e.g. the file id. */
  params: { id?: string };
  /** True for the `/upload/drive/v3/...` paths. */
  isUpload: boolean;
}

/** What a handler answers; the server writes it (or a fault replaces it). */
export interface Reply {
  status: number;
  json?: unknown;
  bytes?: Buffer;
  contentType?: string;
  headers?: Record<string, string>;
}

/** A Drive endpoint: synchronous, since all state is in memory. Throws DriveError. */
export type Handler = (ctx: RequestContext) => Reply;

/** A 200 JSON reply. */
export function ok(json: unknown): Reply {
  return { status: 200, json };
}
