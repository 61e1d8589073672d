/**
 * Mailbox round-trip overhead on the local folder, without generation: the bot's
 * job client writes a request; a responder on its own transport sees it (fs events
 * or the listing fallback) and answers at once; the job client sees the response.
 * Production polling settings. Prints p50, p90, p99 and the mean.
 *
 * Usage: npm run bench:mailbox -- [--jobs 300] [--concurrency 1]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ulid } from 'ulid';
import { JobClient } from '../src/jobs/client.ts';
import { parseFile, serialize } from '../src/jobs/parse.ts';
import type { Request } from '../src/jobs/protocol.ts';
import { WorkerMonitor } from '../src/jobs/workers.ts';
import { okResponse } from '../src/worker/io.ts';
import { LocalFolderTransport } from '../src/transport/local.ts';
import { percentile, request } from './bench-common.ts';
import { silentLogger } from '../src/log.ts';

const { values } = parseArgs({
  options: { jobs: { type: 'string', default: '300' }, concurrency: { type: 'string', default: '1' } },
});
const jobs = Number(values.jobs),
  concurrency = Number(values.concurrency);
const root = mkdtempSync(join(tmpdir(), 'storyloom-bench-'));
const bot = new LocalFolderTransport(root);
const worker = new LocalFolderTransport(root);
await bot.open();
await worker.open();

worker.subscribe(async (change) => {
  if (change.folder !== 'requests' || change.removed) return;
  const text = await worker.get('requests', change.name);
  if (!text) return;
  const r = parseFile('request', text);
  if (await worker.get('responses', change.name)) return;
  await worker.put(
    'responses',
    change.name,
    serialize(
      okResponse(r.job_id, 'echo', {
        text: 'x',
        stop: 'max_chars',
        model: 'echo',
        model_sha256: '',
        device: 'none',
        ms: 0,
      }),
    ),
  );
});

const client = new JobClient(bot, new WorkerMonitor(bot), { log: silentLogger() });
const waiting = new Map<string, (ms: number) => void>();
const sent = new Map<string, number>();
client.setHandler({
  response: async (r) => waiting.get(r.job_id)?.(performance.now() - sent.get(r.job_id)!),
  expired: async () => undefined,
});
bot.subscribe((change) => void client.onChange(change));
await client.start();

async function one(): Promise<number> {
  const r: Request = request(ulid(), 'bench-user');
  const done = new Promise<number>((resolve) => waiting.set(r.job_id, resolve));
  sent.set(r.job_id, performance.now());
  await client.submit(r);
  return done;
}

for (let i = 0; i < 20; i++) await one();
const samples: number[] = [];
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (samples.length < jobs) samples.push(await one());
  }),
);
const seconds = (performance.now() - started) / 1000;
client.stop();
await bot.close();
await worker.close();
rmSync(root, { recursive: true, force: true });
const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
console.log(
  `local mailbox round trip (no generation), ${samples.length} jobs, concurrency ${concurrency}: ` +
    `p50 ${percentile(samples, 50).toFixed(1)} ms, p90 ${percentile(samples, 90).toFixed(1)} ms, ` +
    `p99 ${percentile(samples, 99).toFixed(1)} ms, mean ${mean.toFixed(1)} ms; ` +
    `${(samples.length / seconds).toFixed(0)} jobs/s`,
);
