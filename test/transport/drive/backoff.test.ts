/** The retry policy: capped, jittered, honouring Retry-After; and each fault kind of the fake, retried by DriveApi. */
import { OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriveApi } from '../../../src/transport/drive/api.ts';
import { backoffDelay, withBackoff, type BackoffPolicy } from '../../../src/transport/drive/backoff.ts';
import { MailboxError, isTransient, parseRetryAfter } from '../../../src/transport/drive/errors.ts';
import { FAULT_KINDS } from '../../fakes/drive/index.ts';
import { startWorld, type DriveWorld } from './world.ts';

const policy: BackoffPolicy = { attempts: 5, baseMs: 100, capMs: 1000, maxRetryAfterMs: 5000 };

describe('backoffDelay', () => {
  it('doubles from the base, is capped, and jitters between half and all of it', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, policy, undefined, () => 1))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, policy, undefined, () => 0))).toEqual([
      50, 100, 200, 400, 500, 500,
    ]);
    const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(3, policy)));
    expect(spread.size).toBeGreaterThan(10);
    expect(Math.min(...spread)).toBeGreaterThanOrEqual(200);
    expect(Math.max(...spread)).toBeLessThanOrEqual(400);
  });

  it('waits at least as long as Retry-After says, up to its cap', () => {
    expect(backoffDelay(1, policy, 3000, () => 0)).toBe(3000);
    expect(backoffDelay(1, policy, 60_000, () => 0)).toBe(5000);
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(new Date(Date.now() + 10_000).toUTCString())).toBeGreaterThan(8000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('withBackoff', () => {
  const fail = ({ attempts }: { attempts: number }) => new Error(`failed after ${attempts}`);

  it('retries transient failures a capped number of times, then gives up', async () => {
    let calls = 0;
    const waits: number[] = [];
    const call = withBackoff(
      async () => {
        calls++;
        throw Object.assign(new Error('Backend Error'), { status: 503 });
      },
      policy,
      { fail, sleep: async (ms) => waits.push(ms) },
    );
    await expect(call).rejects.toThrow('failed after 5');
    expect(calls).toBe(5);
    expect(waits).toHaveLength(4);
  });

  it('does not retry what retrying cannot fix', async () => {
    let calls = 0;
    await expect(
      withBackoff(
        async () => {
          calls++;
          throw Object.assign(new Error('nope'), {
            status: 403,
            response: { status: 403, data: { error: { errors: [{ reason: 'insufficientFilePermissions' }] } } },
          });
        },
        policy,
        { fail, sleep: async () => undefined },
      ),
    ).rejects.toThrow('failed after 1');
    expect(calls).toBe(1);
    expect(isTransient({ status: 404, message: '', network: false })).toBe(false);
    expect(isTransient({ status: 403, reason: 'userRateLimitExceeded', message: '', network: false })).toBe(true);
    expect(isTransient({ message: 'socket hang up', network: true })).toBe(true);
  });
});

describe('DriveApi against the fake', () => {
  let world: DriveWorld;
  let fileId: string;
  const waits: number[] = [];
  let api: DriveApi;
  beforeAll(async () => {
    world = await startWorld();
    const auth = new OAuth2Client();
    auth.setCredentials({ access_token: 'bot-token' });
    api = new DriveApi({
      auth,
      kind: 'oauth_user',
      apiUrl: world.fake.url,
      timeoutMs: 300,
      backoff: { ...policy, attempts: 4 },
      sleep: async (ms) => waits.push(ms),
    });
    const [id] = await api.generateIds(1);
    fileId = (await api.createFile(id, world.folderId, 'a.json', '{"a":1}', 'creating a.json')).id;
  });
  afterAll(() => world.close());

  it.each(FAULT_KINDS)('retries a read that fails with %s', async (kind) => {
    world.fake.resetCounts();
    waits.length = 0;
    world.fake.failNext({ method: 'files.get.media', kind, retryAfterSeconds: 2, timeoutMs: 2000 });
    expect(await api.download(fileId, 'reading a.json')).toBe('{"a":1}');
    expect(world.fake.counts().injected).toEqual({ 'files.get.media': 1 });
    expect(waits).toHaveLength(1);
    if (kind === 'tooMany429') expect(waits[0]).toBeGreaterThanOrEqual(2000);
  });

  it('gives up after the capped number of attempts, with a clear error', async () => {
    world.fake.resetCounts();
    world.fake.failNext({ method: 'files.get.media', kind: 'error503', count: 10 });
    const error = await api.download(fileId, 'reading a.json').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailboxError);
    expect((error as MailboxError).code).toBe('gave_up');
    expect((error as Error).message).toMatch(
      /kept failing while reading a\.json; gave up after 4 attempts \(last: 503 backendError/,
    );
    expect(world.fake.counts().injected['files.get.media']).toBe(4);
    world.fake.clearFaults();
  });

  it('retries a create that took effect but failed, without making a second file (409 means it landed)', async () => {
    world.fake.failNext({ method: 'files.create', kind: 'drop', afterEffect: true });
    const [id] = await api.generateIds(1);
    await api.createFile(id, world.folderId, 'once.json', '{"once":true}', 'creating once.json');
    expect(
      world.fake
        .files()
        .filter((f) => f.name === 'once.json')
        .map((f) => f.id),
    ).toEqual([id]);
  });

  it('treats a delete that already happened as done', async () => {
    const [id] = await api.generateIds(1);
    await api.createFile(id, world.folderId, 'gone.json', '{}', 'creating gone.json');
    world.fake.failNext({ method: 'files.delete', kind: 'error500', afterEffect: true });
    await api.deleteFile(id, 'deleting gone.json');
    expect(world.fake.file(id)).toBeUndefined();
  });
});
