/**
 * Drive call budgets, counted by the fake: at most 6 calls per job on the path
 * from submit to delivery (bot and worker together, polls amortized over the
 * jobs in flight), cleanup deletes counted apart; at most 30 calls a minute
 * per side when idle. Idle is measured at a tenth of production's intervals
 * (poll 100/1000 ms, a heartbeat every 500 ms) and scaled back.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InstantResponder, makeRequest, RecordingBot } from './job-harness.ts';
import { startWorld, type DriveWorld } from './world.ts';

const PATH = ['files.create', 'files.generateIds', 'changes.list', 'files.get.media'];
const total = (calls: Record<string, number> = {}, methods = Object.keys(calls)) => methods.reduce((n, m) => n + (calls[m] ?? 0), 0);
const SCALE = 10; // production intervals are ten times these
const polling = { fastMs: 100, slowMs: 1000 };

let world: DriveWorld;
beforeEach(async () => {
  world = await startWorld({ latencyMs: 20 });
});
afterEach(() => world.close());

describe('Drive call budgets', () => {
  it('spends at most 6 calls per job on the path, with 2 cleanup deletes apart', async () => {
    const bot = new RecordingBot(await world.open('bot', { polling }));
    const worker = new InstantResponder(await world.open('worker', { polling }));
    await bot.start();
    await worker.start();
    world.fake.resetCounts();
    const ids: string[] = [];
    let left = 96;
    // Eight users, each submitting the next job once the last one is delivered.
    await Promise.all(Array.from({ length: 8 }, async (_, u) => {
      while (left-- > 0) {
        const request = makeRequest(`user-${u}`);
        ids.push(request.job_id);
        await bot.jobs.submit(request);
        await bot.waitFor([request.job_id], 20_000);
      }
    }));
    await expect.poll(() => total(world.fake.counts().calls, ['files.delete']), { timeout: 10_000 }).toBe(2 * ids.length);
    const { byPrincipal } = world.fake.counts();
    const perJob = (total(byPrincipal.bot.calls, PATH) + total(byPrincipal.worker.calls, PATH)) / ids.length;
    expect(perJob).toBeLessThanOrEqual(6);
    // Nothing else: no listings, no metadata reads; the worker deletes nothing.
    expect(Object.keys(byPrincipal.bot.calls).sort()).toEqual(['changes.list', 'files.create', 'files.delete', 'files.generateIds', 'files.get.media']);
    expect(byPrincipal.worker.calls['files.delete']).toBeUndefined();
    expect([...bot.deliveries.values()].every((n) => n === 1)).toBe(true);
    bot.stop();
    worker.stop();
  }, 60_000);

  it('spends at most 30 calls a minute per side when idle, heartbeats included', async () => {
    const bot = new RecordingBot(await world.open('bot', { polling }));
    const worker = await world.open('worker', { polling });
    await bot.start();
    const beat = setInterval(() => void worker.put('workers', 'w1.json', JSON.stringify({ at: Date.now() })), 500);
    await new Promise((r) => setTimeout(r, 2000));
    world.fake.resetCounts();
    const windowMs = 3000;
    await new Promise((r) => setTimeout(r, windowMs));
    clearInterval(beat);
    const { byPrincipal } = world.fake.counts();
    const perMinute = (label: string) => (total(byPrincipal[label]?.calls) * 60_000) / (windowMs * SCALE);
    expect(perMinute('bot')).toBeLessThanOrEqual(30);
    expect(perMinute('worker')).toBeLessThanOrEqual(30);
    // Idle polling is at the slow interval: about one poll a second here, six a minute in production.
    expect(byPrincipal.bot.calls['changes.list']).toBeLessThanOrEqual(windowMs / polling.slowMs + 1);
    expect(byPrincipal.worker.calls['changes.list']).toBeLessThanOrEqual(windowMs / polling.slowMs + 1);
    bot.stop();
  }, 30_000);
});
