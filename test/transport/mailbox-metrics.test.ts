/**
 * Mailbox calls as metrics: every Drive attempt by API method, its failures by kind (against the Drive fake's
 * injected faults), and the local folder's operations and their file system errors.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { driveFailureKind } from '../../src/transport/drive/call-metrics.ts';
import { LocalFolderTransport } from '../../src/transport/local.ts';
import { mailboxActivity, registry, resetMetrics } from '../../src/metrics.ts';
import { apiFor, startWorld, type DriveWorld } from './drive/world.ts';

async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const found = (await registry.getSingleMetric(name)!.get()).values.find((v) =>
    Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want),
  );
  return found?.value ?? 0;
}

beforeEach(() => resetMetrics());

describe('Drive', () => {
  let world: DriveWorld;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(() => world.close());

  it('tells failures apart by kind', () => {
    expect(driveFailureKind({ status: 429, message: '', network: false })).toBe('429');
    const limited = { status: 403, reason: 'userRateLimitExceeded', message: '', network: false };
    expect(driveFailureKind(limited)).toBe('403_rate_limit');
    expect(driveFailureKind({ status: 403, reason: 'insufficientFilePermissions', message: '', network: false })).toBe(
      '403',
    );
    expect(driveFailureKind({ status: 503, message: '', network: false })).toBe('5xx');
    expect(driveFailureKind({ status: 400, message: '', network: false })).toBe('4xx');
    expect(driveFailureKind({ message: 'socket hang up', network: true })).toBe('network');
  });

  it('counts each attempt by method, and each failed one by kind', async () => {
    const api = apiFor(world.fake, 'bot-token');
    world.fake.failNext({ method: 'files.list', kind: 'tooMany429', retryAfterSeconds: 0 });
    world.fake.failNext({ method: 'files.list', kind: 'error503' });
    await api.listFiles(`'${world.folderId}' in parents`, undefined, 'listing the mailbox');
    const list = { transport: 'drive', method: 'files.list' };
    expect(await metric('storyloom_mailbox_calls_total', list)).toBe(3);
    expect(await metric('storyloom_mailbox_errors_total', { ...list, kind: '429' })).toBe(1);
    expect(await metric('storyloom_mailbox_errors_total', { ...list, kind: '5xx' })).toBe(1);
    // The retry succeeded last: the mailbox answers.
    expect(mailboxActivity().okAt).toBeGreaterThan(mailboxActivity().failure!.at - 1);

    world.fake.failNext({ method: 'changes.getStartPageToken', kind: 'rateLimit403' });
    world.fake.failNext({ method: 'changes.getStartPageToken', kind: 'drop' });
    await api.startPageToken(undefined);
    const token = { transport: 'drive', method: 'changes.getStartPageToken' };
    expect(await metric('storyloom_mailbox_errors_total', { ...token, kind: '403_rate_limit' })).toBe(1);
    expect(await metric('storyloom_mailbox_errors_total', { ...token, kind: 'network' })).toBe(1);
    expect(await metric('storyloom_mailbox_calls_total', token)).toBe(3);
  });

  it('remembers a failure that outlasts the retries, with the method and status as its reason', async () => {
    const api = apiFor(world.fake, 'bot-token', { backoff: { attempts: 2, baseMs: 1, capMs: 1, maxRetryAfterMs: 1 } });
    world.fake.failNext({ method: 'about.get', kind: 'error500', count: 2 });
    await expect(api.accountEmail()).rejects.toThrow(/gave up after 2 attempts/);
    expect(mailboxActivity().okAt).toBeUndefined();
    expect(mailboxActivity().failure?.reason).toBe('Drive about.get failed: HTTP 500 (backendError)');
    expect(await metric('storyloom_mailbox_errors_total', { method: 'about.get', kind: '5xx' })).toBe(2);
  });

  it('counts a 404 on delete, which means already gone, as answered', async () => {
    const api = apiFor(world.fake, 'bot-token');
    await api.deleteFile('no-such-file-id', 'removing a file twice');
    expect(await metric('storyloom_mailbox_calls_total', { method: 'files.delete' })).toBe(1);
    expect(await metric('storyloom_mailbox_errors_total', { method: 'files.delete' })).toBe(0);
    expect(mailboxActivity().failure).toBeUndefined();
  });
});

describe('local folder', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'storyloom-metrics-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('counts put, get, list and delete, and a failure by its kind', async () => {
    const transport = new LocalFolderTransport(join(dir, 'mailbox'), { idleMs: 60_000, urgentMs: 60_000 });
    await transport.open();
    resetMetrics();
    await transport.put('requests', 'a.json', '{}');
    expect(await transport.get('requests', 'a.json')).toBe('{}');
    expect(await transport.list('requests')).toEqual(['a.json']);
    await transport.delete('requests', 'a.json');
    // A missing file is no failure: get answers null.
    expect(await transport.get('requests', 'a.json')).toBeNull();
    for (const method of ['put', 'delete', 'list']) {
      expect(await metric('storyloom_mailbox_calls_total', { transport: 'local', method })).toBe(1);
    }
    expect(await metric('storyloom_mailbox_calls_total', { transport: 'local', method: 'get' })).toBe(2);
    await transport.close();

    rmSync(join(dir, 'mailbox', 'responses'), { recursive: true });
    await expect(transport.put('responses', 'b.json', '{}')).rejects.toThrow(/ENOENT/);
    const failed = { transport: 'local', method: 'put', kind: 'not_found' };
    expect(await metric('storyloom_mailbox_errors_total', failed)).toBe(1);
    expect(mailboxActivity().failure?.reason).toBe("the local mailbox's put failed: ENOENT");
  });
});
