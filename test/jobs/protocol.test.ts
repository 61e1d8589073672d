import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFile, ProtocolError, type FileType } from '../../src/jobs/parse.ts';
import { ROOT } from '../helpers/python.ts';

interface Vector {
  file: string;
  type: FileType;
  valid: boolean;
  code?: string;
}
const DIR = join(ROOT, 'contract/protocol');
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as { files: Vector[] };

describe('protocol vectors (shared with the Python worker)', () => {
  it.each(manifest.files.filter((v) => v.valid).map((v) => [v.file, v] as const))('accepts %s', (_file, v) => {
    const parsed = parseFile(v.type, readFileSync(join(DIR, v.file), 'utf8'));
    expect(parsed.v).toBe(1);
    expect(parsed.type).toBe(v.type);
    expect('from_the_future' in parsed).toBe(false);
  });

  it.each(manifest.files.filter((v) => !v.valid).map((v) => [v.file, v] as const))('refuses %s', (_file, v) => {
    const text = readFileSync(join(DIR, v.file), 'utf8');
    const error = (() => {
      try {
        parseFile(v.type, text);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).code).toBe(v.code);
    expect((error as ProtocolError).message.length).toBeGreaterThan(10);
  });

  it('names the version it cannot read', () => {
    expect(() => parseFile('request', '{"v": 7, "type": "request"}')).toThrow(
      /version 7 is not supported; this storyloom speaks version 1/,
    );
  });

  it('names the first bad field', () => {
    const text = readFileSync(join(DIR, 'invalid/request-temperature-too-high.json'), 'utf8');
    expect(() => parseFile('request', text)).toThrow(/sampling.temperature/);
  });

  it('every file in the folders is in the manifest', () => {
    const listed = new Set(manifest.files.map((v) => v.file));
    for (const folder of ['valid', 'invalid']) {
      for (const name of readdirSync(join(DIR, folder))) {
        expect(listed.has(`${folder}/${name}`)).toBe(true);
      }
    }
  });
});
