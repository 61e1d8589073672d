/**
 * The bot restarts mid-run while Drive's listing lags 8 s behind writes (as
 * the real one may): the saved page token and index let the new bot find the
 * jobs it had submitted and the responses that came while it was down, so
 * nothing is missed, after a clean stop and after a crash (the state file as
 * it was last saved, up to a second old). Without them, the same restart
 * loses jobs.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InstantResponder, makeRequest, RecordingBot } from './job-harness.ts';
import { startWorld, type DriveWorld } from './world.ts';

let world: DriveWorld;
beforeEach(async () => {
  world = await startWorld({ listLagMs: 8000 });
});
afterEach(() => world.close());

/**
 * How the first bot ends: a clean close(), a crash (no close: the state file stays as last saved), or a clean close
 * whose state file is then lost.
 */
type Ending = 'close' | 'crash' | 'lose-state';

/** Submits a wave of jobs, stops the bot at once, lets the worker answer, and starts a new bot. */
async function restartMidRun(ending: Ending) {
  const shared = { deliveries: new Map<string, number>(), deliveredAt: new Map<string, number>() };
  const worker = new InstantResponder(await world.open('worker'));
  await worker.start();
  const first = new RecordingBot(await world.open('bot'), shared);
  await first.start();
  const before = Array.from({ length: 10 }, (_, i) => makeRequest(`u${i % 3}`));
  for (const r of before) await first.jobs.submit(r);
  await first.waitFor(
    before.map((r) => r.job_id),
    20_000,
  );
  // Delivered and cleaned up: a crash before the cleanup would rightly deliver those again (at least once).
  await expect
    .poll(() => world.fake.files().filter((f) => f.name.endsWith('.json')).length, { timeout: 10_000 })
    .toBe(0);
  const stateFile = join(world.dir, 'drive-bot.json');
  // A crash: the process dies with its state file as the last timed save (at most saveEveryMs, 1 s, old) wrote it,
  // before the jobs in flight were submitted: only the changes feed can tell the new bot about them.
  const lastSaved = ending === 'crash' ? readFileSync(stateFile, 'utf8') : undefined;
  const inFlight = Array.from({ length: 10 }, (_, i) => makeRequest(`u${i % 3}`));
  await Promise.all(inFlight.map((r) => first.jobs.submit(r)));
  first.stop();
  // (Closing stops the dead bot's timers; its final save is then overwritten with what the crash left.)
  await first.transport.close();
  if (lastSaved !== undefined) writeFileSync(stateFile, lastSaved);
  // The worker answers while the bot is down.
  await expect.poll(() => inFlight.every((r) => worker.answered.has(r.job_id)), { timeout: 20_000 }).toBe(true);
  if (ending === 'lose-state') rmSync(stateFile);
  world.fake.resetCounts();
  const second = new RecordingBot(await world.open('bot'), shared);
  await second.start();
  const after = Array.from({ length: 10 }, (_, i) => makeRequest(`u${i % 3}`));
  for (const r of after) await second.jobs.submit(r);
  return { second, worker, shared, all: [...before, ...inFlight, ...after], inFlight };
}

describe('a bot restart on Drive', () => {
  it.each(['close', 'crash'] as const)(
    'resumes from the saved page token and misses nothing (%s)',
    async (ending) => {
      const { second, worker, shared, all } = await restartMidRun(ending);
      await second.waitFor(
        all.map((r) => r.job_id),
        20_000,
      );
      expect(all.map((r) => shared.deliveries.get(r.job_id) ?? 0)).toEqual(all.map(() => 1));
      // It read on from its saved token instead of starting the feed afresh.
      expect(world.fake.counts().byPrincipal.bot.calls['changes.getStartPageToken']).toBeUndefined();
      // Nothing is left behind: every request and response was cleaned up once.
      await expect
        .poll(() => world.fake.files().filter((f) => f.name.endsWith('.json')).length, { timeout: 10_000 })
        .toBe(0);
      second.stop();
      worker.stop();
    },
    60_000,
  );

  it('without the saved state, the lagging listing hides the jobs in flight', async () => {
    const { second, worker, shared, inFlight } = await restartMidRun('lose-state');
    await new Promise((r) => setTimeout(r, 1500));
    expect(inFlight.filter((r) => shared.deliveries.has(r.job_id))).toEqual([]);
    expect(world.fake.counts().byPrincipal.bot.calls['changes.getStartPageToken']).toBe(1);
    second.stop();
    worker.stop();
  }, 60_000);
});
