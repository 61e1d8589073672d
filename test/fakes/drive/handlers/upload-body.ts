import { parseContentType } from '../content-type.ts';
import { badRequest, uploadTooLarge } from '../errors-catalog.ts';
import { MultipartError, type MultipartPart, parseMultipart } from '../multipart.ts';
import { jsonObjectBody } from './common.ts';
import type { RequestContext } from './handler.ts';

/**
 * The most media bytes an `uploadType=media` or `multipart` request may carry (5 MB); larger files need a resumable
 * upload.
 */
export const SIMPLE_UPLOAD_LIMIT = 5 * 1024 * 1024;

/** The metadata and (for uploads) the content a create or update request carries. */
export interface UploadBody {
  metadata: Record<string, unknown>;
  media?: { content: Buffer; contentType: string };
}

/**
 * Reads a create/update body: plain JSON on `/drive/v3/files`, and on
 * `/upload/drive/v3/files` either `uploadType=media` (raw content) or
 * `uploadType=multipart` (a JSON part, then the content part).
 */
export function readUploadBody(ctx: RequestContext): UploadBody {
  if (!ctx.isUpload) return { metadata: jsonObjectBody(ctx.body) };
  const uploadType = ctx.query.get('uploadType');
  const contentType = ctx.headers['content-type'];
  let body: UploadBody;
  if (uploadType === 'media') {
    body = { metadata: {}, media: { content: ctx.body, contentType: contentType ?? 'application/octet-stream' } };
  } else if (uploadType === 'multipart') {
    body = readMultipart(ctx.body, contentType);
  } else {
    throw badRequest(`Invalid uploadType: ${uploadType ?? '(none)'}. Use media, multipart or resumable.`, 'uploadType');
  }
  // Google documents media and multipart uploads for 5 MB or less; the fake holds callers to it.
  if ((body.media?.content.length ?? 0) > SIMPLE_UPLOAD_LIMIT)
    throw uploadTooLarge(uploadType, body.media?.content.length ?? 0);
  return body;
}

function readMultipart(body: Buffer, header: string | undefined): UploadBody {
  const { mediaType, params } = parseContentType(header);
  if (mediaType !== 'multipart/related' || !params.boundary) {
    throw badRequest(`A multipart upload needs Content-Type multipart/related with a boundary, not "${header ?? ''}".`);
  }
  let parts: MultipartPart[];
  try {
    parts = parseMultipart(body, params.boundary);
  } catch (err) {
    if (err instanceof MultipartError) throw badRequest(`Malformed multipart body: ${err.message}`);
    throw err;
  }
  if (parts.length !== 2)
    throw badRequest(`A multipart upload has 2 parts (metadata, media); this one has ${parts.length}.`);
  const [meta, media] = parts;
  if (parseContentType(meta.headers['content-type']).mediaType !== 'application/json') {
    throw badRequest('The first multipart part must be application/json metadata.');
  }
  return {
    metadata: jsonObjectBody(meta.body),
    media: { content: media.body, contentType: media.headers['content-type'] ?? 'application/octet-stream' },
  };
}
