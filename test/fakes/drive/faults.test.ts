import { GaxiosError } from 'gaxios';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DriveFake } from './drive-fake.ts';
import type { FaultKind } from './faults.ts';
import { startDriveFake } from './server.ts';
import { at, type DriveErrorBody, driveError, driveFor } from './test-helpers.ts';

let fake: DriveFake;
const drive = driveFor('bot');
const noRetry = () => at(fake, { retry: false });

beforeAll(async () => {
  fake = await startDriveFake({ principals: [{ token: 'bot', email: 'bot@example.com', label: 'bot' }] });
});
beforeEach(() => {
  fake.clearFaults();
  fake.setLatency(0);
  fake.resetCounts();
});
afterAll(() => fake.close());

describe('injected errors', () => {
  it.each([
    ['rateLimit403', 403, 'rateLimitExceeded', 'usageLimits'],
    ['userRateLimit403', 403, 'userRateLimitExceeded', 'usageLimits'],
    ['tooMany429', 429, 'rateLimitExceeded', 'usageLimits'],
    ['error500', 500, 'backendError', 'global'],
    ['error503', 503, 'backendError', 'global'],
  ] as const)(
    '%s reaches googleapis as a GaxiosError %d %s, before the create has any effect',
    async (kind, status, reason, domain) => {
      fake.failNext({ method: 'files.create', kind, retryAfterSeconds: 7 });
      let caught: unknown;
      await drive.files.create({ requestBody: { name: 'never' } }, at(fake)).catch((e: unknown) => (caught = e));
      expect(caught).toBeInstanceOf(GaxiosError);
      const err = caught as GaxiosError<DriveErrorBody>;
      expect(err.status).toBe(status);
      expect(err.response!.data.error.errors[0]).toMatchObject({ reason, domain });
      // gaxios 7 also copies the Drive error object into `cause`.
      expect((err.cause as DriveErrorBody['error']).errors[0].reason).toBe(reason);
      if (kind === 'tooMany429') expect(err.response?.headers.get('retry-after')).toBe('7');
      expect(fake.files()).toEqual([]);
      expect(fake.counts()).toMatchObject({ injected: { 'files.create': 1 }, calls: {} });
    },
  );

  it('drop destroys the socket without an answer', async () => {
    fake.failNext({ method: 'files.create', kind: 'drop' });
    const err = await driveError(drive.files.create({ requestBody: { name: 'dropped' } }, at(fake)));
    expect(err.status).toBeUndefined();
    expect(err.message).toMatch(/socket hang up|ECONNRESET|terminated/i);
    expect(fake.files()).toEqual([]);
  });

  it('timeout holds the request, then drops it', async () => {
    fake.failNext({ method: 'files.list', kind: 'timeout', timeoutMs: 300 });
    const started = Date.now();
    const err = await driveError(drive.files.list({}, noRetry()));
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(err.status).toBeUndefined();
  });

  it('a client-side timeout ends a held request; closing the fake cancels the hold', async () => {
    const other = await startDriveFake({ principals: [{ token: 'bot', email: 'bot@example.com' }] });
    other.failNext({ method: 'files.list', kind: 'timeout', timeoutMs: 60_000 });
    const err = await driveError(drive.files.list({}, { rootUrl: `${other.url}/`, retry: false, timeout: 100 }));
    expect(err.status).toBeUndefined();
    await other.close();
  });

  it('afterEffect: the create happens but its response is dropped; a retry with the same id gets 409', async () => {
    const id = (await drive.files.generateIds({ count: 1 }, at(fake))).data.ids![0];
    fake.failNext({ method: 'files.create', kind: 'drop', afterEffect: true });
    const lost = await driveError(
      drive.files.create({ requestBody: { id, name: 'req.json' }, media: { body: '{}' } }, at(fake)),
    );
    expect(lost.status).toBeUndefined();
    expect(fake.file(id)?.name).toBe('req.json');
    const retry = await driveError(
      drive.files.create({ requestBody: { id, name: 'req.json' }, media: { body: '{}' } }, at(fake)),
    );
    expect(retry).toMatchObject({ status: 409, reason: 'duplicate' });
    expect(fake.files().filter((f) => f.name === 'req.json')).toHaveLength(1);
    expect(fake.counts()).toMatchObject({
      calls: { 'files.create': 2 },
      injected: { 'files.create': 1 },
      injectedByKind: { drop: 1 },
    });
  });
});

describe('random faults', () => {
  async function outcomes(seed: number): Promise<(number | string)[]> {
    fake.setFaults({ rate: 0.5, seed, kinds: { error500: 1, tooMany429: 1, rateLimit403: 2 } });
    const seen: (number | string)[] = [];
    for (let i = 0; i < 16; i++) {
      seen.push(
        await drive.files.list({}, noRetry()).then(
          (r) => r.status,
          (e: GaxiosError) => e.status ?? 'none',
        ),
      );
    }
    return seen;
  }

  it('fail at about the given rate, with a mix of kinds, the same way for the same seed', async () => {
    const first = await outcomes(42);
    const failures = first.filter((s) => s !== 200);
    expect(failures.length).toBeGreaterThan(2);
    expect(failures.length).toBeLessThan(14);
    expect(new Set(failures).size).toBeGreaterThan(1);
    expect(await outcomes(42)).toEqual(first);
    expect(await outcomes(43)).not.toEqual(first);
    const counts = fake.counts();
    expect((counts.calls['files.list'] ?? 0) + (counts.injected['files.list'] ?? 0)).toBe(48);
  });

  it('only strike the listed methods', async () => {
    fake.setFaults({ rate: 1, methods: ['files.create'], kinds: ['error500'] });
    expect((await drive.files.list({}, noRetry())).status).toBe(200);
    expect((await driveError(drive.files.create({ requestBody: { name: 'x' } }, at(fake)))).status).toBe(500);
  });
});

describe('googleapis retry behaviour against injected faults', () => {
  it.each([
    ['files.list', 'error503', 2, true],
    ['files.list', 'tooMany429', 1, true],
    ['files.list', 'drop', 1, true],
    ['files.list', 'rateLimit403', 1, false],
    ['files.create', 'error503', 1, false],
  ] as const)('%s after %s ×%d: retried by gaxios itself = %s', async (method, kind, count, recovers) => {
    fake.failNext({ method, kind: kind as FaultKind, count, retryAfterSeconds: 0 });
    const call =
      method === 'files.list'
        ? drive.files.list({}, at(fake))
        : drive.files.create({ requestBody: { name: 'r' } }, at(fake));
    const ok = await call.then(
      () => true,
      () => false,
    );
    expect(ok).toBe(recovers);
    expect(fake.counts().injected[method]).toBe(count);
    expect(fake.counts().calls[method] ?? 0).toBe(recovers ? 1 : 0);
  });
});

describe('latency and counts', () => {
  it('adds latency to every call', async () => {
    fake.setLatency(150);
    const started = Date.now();
    await drive.files.list({}, at(fake));
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('counts by method name, media gets apart, and by principal', async () => {
    const { data } = await drive.files.create({ requestBody: { name: 'c' }, media: { body: 'x' } }, at(fake));
    await drive.files.get({ fileId: data.id! }, at(fake));
    await drive.files.get({ fileId: data.id!, alt: 'media' }, at(fake));
    await driveFor('unknown')
      .files.list({}, at(fake))
      .catch(() => undefined);
    expect(fake.counts()).toEqual({
      calls: { 'files.create': 1, 'files.get': 1, 'files.get.media': 1, 'files.list': 1 },
      injected: {},
      injectedByKind: {},
      byPrincipal: {
        bot: { calls: { 'files.create': 1, 'files.get': 1, 'files.get.media': 1 }, injected: {} },
        anonymous: { calls: { 'files.list': 1 }, injected: {} },
      },
    });
    fake.resetCounts();
    expect(fake.counts()).toEqual({ calls: {}, injected: {}, injectedByKind: {}, byPrincipal: {} });
  });
});
