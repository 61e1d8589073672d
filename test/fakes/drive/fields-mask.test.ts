import { describe, expect, it } from 'vitest';
import { applyFieldMask, FieldMaskError, findInvalidField, parseFieldMask } from './fields-mask.ts';
import { FILE_LIST_SCHEMA, FILE_SCHEMA } from './resource-schemas.ts';

const list = {
  kind: 'drive#fileList',
  nextPageToken: 't',
  files: [{ id: '1', name: 'a', parents: ['p'], owners: [{ emailAddress: 'x@y', me: true }] }],
};

describe('fields masks', () => {
  it('keeps only the selected fields, through arrays and nesting', () => {
    expect(applyFieldMask(list, parseFieldMask('files(id,name),nextPageToken'))).toEqual({
      nextPageToken: 't',
      files: [{ id: '1', name: 'a' }],
    });
    expect(applyFieldMask(list, parseFieldMask('files/owners/emailAddress'))).toEqual({
      files: [{ owners: [{ emailAddress: 'x@y' }] }],
    });
    expect(applyFieldMask(list, parseFieldMask('*'))).toEqual(list);
    expect(applyFieldMask(list, parseFieldMask('files(*)'))).toEqual({ files: list.files });
  });

  it('merges repeated paths', () => {
    const mask = parseFieldMask('files(id),files(name)');
    expect(applyFieldMask(list, mask)).toEqual({ files: [{ id: '1', name: 'a' }] });
  });

  it('names the first unknown field', () => {
    expect(findInvalidField(parseFieldMask('files(id,nmae)'), FILE_LIST_SCHEMA)).toBe('nmae');
    expect(findInvalidField(parseFieldMask('id,appProperties(anything)'), FILE_SCHEMA)).toBeUndefined();
    expect(findInvalidField(parseFieldMask('name(id)'), FILE_SCHEMA)).toBe('name');
  });

  it.each(['files(id', 'id,,name', 'a)', 'files()'])('rejects malformed mask %j', (text) => {
    expect(() => parseFieldMask(text)).toThrow(FieldMaskError);
  });
});
