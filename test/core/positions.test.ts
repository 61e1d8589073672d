/**
 * Places in line against the order lines arrive: three people start stories at the
 * same moment, with the embedded worker and the shipped model, three times over.
 * Each reply's "#n in line" must match the order their lines come in: a line shown
 * further back never arrives before one shown ahead of it (lines of one batch
 * arrive together; they may land a few milliseconds apart in either order).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/app.ts';
import type { LineDelivery } from '../../src/core/types.ts';
import type { Worker } from '../../src/worker/worker.ts';
import { ctx, startTestBot, startTestWorker, testConfig } from '../helpers/bot.ts';
import { SMALL_MODEL } from '../helpers/models.ts';
import { RecordingDelivery } from '../helpers/recording-delivery.ts';
import { until } from '../helpers/worker-process.ts';

/** Lines of one batch are written one after the other: they may reach the chat this far apart, in any order. */
const SAME_BATCH_MS = 100;

/** Records when each line arrived. */
class TimedDelivery extends RecordingDelivery {
  readonly arrivedAt = new Map<string, number>();

  override async deliverLine(d: LineDelivery): Promise<void> {
    this.arrivedAt.set(d.jobId, performance.now());
    await super.deliverLine(d);
  }
}

describe('places in line', () => {
  let bot: Bot;
  let worker: Worker;
  const delivery = new TimedDelivery();
  beforeAll(async () => {
    const config = testConfig({ STORYLOOM_MAX_IN_FLIGHT: '5' });
    ({ bot } = await startTestBot(config));
    bot.deliveries.register('test', delivery);
    worker = await startTestWorker(config, SMALL_MODEL);
  });
  afterAll(async () => {
    await worker.stop();
    await worker.transport.close();
    await bot.stop();
  });

  it('three stories started at once: each one’s place matches the order lines arrive, in three runs', async () => {
    for (let run = 0; run < 3; run++) {
      const people = ['ann', 'bob', 'cy'].map((name) => `${name}${run}`);
      const started = performance.now();
      const start = (p: string) => bot.core.start(ctx(p), { opening: `The story of ${p} begins.` });
      const replies = await Promise.all(people.map(start));
      const shown = replies.map((r) => ({ jobId: r.jobId!, position: r.progress!.position!, text: r.text }));
      await until(() => shown.every((s) => delivery.arrivedAt.has(s.jobId)), 60_000, 'the three lines');
      const arrived = shown.map((s) => ({ ...s, ms: Math.round(delivery.arrivedAt.get(s.jobId)! - started) }));
      const seen = arrived.map((a) => `“${a.text}” → line at ${a.ms} ms`);
      console.log(`places in line, run ${run + 1}: ${seen.join('; ')}`);
      expect(shown.map((s) => s.position).sort()).toEqual([1, 2, 3]);
      for (const ahead of arrived) {
        for (const behind of arrived.filter((a) => a.position > ahead.position)) {
          const why = `#${ahead.position} arrived after #${behind.position}`;
          expect(ahead.ms, why).toBeLessThanOrEqual(behind.ms + SAME_BATCH_MS);
        }
      }
    }
  }, 120_000);
});
