/**
 * The bot restarts mid-run while Drive's listing lags 8 s behind writes (as
 * the real one may): the saved page token and index let the new bot find the
 * jobs it had submitted and the responses that came while it was down, so
 * nothing is missed. Without them, the same restart loses jobs.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InstantResponder, makeRequest, RecordingBot } from './job-harness.ts';
import { startWorld, type DriveWorld } from './world.ts';

let world: DriveWorld;
beforeEach(async () => {
  world = await startWorld({ listLagMs: 8000 });
});
afterEach(() => world.close());

/** Submits a wave of jobs, stops the bot at once, lets the worker answer, and starts a new bot. */
async function restartMidRun(keepState: boolean) {
  const shared = { deliveries: new Map<string, number>(), deliveredAt: new Map<string, number>() };
  const worker = new InstantResponder(await world.open('worker'));
  await worker.start();
  const first = new RecordingBot(await world.open('bot'), shared);
  await first.start();
  const before = Array.from({ length: 10 }, (_, i) => makeRequest(`u${i % 3}`));
  for (const r of before) await first.jobs.submit(r);
  await first.waitFor(before.map((r) => r.job_id), 20_000);
  const inFlight = Array.from({ length: 10 }, (_, i) => makeRequest(`u${i % 3}`));
  await Promise.all(inFlight.map((r) => first.jobs.submit(r)));
  first.stop();
  await first.transport.close();
  // The worker answers while the bot is down.
  await expect.poll(() => inFlight.every((r) => worker.answered.has(r.job_id)), { timeout: 20_000 }).toBe(true);
  if (!keepState) rmSync(join(world.dir, 'drive-bot.json'));
  world.fake.resetCounts();
  const second = new RecordingBot(await world.open('bot'), shared);
  await second.start();
  const after = Array.from({ length: 10 }, (_, i) => makeRequest(`u${i % 3}`));
  for (const r of after) await second.jobs.submit(r);
  return { second, worker, shared, all: [...before, ...inFlight, ...after], inFlight };
}

describe('a bot restart on Drive', () => {
  it('resumes from the saved page token and misses nothing', async () => {
    const { second, worker, shared, all } = await restartMidRun(true);
    await second.waitFor(all.map((r) => r.job_id), 20_000);
    expect(all.every((r) => shared.deliveries.get(r.job_id) === 1)).toBe(true);
    // It read on from its saved token instead of starting the feed afresh.
    expect(world.fake.counts().byPrincipal.bot.calls['changes.getStartPageToken']).toBeUndefined();
    second.stop();
    worker.stop();
  }, 60_000);

  it('without the saved state, the lagging listing hides the jobs in flight', async () => {
    const { second, worker, shared, inFlight } = await restartMidRun(false);
    await new Promise((r) => setTimeout(r, 1500));
    expect(inFlight.filter((r) => shared.deliveries.has(r.job_id))).toEqual([]);
    expect(world.fake.counts().byPrincipal.bot.calls['changes.getStartPageToken']).toBe(1);
    second.stop();
    worker.stop();
  }, 60_000);
});
