import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriveFake } from './drive-fake.ts';
import { MultipartError, parseMultipart } from './multipart.ts';
import { startDriveFake } from './server.ts';

/** A body the way Python's email generator writes it: LF line endings, a preamble, a `===…==` boundary. */
function pythonStyleBody(boundary: string, metadata: object, content: string, extraHeaders = ''): string {
  return [
    'This is a multi-part message in MIME format.',
    `--${boundary}`,
    'Content-Type: application/json; charset=UTF-8',
    'MIME-Version: 1.0',
    '',
    JSON.stringify(metadata),
    `--${boundary}`,
    `Content-Type: application/json${extraHeaders}`,
    'MIME-Version: 1.0',
    '',
    content,
    `--${boundary}--`,
    '',
  ].join('\n');
}

describe('parseMultipart', () => {
  it('splits CRLF bodies as googleapis sends them', () => {
    const body = Buffer.from(
      '--b1\r\ncontent-type: application/json\r\n\r\n{"name":"n"}\r\n' +
        '--b1\r\ncontent-type: text/plain\r\n\r\nline1\r\nline2\r\n--b1--',
    );
    const parts = parseMultipart(body, 'b1');
    expect(parts.map((p) => [p.headers['content-type'], p.body.toString()])).toEqual([
      ['application/json', '{"name":"n"}'],
      ['text/plain', 'line1\r\nline2'],
    ]);
  });

  it('splits LF-only bodies with a preamble and decodes base64 parts', () => {
    const body = Buffer.from(
      pythonStyleBody(
        '===123==',
        { name: 'x' },
        Buffer.from('{"v":1}').toString('base64'),
        '\nContent-Transfer-Encoding: base64',
      ),
    );
    const parts = parseMultipart(body, '===123==');
    expect(parts[1].body.toString()).toBe('{"v":1}');
  });

  it('keeps binary content byte for byte', () => {
    const bytes = Buffer.from([0x0d, 0x0a, 0x2d, 0x2d, 0x00, 0xff]);
    const body = Buffer.concat([
      Buffer.from(
        '--q\r\ncontent-type: application/json\r\n\r\n{}\r\n--q\r\ncontent-type: application/octet-stream\r\n\r\n',
      ),
      bytes,
      Buffer.from('\r\n--q--'),
    ]);
    expect(parseMultipart(body, 'q')[1].body).toEqual(bytes);
  });

  it.each([
    ['no delimiter', 'just text'],
    ['no closing delimiter', '--b\ncontent-type: a/b\n\nx\n'],
    ['no blank line after headers', '--b\ncontent-type: a/b\n--b--'],
  ])('rejects a body with %s', (_why, text) => {
    expect(() => parseMultipart(Buffer.from(text), 'b')).toThrow(MultipartError);
  });
});

describe('multipart uploads over raw HTTP (Python style)', () => {
  let fake: DriveFake;
  beforeAll(async () => {
    fake = await startDriveFake({ principals: [{ token: 'py', email: 'worker@example.com' }] });
  });
  afterAll(() => fake.close());

  async function upload(method: string, path: string, body: string, boundary: string) {
    const res = await fetch(`${fake.url}${path}`, {
      method,
      headers: { authorization: 'Bearer py', 'content-type': `multipart/related; boundary="${boundary}"` },
      body,
    });
    return { status: res.status, json: await res.json() };
  }

  it('creates a file from an LF-only body with a quoted boundary, then replaces its content with PATCH', async () => {
    const boundary = '===============8546735491186463571==';
    const created = await upload(
      'POST',
      '/upload/drive/v3/files?uploadType=multipart&alt=json&fields=id,name,mimeType,size',
      pythonStyleBody(boundary, { name: 'resp.json', appProperties: { job: '7' } }, '{"v":1,"text":"once"}'),
      boundary,
    );
    expect(created).toEqual({
      status: 200,
      json: { id: expect.any(String), name: 'resp.json', mimeType: 'application/json', size: '21' },
    });
    expect(fake.file(created.json.id)).toMatchObject({ content: '{"v":1,"text":"once"}', appProperties: { job: '7' } });

    const patched = await upload(
      'PATCH',
      `/upload/drive/v3/files/${created.json.id}?uploadType=multipart&fields=name,version`,
      pythonStyleBody(boundary, { name: 'resp-2.json' }, '{"v":1,"text":"twice"}'),
      boundary,
    );
    expect(patched).toEqual({ status: 200, json: { name: 'resp-2.json', version: '2' } });
    expect(fake.file(created.json.id)?.content).toBe('{"v":1,"text":"twice"}');
  });

  it('answers a broken multipart body with 400 badRequest and stores nothing', async () => {
    const res = await upload('POST', '/upload/drive/v3/files?uploadType=multipart', '--x\n\n{}\n', 'x');
    expect(res.status).toBe(400);
    expect(res.json.error.errors[0].reason).toBe('badRequest');
    expect(res.json.error.message).toMatch(/^Malformed multipart body/);
  });
});
