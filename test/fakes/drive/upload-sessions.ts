import { randomBytes } from 'node:crypto';
import { badRequest } from './errors-catalog.ts';
import type { Reply } from './handlers/handler.ts';
import type { Principal } from './model.ts';

/** Every chunk but the last must be a multiple of this many bytes (256 KiB), as on Drive. */
export const CHUNK_GRANULARITY = 256 * 1024;

/** One resumable upload, from its initiation until its last byte (and after, to answer retries). */
export interface UploadSession {
  id: string;
  kind: 'create' | 'update';
  principal: Principal;
  /** The initiation's query (`fields`, `supportsAllDrives`, `addParents`, ...), applied when the upload finishes. */
  query: URLSearchParams;
  /** The file an update replaces. */
  fileId?: string;
  metadata: Record<string, unknown>;
  contentType: string;
  /** `X-Upload-Content-Length`, when the initiation gave it. */
  declaredLength?: number;
  chunks: Buffer[];
  received: number;
  /** The answer of the finished upload; repeated to later requests on the session. */
  result?: Reply;
}

/** The open resumable upload sessions, by upload id. */
export class UploadSessions {
  private readonly sessions = new Map<string, UploadSession>();

  /** Opens a session; returns it with a fresh upload id. */
  open(fields: Omit<UploadSession, 'id' | 'chunks' | 'received'>): UploadSession {
    const session: UploadSession = { ...fields, id: randomBytes(18).toString('base64url'), chunks: [], received: 0 };
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: string): UploadSession | undefined {
    return this.sessions.get(id);
  }

  /** Forgets every session, as if they had all expired. */
  clear(): void {
    this.sessions.clear();
  }
}

/**
 * A chunk's `Content-Range`: `bytes START-END/TOTAL` (TOTAL `*` while unknown),
 * or `bytes *\/TOTAL` for a status query or an empty last request (no start).
 * A request without the header carries the whole upload.
 */
export interface ContentRange {
  start?: number;
  end?: number;
  total?: number;
}

/** Parses a chunk's Content-Range; throws Drive's 400 when it is malformed or disagrees with the body. */
export function parseContentRange(header: string | undefined, bodyLength: number): ContentRange {
  if (header === undefined)
    return bodyLength === 0 ? { total: 0 } : { start: 0, end: bodyLength - 1, total: bodyLength };
  const total = (text: string) => (text === '*' ? undefined : Number(text));
  const status = /^bytes \*\/(\d+|\*)$/.exec(header.trim());
  if (status) {
    if (bodyLength > 0)
      throw badRequest(`Content-Range "${header}" names no bytes, but the request carries ${bodyLength}.`);
    return { total: total(status[1]) };
  }
  const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header.trim());
  if (!m) throw badRequest(`Malformed Content-Range "${header}": expected "bytes START-END/TOTAL" or "bytes */TOTAL".`);
  const range = { start: Number(m[1]), end: Number(m[2]), total: total(m[3]) };
  if (range.end < range.start || range.end - range.start + 1 !== bodyLength) {
    throw badRequest(`Content-Range "${header}" does not match the ${bodyLength}-byte body.`);
  }
  if (range.total !== undefined && range.end >= range.total)
    throw badRequest(`Content-Range "${header}" ends past the total.`);
  return range;
}
