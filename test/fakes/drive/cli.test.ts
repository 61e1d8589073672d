import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePrincipalArg } from './cli-args.ts';
import { driveFor } from './test-helpers.ts';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
let child: ChildProcessWithoutNullStreams | undefined;

afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
});

/** Starts the CLI and resolves with its one JSON line. */
async function startCli(...args: string[]): Promise<{ url: string; port: number }> {
  child = spawn(TSX, [CLI, ...args], { stdio: 'pipe' });
  const lines = createInterface({ input: child.stdout });
  const [line] = (await once(lines, 'line')) as [string];
  return JSON.parse(line) as { url: string; port: number };
}

async function control(url: string, path: string, body?: object): Promise<unknown> {
  const res = await fetch(`${url}/__fake/${path}`, body ? { method: 'POST', body: JSON.stringify(body) } : {});
  return res.json();
}

describe('cli.ts', () => {
  it('prints one JSON line, serves Drive and the HTTP control API, and exits 0 on SIGTERM', async () => {
    const { url, port } = await startCli('--port', '0', '--principal', 'py-token:worker@example.com:user:drive:worker');
    expect(url).toBe(`http://127.0.0.1:${port}`);
    const drive = driveFor('py-token');
    const folder = await drive.files.create(
      { requestBody: { name: 'mailbox', mimeType: 'application/vnd.google-apps.folder' } },
      { rootUrl: `${url}/` },
    );

    expect(
      await control(url, 'principals', { token: 'bot-token', email: 'bot@example.com', label: 'bot' }),
    ).toMatchObject({ label: 'bot', rootId: expect.any(String) });
    await control(url, 'share', { fileId: folder.data.id, email: 'bot@example.com' });
    const seen = await driveFor('bot-token').files.get({ fileId: folder.data.id! }, { rootUrl: `${url}/` });
    expect(seen.data.name).toBe('mailbox');
    expect(await control(url, 'drives', { name: 'Shared', members: ['bot@example.com'] })).toMatchObject({
      name: 'Shared',
    });

    await control(url, 'fail-next', { method: 'files.list', kind: 'error500' });
    const failed = await fetch(`${url}/drive/v3/files`, { headers: { authorization: 'Bearer py-token' } });
    expect(failed.status).toBe(500);
    expect(await control(url, 'counts')).toMatchObject({
      calls: { 'files.create': 1, 'files.get': 1 },
      injected: { 'files.list': 1 },
    });
    expect(await control(url, 'files')).toEqual([
      expect.objectContaining({ name: 'mailbox', sharedWith: { 'bot@example.com': 'writer' } }),
    ]);
    expect(await control(url, 'fail-next', { method: 'files.nope', kind: 'error500' })).toEqual({
      error: 'unknown method "files.nope"',
    });
    expect(await control(url, 'principals', { token: 'x', email: 'x@example.com', scope: 'drive.everything' })).toEqual(
      { error: 'unknown scope "drive.everything"' },
    );

    child!.kill('SIGTERM');
    const [code] = await once(child!, 'exit');
    expect(code).toBe(0);
  });

  it('exits when its stdin pipe closes', async () => {
    await startCli();
    child!.stdin.end();
    const [code] = await once(child!, 'exit');
    expect(code).toBe(0);
  });

  it('parses --principal values and rejects bad ones', () => {
    expect(parsePrincipalArg('t:sa@p.iam.gserviceaccount.com:service_account:drive.file:worker:rt')).toEqual({
      token: 't',
      email: 'sa@p.iam.gserviceaccount.com',
      kind: 'service_account',
      scope: 'drive.file',
      label: 'worker',
      refreshToken: 'rt',
    });
    expect(parsePrincipalArg('t:me@example.com')).toEqual({
      token: 't',
      email: 'me@example.com',
      kind: 'user',
      scope: 'drive',
    });
    expect(() => parsePrincipalArg('only-token')).toThrow(/token:email/);
    expect(() => parsePrincipalArg('t:e@x:robot')).toThrow(/bad principal kind/);
  });
});
