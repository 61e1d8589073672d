import { invalidValue } from '../errors-catalog.ts';
import { GENERATED_IDS_SCHEMA } from '../resource-schemas.ts';
import { selectFields } from '../select-fields.ts';
import { ok, type Reply, type RequestContext } from './handler.ts';

/** files.generateIds: `GET /drive/v3/files/generateIds?count=&space=&type=`. */
export function generateIds(ctx: RequestContext): Reply {
  const countText = ctx.query.get('count') ?? '10';
  const count = Number(countText);
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw invalidValue('count', `Invalid value '${countText}'. Values must be within the range: [1, 1000]`);
  }
  const space = ctx.query.get('space') ?? 'drive';
  if (space !== 'drive' && space !== 'appDataFolder') throw invalidValue('space', `Invalid value for space: ${space}`);
  const type = ctx.query.get('type') ?? 'files';
  if (type !== 'files' && type !== 'shortcuts') throw invalidValue('type', `Invalid value for type: ${type}`);
  const body = { kind: 'drive#generatedIds', space, ids: ctx.state.store.issueIds(count) };
  return ok(selectFields(body, ctx.query.get('fields'), GENERATED_IDS_SCHEMA, 'kind,space,ids'));
}
