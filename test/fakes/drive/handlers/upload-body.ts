import { parseContentType } from '../content-type.ts';
import { badRequest } from '../errors-catalog.ts';
import { MultipartError, parseMultipart } from '../multipart.ts';
import { jsonObjectBody } from './common.ts';
import type { RequestContext } from './handler.ts';

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
  if (uploadType === 'media') {
    return { metadata: {}, media: { content: ctx.body, contentType: contentType ?? 'application/octet-stream' } };
  }
  if (uploadType === 'multipart') return readMultipart(ctx.body, contentType);
  if (uploadType === 'resumable') throw badRequest('uploadType=resumable is not supported by the Drive fake.', 'uploadType');
  throw badRequest(`Invalid uploadType: ${uploadType ?? '(none)'}. Use media or multipart.`, 'uploadType');
}

function readMultipart(body: Buffer, header: string | undefined): UploadBody {
  const { mediaType, params } = parseContentType(header);
  if (mediaType !== 'multipart/related' || !params.boundary) {
    throw badRequest(`A multipart upload needs Content-Type multipart/related with a boundary, not "${header ?? ''}".`);
  }
  let parts;
  try {
    parts = parseMultipart(body, params.boundary);
  } catch (err) {
    if (err instanceof MultipartError) throw badRequest(`Malformed multipart body: ${err.message}`);
    throw err;
  }
  if (parts.length !== 2) throw badRequest(`A multipart upload has 2 parts (metadata, media); this one has ${parts.length}.`);
  const [meta, media] = parts;
  if (parseContentType(meta.headers['content-type']).mediaType !== 'application/json') {
    throw badRequest('The first multipart part must be application/json metadata.');
  }
  return {
    metadata: jsonObjectBody(meta.body),
    media: { content: media.body, contentType: media.headers['content-type'] ?? 'application/octet-stream' },
  };
}
