/**
 * Load through the playground's HTTP API, as `npm start` runs it (the embedded
 * worker in its own process): N simulated users each send R commands (/story, then
 * /continue in its thread, each after the last line arrived on the event stream).
 * Prints throughput and the p50/p99 of command → line, and checks none was lost.
 *
 * Usage: npm run bench:playground -- [--users 200] [--requests 5] [--model small]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { goLive, startBot } from '../src/app.ts';
import { PlaygroundAdapter } from '../src/chat/playground/adapter.ts';
import { parseConfig } from '../src/config.ts';
import { resolveModel } from '../src/engine/models.ts';
import { LocalFolderTransport } from '../src/transport/local.ts';
import { percentile } from './bench-common.ts';

const { values } = parseArgs({ options: { users: { type: 'string', default: '200' }, requests: { type: 'string', default: '5' }, model: { type: 'string', default: 'small' }, batch: { type: 'string', default: '16' } } });
const users = Number(values.users), perUser = Number(values.requests);
const dir = mkdtempSync(join(tmpdir(), 'storyloom-pgload-'));
const env = { STORYLOOM_DATA_DIR: dir, STORYLOOM_COOLDOWN_S: '0', STORYLOOM_MAX_QUEUE: String(users * 2), STORYLOOM_LOCAL_WORKER: 'always', STORYLOOM_MODEL: resolveModel(values.model!), STORYLOOM_WORKER_BATCH: values.batch!, STORYLOOM_WORKER_ID: 'embedded-pgload', PLAYGROUND_PORT: '0' };
const config = parseConfig(env);
const bot = await startBot(config, new LocalFolderTransport(join(dir, 'mailbox')), { workerEnv: { ...process.env, ...env }, log: () => undefined });
const playground = new PlaygroundAdapter(config, bot, () => undefined);
await playground.start();
await goLive(bot);
await bot.workers.waitFor((w) => w.some((x) => x.fresh && x.heartbeat.state === 'running'), 60_000);

const arrived = new Map<string, number>();
const waiters = new Map<string, () => void>();
const stream = await fetch(`${playground.url}/api/events`);
void (async () => {
  let buffer = '';
  for await (const chunk of stream.body!) {
    buffer += new TextDecoder().decode(chunk as Uint8Array);
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (!frame.startsWith('event: line') && !frame.startsWith('event: failure')) continue;
      const { jobId } = JSON.parse(frame.slice(frame.indexOf('data: ') + 6)) as { jobId: string };
      arrived.set(jobId, (arrived.get(jobId) ?? 0) + 1);
      waiters.get(jobId)?.();
    }
  }
})().catch(() => undefined);

async function command(user: string, text: string, thread?: string): Promise<{ jobId: string; storyId: string }> {
  const res = await fetch(`${playground.url}/api/command`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, text, thread }) });
  const body = (await res.json()) as { reply: { jobId: string }; storyId: string; error?: { message: string } };
  if (!res.ok) throw new Error(`${res.status} ${body.error?.message}`);
  return { jobId: body.reply.jobId, storyId: body.storyId };
}
const line = (jobId: string) => (arrived.has(jobId) ? Promise.resolve() : new Promise<void>((resolve) => waiters.set(jobId, resolve)));

const latencies: number[] = [];
async function user(i: number): Promise<void> {
  let t = performance.now();
  const first = await command(`user${i}`, `/story Story ${i}: the lighthouse keeper climbed the stairs. --length 120`);
  await line(first.jobId);
  latencies.push(performance.now() - t);
  for (let r = 1; r < perUser; r++) {
    t = performance.now();
    const { jobId } = await command(`user${i}`, '/continue', first.storyId);
    await line(jobId);
    latencies.push(performance.now() - t);
  }
}
const started = performance.now();
await Promise.all(Array.from({ length: users }, (_, i) => user(i)));
const seconds = (performance.now() - started) / 1000;
const twice = [...arrived.values()].filter((n) => n > 1).length;
console.log(`playground API load: ${users} users × ${perUser} commands = ${latencies.length} lines in ${seconds.toFixed(1)} s (${(latencies.length / seconds).toFixed(1)} lines/s), ` +
  `command→line p50 ${(percentile(latencies, 50) / 1000).toFixed(2)} s, p99 ${(percentile(latencies, 99) / 1000).toFixed(2)} s; answered ${arrived.size}/${users * perUser}, twice: ${twice}`);
await playground.stop();
await bot.stop();
rmSync(dir, { recursive: true, force: true });
process.exit(arrived.size === users * perUser && twice === 0 ? 0 : 1);
