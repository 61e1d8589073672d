/**
 * The page's header learns when the worker goes offline: a heartbeat going stale
 * changes no file, so the playground re-checks freshness on a timer and pushes a
 * `worker` event when online/offline flips.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../helpers/worker-process.ts';
import { openEvents, startTestPlayground, writeHeartbeat, type TestPlayground } from '../../helpers/playground.ts';

let pg: TestPlayground;
beforeAll(async () => {
  pg = await startTestPlayground({}, { healthCheckMs: 200 });
});
afterAll(async () => {
  await pg.stop();
});

describe('worker health on the live feed', () => {
  it('pushes online when a heartbeat arrives, then offline when it goes stale with no new file', async () => {
    const feed = await openEvents(pg.url);
    try {
      const worker = () => feed.events.filter((e) => e.event === 'worker').map((e) => e.data as { online: boolean });
      // Fresh while its age is under 3 × interval_s + 10 s grace = 13 s: written 6 s old, it goes stale about
      // 7 s later.
      writeHeartbeat(pg.config, { worker_id: 'going-quiet', at: new Date(Date.now() - 6_000).toISOString() });
      await until(() => worker().some((w) => w.online), 6_000, 'an online worker event');
      // A worker that has measured no speed yet reports none, not "0 chars/s".
      const online = worker().find((w) => w.online);
      expect(online).toMatchObject({ online: true, id: 'going-quiet', state: 'running', charsPerSecond: null });
      const changesBefore = worker().length;
      await until(() => worker().at(-1)?.online === false, 15_000, 'an offline worker event');
      // Exactly one event for the flip, and none on later ticks while nothing changes.
      expect(worker().length).toBe(changesBefore + 1);
      await new Promise((r) => setTimeout(r, 1_000));
      expect(worker().length).toBe(changesBefore + 1);
      expect((await (await fetch(`${pg.url}/healthz`)).json()).worker.online).toBe(false);
    } finally {
      feed.close();
    }
  }, 30_000);

  it('reports the speed once the worker has measured it, rounded', async () => {
    writeHeartbeat(pg.config, { worker_id: 'measured', chars_per_second: 561.4 });
    const health = async () => ((await (await fetch(`${pg.url}/healthz`)).json()) as { worker: unknown }).worker;
    await expect.poll(health, { timeout: 5_000 }).toMatchObject({ online: true, id: 'measured', charsPerSecond: 561 });
  });
});
