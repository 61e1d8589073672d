/**
 * 500 jobs through the Drive mailbox while 10% of Drive calls fail: 403 rate
 * limits, 429 with Retry-After, 500/503, dropped connections and timeouts,
 * some after the call took effect. Every job is delivered exactly once, the
 * small ones read from their files' properties, the large ones downloaded.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inPool, InstantResponder, makeRequest, RecordingBot } from './job-harness.ts';
import { apiFor, startWorld, type DriveWorld } from './world.ts';

let world: DriveWorld;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world.close());

it('delivers 500 jobs exactly once while 10% of calls fail', async () => {
  const { fake } = world;
  // Our timeout (3 s: generous, this machine is small and shared) is shorter than the fake's held "timeout" faults
  // (8 s).
  const polling = { fastMs: 30, slowMs: 250 };
  const bot = new RecordingBot(
    await world.open('bot', { api: apiFor(fake, 'bot-token', { timeoutMs: 3000 }), polling }),
  );
  const worker = new InstantResponder(
    await world.open('worker', { api: apiFor(fake, 'worker-token', { timeoutMs: 3000 }), polling }),
  );
  await bot.start();
  await worker.start();
  fake.setFaults({
    rate: 0.1,
    seed: 6,
    kinds: { rateLimit403: 1, userRateLimit403: 1, tooMany429: 1, error500: 1, error503: 1, drop: 1, timeout: 1 },
    afterEffectShare: 0.3,
    retryAfterSeconds: 1,
    timeoutMs: 8000,
  });
  // Every fifth prompt is too long for the file's properties, so the reader downloads it: reads are faulted too.
  const requests = Array.from({ length: 500 }, (_, i) =>
    makeRequest(`user-${i % 25}`, i % 5 ? 'Once upon a time' : 'A long tale. '.repeat(400)),
  );
  await inPool(requests, 20, (r) => bot.jobs.submit(r));
  await bot.waitFor(
    requests.map((r) => r.job_id),
    100_000,
  );
  const counts = fake.counts();
  fake.clearFaults();

  expect(worker.errors).toEqual([]);
  expect([...bot.deliveries.values()].every((n) => n === 1)).toBe(true);
  expect(bot.deliveries.size).toBe(500);
  const injected = Object.values(counts.injected).reduce((a, b) => a + b, 0);
  const calls = Object.values(counts.calls).reduce((a, b) => a + b, 0);
  expect(injected / (calls + injected)).toBeGreaterThan(0.05);
  for (const method of ['files.create', 'files.get.media', 'changes.list', 'files.delete'])
    expect(counts.injected[method]).toBeGreaterThan(0);
  // Every kind of fault struck: 403 rate limits (both reasons), 429, 500, 503, dropped connections and timeouts.
  for (const kind of ['rateLimit403', 'userRateLimit403', 'tooMany429', 'error500', 'error503', 'drop', 'timeout'])
    expect(counts.injectedByKind[kind], kind).toBeGreaterThan(0);
  // The bot cleans up after delivery: the request, then the response.
  await expect.poll(() => fake.files().filter((f) => f.name.endsWith('.json')).length, { timeout: 10_000 }).toBe(0);
  bot.stop();
  worker.stop();
}, 150_000);
