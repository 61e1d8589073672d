import { DriveError } from '../drive-error.ts';
import { isFolder } from '../model.ts';
import { DEFAULT_FILE_FIELDS, FILE_SCHEMA } from '../resource-schemas.ts';
import { selectFields } from '../select-fields.ts';
import { findVisible, resourceFor } from './common.ts';
import { ok, type Reply, type RequestContext } from './handler.ts';

/** files.get: `GET /drive/v3/files/:id`, metadata, or the content with `alt=media`. */
export function getFile(ctx: RequestContext): Reply {
  const { file } = findVisible(ctx, ctx.params.id ?? '');
  if (ctx.query.get('alt') !== 'media') {
    return ok(selectFields(resourceFor(ctx, file), ctx.query.get('fields'), FILE_SCHEMA, DEFAULT_FILE_FIELDS));
  }
  if (isFolder(file)) {
    throw new DriveError(
      403,
      'fileNotDownloadable',
      'Only files with binary content can be downloaded. Use Export with Docs Editors files.',
      {
        location: 'alt',
        locationType: 'parameter',
      },
    );
  }
  return { status: 200, bytes: file.content, contentType: file.mimeType };
}
