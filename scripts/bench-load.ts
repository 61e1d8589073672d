/**
 * Load through core: N simulated users each write a story of R requests (start,
 * then continue, each waiting for its line), against the embedded worker in its
 * own process, as `npm start` runs it. Prints throughput, p50 and p99 of the time
 * from command to delivered line, and checks that every request was answered once.
 *
 * Usage: npm run bench:load -- [--users 200] [--requests 5] [--model small] [--batch 16]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { goLive, startBot } from '../src/app.ts';
import { parseConfig } from '../src/config.ts';
import type { ChatDelivery, CommandContext } from '../src/core/types.ts';
import { resolveModel } from '../src/model/models.ts';
import { LocalFolderTransport } from '../src/transport/local.ts';
import { percentile } from './bench-common.ts';
import { silentLogger } from '../src/log.ts';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '200' },
    requests: { type: 'string', default: '5' },
    model: { type: 'string', default: 'small' },
    batch: { type: 'string', default: '16' },
  },
});
const users = Number(values.users),
  perUser = Number(values.requests);
const dir = mkdtempSync(join(tmpdir(), 'storyloom-load-'));
const env = {
  STORYLOOM_DATA_DIR: dir,
  STORYLOOM_COOLDOWN_S: '0',
  STORYLOOM_MAX_QUEUE: String(users * 2),
  STORYLOOM_LOCAL_WORKER: 'always',
  STORYLOOM_MODEL: resolveModel(values.model!),
  STORYLOOM_WORKER_BATCH: values.batch!,
  STORYLOOM_WORKER_ID: 'embedded-load',
};
const config = parseConfig(env);
const bot = await startBot(config, new LocalFolderTransport(join(dir, 'mailbox')), {
  workerEnv: { ...process.env, ...env },
  log: silentLogger(),
});

const arrived = new Map<string, () => void>();
const delivered = new Map<string, number>();
const delivery: ChatDelivery = {
  async deliverLine(d) {
    delivered.set(d.jobId, (delivered.get(d.jobId) ?? 0) + 1);
    arrived.get(d.jobId)?.();
  },
  async deliverProgress() {},
  async deliverFailure(d) {
    console.error(`failure for ${d.jobId}: ${d.text}`);
    arrived.get(d.jobId)?.();
  },
  // The load benchmark asks for single lines: no vote opens.
  async deliverVote(d) {
    return d.vote.message ?? `vote-${d.vote.id}`;
  },
};
bot.deliveries.register('test', delivery);
await goLive(bot);
await bot.workers.waitFor((w) => w.some((x) => x.fresh && x.heartbeat.state === 'running'), 60_000);

const latencies: number[] = [];
async function waitLine(jobId: string): Promise<void> {
  if (delivered.has(jobId)) return;
  await new Promise<void>((resolve) => arrived.set(jobId, resolve));
}
async function user(i: number): Promise<void> {
  const person = { id: `user${i}`, name: `User ${i}` };
  const ctx: CommandContext = { person, admin: false, place: { platform: 'test', channel: 'load', thread: null } };
  let t = performance.now();
  const first = await bot.core.start(
    ctx,
    { seed: `Story ${i}: the lighthouse keeper climbed the stairs.`, length: 120 },
    async (s) => ({ thread: `t-${s.id}`, message: null }),
  );
  await waitLine(first.jobId!);
  latencies.push(performance.now() - t);
  for (let r = 1; r < perUser; r++) {
    t = performance.now();
    const reply = await bot.core.continue(ctx, first.story!.id);
    await waitLine(reply.jobId!);
    latencies.push(performance.now() - t);
  }
}
const started = performance.now();
await Promise.all(Array.from({ length: users }, (_, i) => user(i)));
const seconds = (performance.now() - started) / 1000;
const twice = [...delivered.values()].filter((n) => n > 1).length;
console.log(
  `load: ${users} users × ${perUser} requests = ${latencies.length} lines in ${seconds.toFixed(1)} s ` +
    `(${(latencies.length / seconds).toFixed(1)} lines/s), ` +
    `command→line p50 ${(percentile(latencies, 50) / 1000).toFixed(2)} s, ` +
    `p99 ${(percentile(latencies, 99) / 1000).toFixed(2)} s; ` +
    `answered ${delivered.size}/${users * perUser}, delivered twice: ${twice}`,
);
await bot.stop();
rmSync(dir, { recursive: true, force: true });
if (delivered.size !== users * perUser || twice > 0) process.exitCode = 1;
