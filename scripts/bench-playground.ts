/**
 * Load through the playground's HTTP API, as `npm start` runs it (the embedded
 * worker in its own process): N simulated users each send R commands (/story, then
 * /continue in its thread, each after the last line arrived on the event stream).
 * Prints throughput and the p50/p99 of command → line, and checks none was lost.
 * Only `line` events count as answered; `failure` events are counted apart. After
 * `--deadline` seconds it stops waiting and lists the job ids still unanswered.
 *
 * Usage: npm run bench:playground -- [--users 200] [--requests 5] [--model small] [--deadline 600]
 */
import { parseArgs } from 'node:util';
import { followEvents, percentile, playgroundCommand, startBenchPlayground } from './bench-common.ts';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '200' },
    requests: { type: 'string', default: '5' },
    model: { type: 'string', default: 'small' },
    batch: { type: 'string', default: '16' },
    deadline: { type: 'string', default: '600' },
  },
});
const users = Number(values.users),
  perUser = Number(values.requests);
const { url, stop } = await startBenchPlayground('pgload', values.model!, {
  STORYLOOM_MAX_QUEUE: String(users * 2),
  STORYLOOM_WORKER_BATCH: values.batch!,
});

const arrived = new Map<string, number>();
const failed = new Map<string, string>();
const submitted = new Set<string>();
const waiters = new Map<string, () => void>();
await followEvents(url, (event, data) => {
  if (event !== 'line' && event !== 'failure') return;
  const { jobId, text } = data as { jobId: string; text?: string };
  // A failure ends the wait for that job, but it is not an answered line.
  if (event === 'failure') failed.set(jobId, text ?? '');
  else arrived.set(jobId, (arrived.get(jobId) ?? 0) + 1);
  waiters.get(jobId)?.();
});

async function command(user: string, text: string, thread?: string): Promise<{ jobId: string; storyId: string }> {
  const sent = await playgroundCommand(url, user, text, thread);
  submitted.add(sent.jobId);
  return sent;
}
/** Resolves true when the job's line arrived, false when it failed. */
const line = (jobId: string) =>
  arrived.has(jobId) || failed.has(jobId)
    ? Promise.resolve(arrived.has(jobId))
    : new Promise<boolean>((resolve) => waiters.set(jobId, () => resolve(arrived.has(jobId))));

const latencies: number[] = [];
async function user(i: number): Promise<void> {
  let t = performance.now();
  const first = await command(`user${i}`, `/story Story ${i}: the lighthouse keeper climbed the stairs. --length 120`);
  if (await line(first.jobId)) latencies.push(performance.now() - t);
  for (let r = 1; r < perUser; r++) {
    t = performance.now();
    const { jobId } = await command(`user${i}`, '/continue', first.storyId);
    if (await line(jobId)) latencies.push(performance.now() - t);
  }
}
const started = performance.now();
const deadlineS = Number(values.deadline);
let timedOut = false;
const errors: string[] = [];
await Promise.race([
  Promise.all(
    Array.from({ length: users }, (_, i) =>
      user(i).catch((error: Error) => void errors.push(`user${i}: ${error.message}`)),
    ),
  ),
  new Promise<void>((resolve) =>
    setTimeout(() => {
      timedOut = true;
      resolve();
    }, deadlineS * 1000),
  ),
]);
const seconds = (performance.now() - started) / 1000;
const twice = [...arrived.values()].filter((n) => n > 1).length;
const unanswered = [...submitted].filter((id) => !arrived.has(id) && !failed.has(id));
console.log(
  `playground API load: ${users} users × ${perUser} commands = ${latencies.length} lines in ${seconds.toFixed(1)} s ` +
    `(${(latencies.length / seconds).toFixed(1)} lines/s), ` +
    `command→line p50 ${(percentile(latencies, 50) / 1000).toFixed(2)} s, ` +
    `p99 ${(percentile(latencies, 99) / 1000).toFixed(2)} s; answered ${arrived.size}/${users * perUser}, ` +
    `failed: ${failed.size}, unanswered: ${unanswered.length}, twice: ${twice}`,
);
if (timedOut)
  console.log(
    `stopped waiting after the ${deadlineS} s deadline; ${users * perUser - submitted.size} commands were never sent`,
  );
for (const [jobId, text] of failed) console.log(`  failed ${jobId}: ${text}`);
for (const jobId of unanswered) console.log(`  unanswered ${jobId}`);
for (const error of errors) console.log(`  command error ${error}`);
await stop();
process.exit(
  arrived.size === users * perUser && failed.size === 0 && twice === 0 && !timedOut && errors.length === 0 ? 0 : 1,
);
