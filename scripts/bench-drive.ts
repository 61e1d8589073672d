/**
 * `npm run bench:drive`: the Drive mailbox against the Drive fake with 150 ms
 * added to every call. Sections (all by default; `--only a,b` picks some):
 *
 * - `feed`: round trips with an instant worker (no generation): the bot is the
 *   real JobClient over DriveTransport; latency percentiles and API calls per
 *   job (the path, and cleanup deletes apart), 8 users and a lone one.
 * - `colab-calls`: the same bot with the real Colab worker (`python -m
 *   colab.worker`, default settings) writing lines of about 0.1, 1 and 3 s: calls
 *   per job between submit and delivery, and with the gaps between jobs.
 * - `colab-idle`: one job after an idle spell, bot and Colab worker on their
 *   defaults, against the worker's old idle poll, side by side in one run; and
 *   each side's calls a minute while idle.
 * - `idle`: one job after an idle spell with a TypeScript worker at the bot's
 *   own pace (the embedded worker's), several pairs side by side.
 * - `legacy`: the original design (each side lists its folder every 4 s), and
 *   idle calls a minute per side.
 *
 *   npm run bench:drive [-- --jobs 160 --users 8 --fast-ms 250 --idle-s 60 --idle-trials 16 --idle-slow-ms 5000
 *                          --colab-jobs 16 --only colab-idle,colab-calls]
 */
import { parseConfig } from '../src/config.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { DriveApi } from '../src/transport/drive/api.ts';
import { DriveTransport } from '../src/transport/drive/drive.ts';
import { initMailbox } from '../src/transport/drive/init.ts';
import { openMailbox, type MailboxFolders } from '../src/transport/drive/mailbox-folders.ts';
import { startDriveFake, type DriveFake } from '../test/fakes/drive/index.ts';
import { InstantResponder, makeRequest, RecordingBot } from '../test/transport/drive/job-harness.ts';
import { apiFor } from '../test/transport/drive/world.ts';
import { RUNNING_IDLE_POLL_MS } from '../src/worker/options.ts';
import { percentile } from './bench-common.ts';
import { callsPerJob, idleSpell, reportCallsPerJob } from './bench-drive-colab.ts';
import { PATH_METHODS, sumOf } from './bench-drive-worker.ts';
import { silentLogger } from '../src/log.ts';

/** The Colab worker's idle poll on Drive (colab/worker/options.py), for the random part of each idle-spell wait. */
const COLAB_IDLE_POLL_S = 1.2;

const { values: args } = parseArgs({
  options: {
    jobs: { type: 'string', default: '160' },
    users: { type: 'string', default: '8' },
    'fast-ms': { type: 'string', default: '250' },
    'latency-ms': { type: 'string', default: '150' },
    'idle-s': { type: 'string', default: '60' },
    'idle-trials': { type: 'string', default: '16' },
    'idle-slow-ms': { type: 'string' },
    'colab-jobs': { type: 'string', default: '16' },
    only: { type: 'string' },
  },
});
/** The sections to run (`--only feed,idle,colab-idle,colab-calls,legacy`); all by default. */
const only = (section: string) => !args.only || args.only.split(',').includes(section);
const LATENCY = Number(args['latency-ms']);
const LABELS = ['bot', 'worker', 'running-worker', 'legacy-bot', 'legacy-worker'];
const IDLE_LABELS = ['idle-bot', 'idle-worker'];

/** A round-trip run's numbers. */
interface RunResult {
  name: string;
  jobs: number;
  ms: number[];
  path: number;
  cleanup: number;
  bySide: Record<string, number>;
}

/** Closed loop: `users` users each submit a job, wait for its delivery, and submit the next. */
async function roundTrips(
  name: string,
  fake: DriveFake,
  submit: (user: string) => Promise<string>,
  delivered: (id: string) => number | undefined,
  labels: string[],
  jobs: number,
  users: number,
): Promise<RunResult> {
  fake.resetCounts();
  const ms: number[] = [];
  let left = jobs;
  await Promise.all(
    Array.from({ length: users }, async (_, u) => {
      while (left-- > 0) {
        const started = performance.now();
        const id = await submit(`user-${u}`);
        while (delivered(id) === undefined) await sleep(5);
        ms.push(delivered(id)! - started);
      }
    }),
  );
  await sleep(1000); // let the cleanup deletes land before counting
  const counts = fake.counts().byPrincipal;
  const bySide = Object.fromEntries(labels.map((l) => [l, sumOf(counts[l]?.calls, PATH_METHODS) / jobs]));
  return {
    name,
    jobs,
    ms: ms.sort((a, b) => a - b),
    path: labels.reduce((n, l) => n + sumOf(counts[l]?.calls, PATH_METHODS), 0) / jobs,
    cleanup: labels.reduce((n, l) => n + sumOf(counts[l]?.calls, ['files.delete']), 0) / jobs,
    bySide,
  };
}

/** The original design: the bot and the worker each list their folder every 4 s. */
class ListingPoller {
  readonly seen = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  constructor(
    private readonly api: DriveApi,
    private readonly folderId: string,
    private readonly onFile: (id: string, name: string) => Promise<void>,
  ) {}
  start(offsetMs: number, everyMs = 4000): void {
    const tick = async () => {
      const files = await this.api.listFiles(`'${this.folderId}' in parents and trashed = false`, undefined, 'listing');
      await Promise.all(
        files
          .filter((f) => !this.seen.has(f.id))
          .map((f) => {
            this.seen.add(f.id);
            return this.onFile(f.id, f.name);
          }),
      );
    };
    this.timer = setTimeout(() => {
      this.timer = setInterval(() => void tick().catch(() => undefined), everyMs);
    }, offsetMs);
  }
  stop(): void {
    clearTimeout(this.timer);
    clearInterval(this.timer);
  }
}

/** Bot and worker of the original design, on the same mailbox. */
function legacyPair(fake: DriveFake, folders: MailboxFolders) {
  const botApi = apiFor(fake, 'legacy-bot-token');
  const workerApi = apiFor(fake, 'legacy-worker-token');
  const deliveredAt = new Map<string, number>();
  const requestIds = new Map<string, string>();
  const worker = new ListingPoller(workerApi, folders.ids.requests, async (id, name) => {
    const request = JSON.parse(await workerApi.download(id, 'reading')) as { job_id: string };
    await workerApi.createFile(
      (await workerApi.generateIds(1))[0],
      folders.ids.responses,
      name,
      JSON.stringify({ job_id: request.job_id, text: 'x' }),
      'answering',
    );
  });
  const bot = new ListingPoller(botApi, folders.ids.responses, async (id, name) => {
    const jobId = (JSON.parse(await botApi.download(id, 'reading')) as { job_id: string }).job_id;
    deliveredAt.set(jobId, performance.now());
    await botApi.deleteFile(requestIds.get(jobId)!, 'cleaning up');
    await botApi.deleteFile(id, 'cleaning up');
    void name;
  });
  const submit = async (user: string) => {
    const request = makeRequest(user);
    const meta = await botApi.createFile(
      (await botApi.generateIds(1))[0],
      folders.ids.requests,
      `${request.job_id}.json`,
      JSON.stringify(request),
      'submitting',
    );
    requestIds.set(request.job_id, meta.id);
    return request.job_id;
  };
  return { bot, worker, deliveredAt, submit };
}

function report(r: RunResult): void {
  const sides = Object.entries(r.bySide)
    .filter(([, n]) => n > 0)
    .map(([l, n]) => `${l} ${n.toFixed(2)}`)
    .join(', ');
  console.log(
    `${r.name.padEnd(44)} p50 ${(percentile(r.ms, 50) / 1000).toFixed(2)} s  ` +
      `p90 ${(percentile(r.ms, 90) / 1000).toFixed(2)} s  ` +
      `p99 ${(percentile(r.ms, 99) / 1000).toFixed(2)} s  ` +
      `calls/job ${r.path.toFixed(2)} (${sides}) + cleanup deletes ${r.cleanup.toFixed(2)}`,
  );
}

type Transports = (label: string, polling: { fastMs: number; slowMs: number }) => DriveTransport;

/** The changes-feed mailbox: JobClient and an instant worker, each on a DriveTransport. */
async function feedRuns(
  fake: DriveFake,
  transport: Transports,
  fastMs: number,
  runs: [users: number, jobs: number][],
): Promise<void> {
  const { DRIVE_POLL_SLOW_MS: slowMs } = parseConfig({});
  const bot = new RecordingBot(transport('bot', { fastMs, slowMs }));
  const worker = new InstantResponder(transport('worker', { fastMs, slowMs }));
  await bot.transport.open();
  await worker.transport.open();
  await bot.start();
  await worker.start();
  const submit = async (user: string) => {
    const request = makeRequest(user);
    await bot.jobs.submit(request);
    return request.job_id;
  };
  for (const [users, jobs] of runs) {
    report(
      await roundTrips(
        `changes feed, poll ${fastMs} ms, ${users} user${users > 1 ? 's' : ''}`,
        fake,
        submit,
        (id) => bot.deliveredAt.get(id),
        ['bot', 'worker'],
        jobs,
        users,
      ),
    );
  }
  // One mailbox user at a time: this bot would tidy away the other design's responses.
  bot.stop();
  worker.stop();
  await Promise.all([bot.transport.close(), worker.transport.close()]);
}

/**
 * Idle calls a minute per side: production polling, a heartbeat every 5 s; the original design's pollers run
 * alongside.
 */
async function idleRun(fake: DriveFake, transport: Transports, idleS: number): Promise<void> {
  const { DRIVE_POLL_FAST_MS: fastMs, DRIVE_POLL_SLOW_MS: slowMs } = parseConfig({});
  console.log(
    `\nIdle for ${idleS} s (after 16 s to settle), default polling (${fastMs}/${slowMs} ms), ` +
      "each worker's heartbeat every 5 s " +
      `(worker: standing by; running-worker: the embedded worker taking jobs, idle poll ${RUNNING_IDLE_POLL_MS} ms):`,
  );
  const bot = new RecordingBot(transport('bot', { fastMs, slowMs }));
  const workers = [transport('worker', { fastMs, slowMs }), transport('running-worker', { fastMs, slowMs })];
  await bot.transport.open();
  for (const worker of workers) await worker.open();
  workers[1].setIdlePoll(RUNNING_IDLE_POLL_MS);
  await bot.start();
  const beats = workers.map((worker, i) =>
    setInterval(
      () =>
        void worker.put(
          'workers',
          `bench-worker-${i}.json`,
          JSON.stringify({ v: 1, type: 'heartbeat', at: new Date().toISOString() }),
        ),
      5000,
    ),
  );
  await sleep(16_000);
  fake.resetCounts();
  await sleep(idleS * 1000);
  const counts = fake.counts().byPrincipal;
  for (const label of LABELS) {
    const calls = counts[label]?.calls ?? {};
    const total = Object.values(calls).reduce((a, b) => a + b, 0);
    const perMin = Object.fromEntries(Object.entries(calls).map(([m, n]) => [m, +((n * 60) / idleS).toFixed(1)]));
    console.log(`  ${label.padEnd(14)} ${((total * 60) / idleS).toFixed(1)} calls/min  ${JSON.stringify(perMin)}`);
  }
  for (const beat of beats) clearInterval(beat);
  bot.stop();
  await Promise.all([bot.transport.close(), ...workers.map((w) => w.close())]);
}

/**
 * One job after a quiet spell, with a TypeScript worker on a DriveTransport: each trial waits until both sides
 * poll at their idle pace (three slow intervals) plus a random part of one, submits one job and times its
 * delivery. Two cases side by side, `pairs` pairs each, each pair on its own fake: the worker at the bot's slow
 * pace (as the embedded worker polled before, and still does standing by), and at RUNNING_IDLE_POLL_MS (as the
 * embedded worker does now while it takes jobs).
 */
async function idleThenOneJob(trials: number): Promise<void> {
  const { DRIVE_POLL_FAST_MS: fastMs, DRIVE_POLL_SLOW_MS: slowMs } = parseConfig(
    args['idle-slow-ms'] ? { DRIVE_POLL_SLOW_MS: args['idle-slow-ms'] } : {},
  );
  const cases: [string, number | undefined][] = [
    [`embedded worker before (idle poll ${slowMs} ms, the bot's)`, undefined],
    [`embedded worker now (idle poll ${RUNNING_IDLE_POLL_MS} ms while it takes jobs)`, RUNNING_IDLE_POLL_MS],
  ];
  const pairs = Math.min(4, trials);
  const results = cases.map(() => [] as number[]);
  await Promise.all(
    cases.flatMap(([, idleMs], c) =>
      Array.from({ length: pairs }, async (_, p) => {
        // A fake per pair: on one fake (one account's changes feed), the pairs' idle workers were seen to find jobs
        // sooner.
        const fake = await startDriveFake({
          principals: IDLE_LABELS.map((label) => ({ token: `${label}-token`, email: 'me@example.com', label })),
        });
        const { rootId } = await initMailbox(apiFor(fake, 'idle-bot-token'));
        fake.setLatency(LATENCY);
        const transport = (label: string) =>
          new DriveTransport({
            api: apiFor(fake, `${label}-token`, { timeoutMs: 10_000 }),
            folderId: rootId,
            polling: { fastMs, slowMs },
            log: silentLogger(),
          });
        const bot = new RecordingBot(transport('idle-bot'));
        const worker = new InstantResponder(transport('idle-worker'));
        await bot.transport.open();
        await worker.transport.open();
        worker.transport.setIdlePoll(idleMs);
        await bot.start();
        await worker.start();
        for (let t = p; t < trials; t += pairs) {
          await sleep(3 * slowMs + Math.random() * (idleMs ?? slowMs));
          const request = makeRequest(`idle-${p}`);
          const started = performance.now();
          await bot.jobs.submit(request);
          await bot.waitFor([request.job_id], 60_000);
          results[c].push(bot.deliveredAt.get(request.job_id)! - started);
        }
        bot.stop();
        worker.stop();
        await Promise.all([bot.transport.close(), worker.transport.close()]);
        await fake.close();
      }),
    ),
  );
  for (const [c, [name]] of cases.entries()) {
    const ms = results[c].sort((a, b) => a - b);
    console.log(
      `${`idle, then one job: ${name}`.padEnd(58)} p50 ${(percentile(ms, 50) / 1000).toFixed(2)} s  ` +
        `p90 ${(percentile(ms, 90) / 1000).toFixed(2)} s  ` +
        `p99 ${(percentile(ms, 99) / 1000).toFixed(2)} s  max ${(ms[ms.length - 1] / 1000).toFixed(2)} s  ` +
        `(${ms.length} trials)`,
    );
  }
}

async function main(): Promise<void> {
  const jobs = Number(args.jobs);
  const users = Number(args.users);
  const fastMs = Number(args['fast-ms']);
  const fake = await startDriveFake({
    principals: LABELS.map((label) => ({ token: `${label}-token`, email: 'me@example.com', label })),
  });
  const { rootId } = await initMailbox(apiFor(fake, 'bot-token'));
  const folders = await openMailbox(apiFor(fake, 'bot-token'), rootId);
  fake.setLatency(LATENCY);
  const transport: Transports = (label, polling) =>
    new DriveTransport({
      api: apiFor(fake, `${label}-token`, { timeoutMs: 10_000 }),
      folderId: rootId,
      polling,
      log: silentLogger(),
    });
  console.log(
    `Drive fake, ${LATENCY} ms per call; instant responses, no generation. Calls/job: ${PATH_METHODS.join(', ')}.\n`,
  );

  if (only('feed')) {
    await feedRuns(fake, transport, fastMs, [
      [users, jobs],
      [1, Math.min(jobs, 40)],
    ]);
    await feedRuns(fake, transport, 1000, [[users, Math.min(jobs, 80)]]);
  }
  if (only('colab-calls')) {
    console.log(
      '\nThe Colab worker (python -m colab.worker, default settings, ' +
        'a tiny model slowed to lines of about 0.1, 1 and 3 s):',
    );
    reportCallsPerJob(await callsPerJob([0.3, 9, 29], LATENCY, Number(args['colab-jobs'])));
  }
  if (only('colab-idle')) {
    console.log(
      '\nOne job after an idle spell, bot and Colab worker on their default settings ' +
        "(before: the worker's old idle poll, 3 s):",
    );
    await idleSpell(
      [
        { name: 'Colab worker, before (--idle-poll 3)', workerArgs: ['--idle-poll', '3'], idlePollS: 3 },
        { name: 'Colab worker, now (its defaults)', workerArgs: [], idlePollS: COLAB_IDLE_POLL_S },
      ],
      LATENCY,
      Number(args['idle-trials']),
      4,
    );
  }
  if (only('idle')) await idleThenOneJob(Number(args['idle-trials']));
  if (only('legacy')) {
    const legacy = legacyPair(fake, folders);
    // Half a period apart: the average case (in phase, every job would wait two full periods).
    legacy.bot.start(0);
    legacy.worker.start(2000);
    report(
      await roundTrips(
        `original: list every 4 s, ${users} users`,
        fake,
        legacy.submit,
        (id) => legacy.deliveredAt.get(id),
        ['legacy-bot', 'legacy-worker'],
        Math.min(jobs, 80),
        users,
      ),
    );
    await idleRun(fake, transport, Number(args['idle-s']));
    legacy.bot.stop();
    legacy.worker.stop();
  }
  await fake.close();
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
