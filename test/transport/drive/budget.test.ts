/**
 * Drive call budgets, counted by the fake: at most 6 calls per job on the path
 * from submit to delivery (bot and worker together, polls amortized over the
 * jobs in flight), for eight users and for a lone one, cleanup deletes counted
 * apart; when idle, at most 30 calls a minute for the bot and for a worker
 * standing by, and at most 60 for the embedded worker taking jobs (it looks
 * for news every RUNNING_IDLE_POLL_MS). Idle is measured at a tenth of the
 * configured default intervals (DRIVE_POLL_FAST_MS, DRIVE_POLL_SLOW_MS,
 * STORYLOOM_HEARTBEAT_S, RUNNING_IDLE_POLL_MS) and scaled back, so a change of
 * those defaults is checked here. (The Colab worker's idle budget is checked
 * in colab/tests/worker/test_drive_worker.py.)
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.ts';
import { RUNNING_IDLE_POLL_MS } from '../../../src/worker/options.ts';
import { InstantResponder, makeRequest, RecordingBot } from './job-harness.ts';
import { startWorld, type DriveWorld } from './world.ts';

const PATH = ['files.create', 'files.generateIds', 'changes.list', 'files.get.media'];
const total = (calls: Record<string, number> = {}, methods = Object.keys(calls)) =>
  methods.reduce((n, m) => n + (calls[m] ?? 0), 0);
const SCALE = 10; // production intervals are ten times these
const polling = { fastMs: 100, slowMs: 1000 };
const defaults = parseConfig({});
const idlePolling = { fastMs: defaults.DRIVE_POLL_FAST_MS / SCALE, slowMs: defaults.DRIVE_POLL_SLOW_MS / SCALE };
const heartbeatMs = (defaults.STORYLOOM_HEARTBEAT_S * 1000) / SCALE;

let world: DriveWorld;
beforeEach(async () => {
  world = await startWorld({ latencyMs: 20 });
});
afterEach(() => world.close());

describe('Drive call budgets', () => {
  it('spends at most 6 calls per job on the path with eight users, with 2 cleanup deletes apart', async () => {
    const bot = new RecordingBot(await world.open('bot', { polling }));
    const worker = new InstantResponder(await world.open('worker', { polling }));
    await bot.start();
    await worker.start();
    world.fake.resetCounts();
    const ids: string[] = [];
    let left = 96;
    // Eight users, each submitting the next job once the last one is delivered.
    await Promise.all(
      Array.from({ length: 8 }, async (_, u) => {
        while (left-- > 0) {
          const request = makeRequest(`user-${u}`);
          ids.push(request.job_id);
          await bot.jobs.submit(request);
          await bot.waitFor([request.job_id], 20_000);
        }
      }),
    );
    await expect
      .poll(() => total(world.fake.counts().calls, ['files.delete']), { timeout: 10_000 })
      .toBe(2 * ids.length);
    const { byPrincipal } = world.fake.counts();
    const perJob = (total(byPrincipal.bot.calls, PATH) + total(byPrincipal.worker.calls, PATH)) / ids.length;
    expect(perJob).toBeLessThanOrEqual(6);
    // Nothing else: no listings, no metadata reads, no downloads (bodies ride in properties); the worker deletes
    // nothing.
    expect(Object.keys(byPrincipal.bot.calls).sort()).toEqual([
      'changes.list',
      'files.create',
      'files.delete',
      'files.generateIds',
    ]);
    expect(byPrincipal.worker.calls['files.get.media']).toBeUndefined();
    expect(byPrincipal.worker.calls['files.delete']).toBeUndefined();
    expect([...bot.deliveries.values()].every((n) => n === 1)).toBe(true);
    bot.stop();
    worker.stop();
  }, 60_000);

  it('spends at most 6 calls per job on the path for a lone user too, whose every wait is a poll', async () => {
    const bot = new RecordingBot(await world.open('bot', { polling }));
    const worker = new InstantResponder(await world.open('worker', { polling }));
    await bot.start();
    await worker.start();
    const oneJob = async () => {
      const request = makeRequest('lone');
      await bot.jobs.submit(request);
      await bot.waitFor([request.job_id], 20_000);
      return request.job_id;
    };
    // A few jobs first: each side learns when the other's answer lands (reply-timing.ts).
    for (let i = 0; i < 5; i++) await oneJob();
    await expect.poll(() => total(world.fake.counts().calls, ['files.delete']), { timeout: 10_000 }).toBe(10);
    world.fake.resetCounts();
    const jobs = 30;
    for (let i = 0; i < jobs; i++) await oneJob();
    const { byPrincipal } = world.fake.counts();
    const perJob = (total(byPrincipal.bot.calls, PATH) + total(byPrincipal.worker.calls, PATH)) / jobs;
    // Two creates, and polls: neither side downloads a body (it rides in the file's properties). About 5.1 to 5.4 here.
    expect(perJob).toBeLessThanOrEqual(6);
    expect(byPrincipal.bot.calls['files.get.media']).toBeUndefined();
    expect(byPrincipal.worker.calls['files.get.media']).toBeUndefined();
    expect([...bot.deliveries.values()].every((n) => n === 1)).toBe(true);
    bot.stop();
    worker.stop();
  }, 60_000);

  it('spends at most 6 calls per job from submit to delivery ' +
    'for a lone user whose lines take a second to write', async () => {
    // The bot waits for a line it knows takes about a second (reply-timing.ts) instead of polling for it, and the
    // worker does not look for news while it writes one (Transport.setBusy).
    // The production intervals: the pace while a line is written is what this measures.
    const production = { fastMs: defaults.DRIVE_POLL_FAST_MS, slowMs: defaults.DRIVE_POLL_SLOW_MS };
    const bot = new RecordingBot(await world.open('bot', { polling: production }));
    const worker = new InstantResponder(await world.open('worker', { polling: production }), 1000);
    await bot.start();
    await worker.start();
    const pathCalls = () => {
      const { byPrincipal } = world.fake.counts();
      return total(byPrincipal.bot?.calls, PATH) + total(byPrincipal.worker?.calls, PATH);
    };
    let onPath = 0;
    const oneJob = async () => {
      const before = pathCalls();
      const request = makeRequest('lone');
      await bot.jobs.submit(request);
      await bot.waitFor([request.job_id], 20_000);
      onPath += pathCalls() - before;
    };
    for (let i = 0; i < 4; i++) await oneJob();
    await new Promise((r) => setTimeout(r, 500));
    world.fake.resetCounts();
    onPath = 0;
    const jobs = 10;
    for (let i = 0; i < jobs; i++) await oneJob();
    const { byPrincipal } = world.fake.counts();
    expect(onPath / jobs).toBeLessThanOrEqual(6);
    // Polling every fast interval (250 ms) through a 1 s line would be about four more polls a job, on each side.
    expect((byPrincipal.bot.calls['changes.list'] ?? 0) / jobs).toBeLessThanOrEqual(3);
    expect((byPrincipal.worker.calls['changes.list'] ?? 0) / jobs).toBeLessThanOrEqual(3);
    bot.stop();
    worker.stop();
  }, 90_000);

  it('spends at most 30 calls a minute per side when idle, ' +
    'heartbeats included, for the bot and a worker standing by', async () => {
    const bot = new RecordingBot(await world.open('bot', { polling: idlePolling }));
    const worker = await world.open('worker', { polling: idlePolling });
    await bot.start();
    // The embedded worker beats every STORYLOOM_HEARTBEAT_S, and a Colab worker every 10 s beside it: the bot reads
    // both.
    const colab = await world.open('late', { polling: idlePolling });
    const beat = setInterval(
      () => void worker.put('workers', 'w1.json', JSON.stringify({ at: Date.now() })).catch(() => undefined),
      heartbeatMs,
    );
    const colabBeat = setInterval(
      () => void colab.put('workers', 'colab.json', JSON.stringify({ at: Date.now() })).catch(() => undefined),
      10_000 / SCALE,
    );
    await new Promise((r) => setTimeout(r, 2000));
    world.fake.resetCounts();
    const windowMs = 3000;
    await new Promise((r) => setTimeout(r, windowMs));
    clearInterval(beat);
    clearInterval(colabBeat);
    const { byPrincipal } = world.fake.counts();
    const perMinute = (label: string) => (total(byPrincipal[label]?.calls) * 60_000) / (windowMs * SCALE);
    expect(perMinute('bot')).toBeLessThanOrEqual(30);
    expect(perMinute('worker')).toBeLessThanOrEqual(30);
    // Idle polling is at the slow interval: one poll every 600 ms here, ten a minute in production.
    expect(byPrincipal.bot.calls['changes.list']).toBeLessThanOrEqual(windowMs / idlePolling.slowMs + 1);
    expect(byPrincipal.worker.calls['changes.list']).toBeLessThanOrEqual(windowMs / idlePolling.slowMs + 1);
    bot.stop();
  }, 30_000);

  it('spends at most 60 calls a minute when idle for the ' +
    'embedded worker taking jobs, heartbeats included', async () => {
    const worker = await world.open('worker', { polling: idlePolling });
    // What Worker does while its state is `running` (a GPU worker would make it stand by instead).
    worker.setIdlePoll(RUNNING_IDLE_POLL_MS / SCALE);
    const beat = setInterval(
      () => void worker.put('workers', 'w1.json', JSON.stringify({ at: Date.now() })).catch(() => undefined),
      heartbeatMs,
    );
    await new Promise((r) => setTimeout(r, 2000));
    world.fake.resetCounts();
    const windowMs = 3000;
    await new Promise((r) => setTimeout(r, windowMs));
    clearInterval(beat);
    const calls = world.fake.counts().byPrincipal.worker?.calls ?? {};
    const perMinute = (total(calls) * 60_000) / (windowMs * SCALE);
    expect(perMinute).toBeLessThanOrEqual(60);
    // It does poll at that pace: a job after a quiet spell is seen within RUNNING_IDLE_POLL_MS.
    expect(calls['changes.list']).toBeGreaterThanOrEqual(Math.floor(windowMs / (RUNNING_IDLE_POLL_MS / SCALE)) - 1);
    worker.setIdlePoll(undefined);
  }, 30_000);
});
