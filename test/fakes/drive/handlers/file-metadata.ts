import { parseRfc3339 } from '../clock.ts';
import { DriveError } from '../drive-error.ts';
import { invalidValue, propertyCountLimitExceeded, propertyLengthLimitExceeded } from '../errors-catalog.ts';
import type { FileRecord } from '../model.ts';

/** Metadata keys a request body may set, by method; `kind` is accepted and ignored. */
const WRITABLE = {
  create: new Set([
    'kind',
    'id',
    'name',
    'mimeType',
    'parents',
    'description',
    'starred',
    'trashed',
    'modifiedTime',
    'appProperties',
    'properties',
    'originalFilename',
  ]),
  update: new Set([
    'kind',
    'name',
    'mimeType',
    'description',
    'starred',
    'trashed',
    'modifiedTime',
    'appProperties',
    'properties',
    'originalFilename',
  ]),
};

/** Throws Drive's 403 `fieldNotWritable` when the body sets a key the method does not allow. */
export function checkWritable(body: Record<string, unknown>, mode: 'create' | 'update'): void {
  if (mode === 'update' && 'parents' in body) {
    throw new DriveError(
      403,
      'fieldNotWritable',
      'The parents field is not directly writable in update requests. ' +
        'Use the addParents and removeParents parameters instead.',
    );
  }
  for (const key of Object.keys(body)) {
    if (!WRITABLE[mode].has(key)) {
      throw new DriveError(
        403,
        'fieldNotWritable',
        'The resource body includes fields which are not directly writable.',
      );
    }
  }
}

/**
 * Copies the simple metadata in `body` onto `file`: name, mimeType, description,
 * starred, modifiedTime and the property maps (a null value deletes a key).
 * Trashing and parents are handled by the callers.
 */
export function applyMetadata(file: FileRecord, body: Record<string, unknown>): void {
  if (body.name !== undefined) file.name = stringField(body.name, 'name');
  if (body.mimeType !== undefined) file.mimeType = stringField(body.mimeType, 'mimeType');
  if (body.description !== undefined) file.description = stringField(body.description, 'description');
  if (body.starred !== undefined) file.starred = body.starred === true;
  if (body.modifiedTime !== undefined) {
    const ms = parseRfc3339(stringField(body.modifiedTime, 'modifiedTime'));
    if (ms === undefined)
      throw invalidValue('modifiedTime', `Invalid value for modifiedTime: ${String(body.modifiedTime)}`);
    file.modifiedTime = ms;
  }
  if (body.appProperties !== undefined) mergeProperties(file.appProperties, body.appProperties, 'appProperties');
  if (body.properties !== undefined) mergeProperties(file.properties, body.properties, 'properties');
}

function stringField(value: unknown, name: string): string {
  if (typeof value !== 'string') throw invalidValue(name, `Invalid value for ${name}: ${JSON.stringify(value)}`);
  return value;
}

/** Public properties per file, and app properties per app (the fake counts every caller as one app): Drive's limits. */
export const MAX_PROPERTIES = 30;
/** UTF-8 bytes of one property, key and value together: Drive's limit. */
export const MAX_PROPERTY_BYTES = 124;

/** Merges `patch` into `target` (a draft: a failure leaves the file as it was), within Drive's limits. */
function mergeProperties(target: Record<string, string>, patch: unknown, name: string): void {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    throw invalidValue(name, `Invalid value for ${name}: expected an object`);
  }
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete target[key];
      continue;
    }
    const text = stringField(value, `${name}.${key}`);
    if (Buffer.byteLength(key + text, 'utf8') > MAX_PROPERTY_BYTES) throw propertyLengthLimitExceeded();
    target[key] = text;
  }
  if (Object.keys(target).length > MAX_PROPERTIES) throw propertyCountLimitExceeded(name, MAX_PROPERTIES);
}
