import { badRequest, invalidFieldSelection } from './errors-catalog.ts';
import {
  applyFieldMask,
  type FieldMask,
  FieldMaskError,
  findInvalidField,
  parseFieldMask,
  type FieldSchema,
} from './fields-mask.ts';

/**
 * Applies the request's `fields` parameter (or Drive's default mask when it is
 * absent) to a full resource. Throws Drive's 400 errors for a malformed mask
 * or an unknown field.
 */
export function selectFields(
  resource: unknown,
  fields: string | null,
  schema: FieldSchema,
  defaultFields: string,
): unknown {
  const text = fields === null || fields.trim() === '' ? defaultFields : fields;
  let mask: FieldMask;
  try {
    mask = parseFieldMask(text);
  } catch (err) {
    if (err instanceof FieldMaskError) throw badRequest(`Invalid field selection: ${err.message}`, 'fields');
    throw err;
  }
  const bad = findInvalidField(mask, schema);
  if (bad !== undefined) throw invalidFieldSelection(bad);
  return applyFieldMask(resource, mask);
}
