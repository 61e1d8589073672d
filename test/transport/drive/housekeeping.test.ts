/**
 * Housekeeping deletes heartbeats of long-silent workers and control files no
 * worker took, and nothing else; ages come from the index, so its only Drive
 * calls are those deletes.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Housekeeper } from '../../../src/transport/drive/housekeeping.ts';
import { testLog } from '../../helpers/log.ts';
import { startWorld, type DriveWorld } from './world.ts';

let world: DriveWorld;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(() => world.close());

it('deletes only abandoned heartbeats and control files, with one call each', async () => {
  const worker = await world.open('worker');
  for (const name of ['dead-1.json', 'dead-2.json']) await worker.put('workers', name, '{}');
  await worker.put('control', 'old.json', '{}');
  await worker.put('requests', 'old-job.json', '{}');
  await new Promise((r) => setTimeout(r, 1200));
  await worker.put('workers', 'alive.json', '{}');
  await worker.put('control', 'new.json', '{}');
  const bot = await world.open('bot', { polling: { fastMs: 50, slowMs: 60_000 } });
  const logs: string[] = [];
  const keeper = new Housekeeper(
    bot,
    { everyMs: 60_000, heartbeatMaxAgeMs: 1000, controlMaxAgeMs: 1000 },
    Date.now,
    testLog(logs).log,
  );
  world.fake.resetCounts();
  expect((await keeper.sweep()).sort()).toEqual(['control/old.json', 'workers/dead-1.json', 'workers/dead-2.json']);
  expect(world.fake.counts().byPrincipal.bot.calls).toEqual({ 'files.delete': 3 });
  expect(
    world.fake
      .files()
      .map((f) => f.name)
      .filter((n) => n.endsWith('.json'))
      .sort(),
  ).toEqual(['alive.json', 'new.json', 'old-job.json']);
  expect(logs[0]).toMatch(/housekeeping removed (workers|control)\//);
  expect(await keeper.sweep()).toEqual([]);
});

it("runs on the bot's side when configured, every `everyMs`", async () => {
  const worker = await world.open('worker');
  await worker.put('workers', 'dead.json', '{}');
  await new Promise((r) => setTimeout(r, 300));
  await world.open('bot', { housekeeping: { everyMs: 200, heartbeatMaxAgeMs: 250, controlMaxAgeMs: 250 } });
  await expect.poll(() => world.fake.files().some((f) => f.name === 'dead.json'), { timeout: 3000 }).toBe(false);
});
