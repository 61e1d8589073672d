import type { IncomingHttpHeaders } from 'node:http';
import { badRequest, invalidValue, uploadSessionNotFound } from '../errors-catalog.ts';
import { errorReply } from '../http-io.ts';
import type { DriveState } from '../state.ts';
import { CHUNK_GRANULARITY, parseContentRange, type UploadSession } from '../upload-sessions.ts';
import { jsonObjectBody } from './common.ts';
import { checkWritable } from './file-metadata.ts';
import { checkCreate, createFileFrom } from './files-create.ts';
import { applyUpdate, findUpdatable } from './files-update.ts';
import type { Reply, RequestContext } from './handler.ts';

/**
 * Resumable uploads, as Drive v3 does them. `POST /upload/drive/v3/files?uploadType=resumable`
 * (create) or `PATCH /upload/drive/v3/files/:id?uploadType=resumable` (update) checks the
 * request as the simple upload would (a used id: 409) and answers 200 with the session URI
 * in `Location`. Then `PUT <session URI>` sends the bytes; see `uploadChunk`.
 */
export function startResumableCreate(ctx: RequestContext): Reply {
  const metadata = jsonObjectBody(ctx.body);
  checkCreate(ctx, metadata);
  return openSession(ctx, 'create', metadata);
}

/** `PATCH /upload/drive/v3/files/:id?uploadType=resumable`: starts replacing a file's content. */
export function startResumableUpdate(ctx: RequestContext): Reply {
  const file = findUpdatable(ctx);
  const metadata = jsonObjectBody(ctx.body);
  checkWritable(metadata, 'update');
  return openSession(ctx, 'update', metadata, file.id);
}

function openSession(
  ctx: RequestContext,
  kind: 'create' | 'update',
  metadata: Record<string, unknown>,
  fileId?: string,
): Reply {
  const declared = ctx.headers['x-upload-content-length'];
  const declaredLength = declared === undefined ? undefined : Number(declared);
  if (declaredLength !== undefined && !(Number.isInteger(declaredLength) && declaredLength >= 0)) {
    throw invalidValue('X-Upload-Content-Length', `Invalid X-Upload-Content-Length: ${String(declared)}`);
  }
  const given = ctx.headers['x-upload-content-type'];
  const mimeType = typeof metadata.mimeType === 'string' ? metadata.mimeType : undefined;
  const session = ctx.state.uploads.open({
    kind,
    principal: ctx.principal,
    query: new URLSearchParams(ctx.query),
    fileId,
    metadata,
    declaredLength,
    contentType: (typeof given === 'string' ? given : undefined) ?? mimeType ?? 'application/octet-stream',
  });
  const path = fileId === undefined ? '/upload/drive/v3/files' : `/upload/drive/v3/files/${encodeURIComponent(fileId)}`;
  const location = `http://${ctx.headers.host ?? '127.0.0.1'}${path}?uploadType=resumable&upload_id=${session.id}`;
  return { status: 200, headers: { location } };
}

/**
 * `PUT <session URI>`: a chunk (`Content-Range: bytes START-END/TOTAL`), the whole
 * upload (no Content-Range), or a status query (`bytes *\/TOTAL`, empty body).
 * Needs no token: the session URI is the credential, as on Drive.
 *
 * - More to come: 308 with `Range: bytes=0-N` (no Range while nothing is stored).
 *   Every chunk but the last must be a multiple of 256 KiB (else 400).
 * - A chunk that does not start where the stored bytes end stores nothing and
 *   answers 308 with the stored Range: the client resumes from there.
 * - The last byte: the file is created or updated, and the answer is 200 with the
 *   file (honouring the initiation's `fields`); later requests get the same answer.
 * - An unknown or expired upload id: 404.
 */
export function uploadChunk(
  state: DriveState,
  query: URLSearchParams,
  headers: IncomingHttpHeaders,
  body: Buffer,
): Reply {
  const uploadId = query.get('upload_id') ?? '';
  const session = state.uploads.get(uploadId);
  if (!session) throw uploadSessionNotFound(uploadId);
  if (session.result) return session.result;
  const range = parseContentRange(headers['content-range'], body.length);
  if (range.total !== undefined && session.declaredLength !== undefined && range.total !== session.declaredLength) {
    throw badRequest(
      `Content-Range total ${range.total} differs from X-Upload-Content-Length ${session.declaredLength}.`,
    );
  }
  if (range.start === undefined) return range.total === session.received ? finish(state, session) : incomplete(session);
  if (range.start !== session.received) return incomplete(session);
  const last = range.total !== undefined && range.end! + 1 === range.total;
  if (!last && body.length % CHUNK_GRANULARITY !== 0) {
    throw badRequest(
      `A chunk before the last must be a multiple of ${CHUNK_GRANULARITY} bytes (256 KiB); ` +
        `this one has ${body.length}.`,
    );
  }
  session.chunks.push(body);
  session.received += body.length;
  return last ? finish(state, session) : incomplete(session);
}

/** 308 Resume Incomplete, with the bytes stored so far. */
function incomplete(session: UploadSession): Reply {
  return { status: 308, headers: session.received > 0 ? { range: `bytes=0-${session.received - 1}` } : {} };
}

/** Creates or updates the file with everything received; the answer (success or error) is kept for retries. */
function finish(state: DriveState, session: UploadSession): Reply {
  const ctx: RequestContext = {
    state,
    principal: session.principal,
    query: session.query,
    headers: {},
    body: Buffer.alloc(0),
    params: session.fileId === undefined ? {} : { id: session.fileId },
    isUpload: true,
  };
  const upload = {
    metadata: session.metadata,
    media: { content: Buffer.concat(session.chunks), contentType: session.contentType },
  };
  try {
    session.result =
      session.kind === 'create' ? createFileFrom(ctx, upload) : applyUpdate(ctx, findUpdatable(ctx), upload);
  } catch (err) {
    session.result = errorReply(err);
  }
  session.chunks = [];
  return session.result;
}
