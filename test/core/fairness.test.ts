/**
 * Fairness: 10 users each submit 20 requests, in the worst order for a FIFO queue
 * (one user's whole flood first). Round-robin by user keeps every user's waits
 * alike; the test reports the spread and bounds it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { monotonicFactory } from 'ulid';
import { afterAll, describe, expect, it } from 'vitest';
import { JobClient } from '../../src/jobs/client.ts';
import type { Request } from '../../src/jobs/protocol.ts';
import { WorkerMonitor } from '../../src/jobs/workers.ts';
import { startTestWorker, testConfig, testTransport } from '../helpers/bot.ts';
import { quietLog } from '../helpers/log.ts';
import { tinyModel } from '../helpers/models.ts';
import { ROOT } from '../helpers/python.ts';
import { until } from '../helpers/worker-process.ts';

const USERS = 10;
const EACH = 20;
const BATCH = 8;
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('fairness', () => {
  it(`${USERS} users × ${EACH} requests: every user waits about as long as the others`, async () => {
    const config = testConfig();
    const transport = testTransport(config);
    await transport.open();
    const client = new JobClient(transport, new WorkerMonitor(transport), { log: quietLog() });
    const submitted = new Map<string, number>();
    const done: { user: string; waitMs: number }[] = [];
    client.setHandler({
      response: async (r) => void done.push({ user: r.user.id, waitMs: Date.now() - submitted.get(r.job_id)! }),
      expired: async () => undefined,
    });
    transport.subscribe((change) => void client.onChange(change));
    await client.start();
    cleanups.push(async () => {
      client.stop();
      await transport.close();
    });
    const base = JSON.parse(readFileSync(join(ROOT, 'contract/protocol/valid/request-start.json'), 'utf8')) as Request;
    const ulid = monotonicFactory();
    const deadline = new Date(Date.now() + 600_000).toISOString();
    for (let u = 0; u < USERS; u++) {
      for (let i = 0; i < EACH; i++) {
        const job: Request = {
          ...base,
          job_id: ulid(),
          user: { id: `user${u}`, name: `User ${u}` },
          deadline,
          sampling: { ...base.sampling, max_chars: 40, min_chars: null, stop: 'none' },
        };
        submitted.set(job.job_id, Date.now());
        await client.submit(job);
      }
    }
    const worker = await startTestWorker(config, await tinyModel(), { batchMax: BATCH });
    cleanups.push(async () => {
      await worker.stop();
      await worker.transport.close();
    });
    await until(() => done.length === USERS * EACH, 120_000, 'every job');

    const meanWait = Array.from({ length: USERS }, (_, u) => {
      const waits = done.filter((d) => d.user === `user${u}`).map((d) => d.waitMs);
      return waits.reduce((a, b) => a + b, 0) / waits.length;
    });
    const spread = Math.max(...meanWait) / Math.min(...meanWait);
    const firstOfEach = Array.from({ length: USERS }, (_, u) => done.findIndex((d) => d.user === `user${u}`));
    console.log(
      `fairness: mean wait per user ${meanWait.map((w) => Math.round(w)).join(', ')} ms; ` +
        `spread (max/min) ${spread.toFixed(2)}; ` +
        `each user's first line was #${firstOfEach.map((i) => i + 1).join(', ')} to arrive`,
    );
    // Under FIFO the flood order gives a spread near 10 (the last user waits for everyone).
    expect(spread).toBeLessThan(1.25);
    expect(Math.max(...firstOfEach)).toBeLessThan(2 * BATCH);
  }, 180_000);
});
