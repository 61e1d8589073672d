/**
 * The setup a community is told to use (docs/drive.md), as real processes: the
 * bot (`npm start`, the playground on, no local worker) signed in as a service
 * account, the Colab worker (`python -m colab.worker`) as a Google user, both
 * Content managers (`fileOrganizer`) of a Shared Drive in the Drive fake, the
 * mailbox made by `npm run mailbox:init -- --parent <drive>`. 200 stories from
 * 20 users go in at once; each is answered and its line posted exactly once, both
 * sides clean up by trashing (a Content manager may not delete), nothing warns,
 * both stay up and stop cleanly, no secret is printed, and a job's Drive path
 * stays within its budget of calls (printed per side and method).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tinyModel } from '../helpers/models.ts';
import { until } from '../helpers/worker-process.ts';
import { expectNoSecrets, npmStart, stopCleanly } from './helpers/bot-run.ts';
import { callsPerJob, describeCallsPerJob } from './helpers/calls-per-job.ts';
import { heartbeatIn, startColabWorker, stopWorkerCleanly } from './helpers/colab-worker-run.ts';
import { botEnv, removeDataDirs } from './helpers/env.ts';
import { filesIn } from './helpers/mailbox-files.ts';
import { PlaygroundClient } from './helpers/playground-client.ts';
import { PlaygroundFeed } from './helpers/playground-feed.ts';
import { killAllRuns } from './helpers/process-run.ts';
import { SIDES, startSharedDriveMailbox, type SharedDriveMailbox } from './helpers/shared-drive-mailbox.ts';
import { expectJobsAnswered } from './helpers/story-checks.ts';

const USERS = 20;
const JOBS = 200;
const WORKER_ID = 'colab-shared-drive';
/** The most Drive calls a job's path may cost, both sides together (asserted). */
const PATH_CALLS_PER_JOB = 6;
/** What either side says when Drive will not let it remove a file. */
const CLEANUP_WARNING = /could not be removed|refused both|neither delete nor trash|may not move files|filling up/i;

let mailbox: SharedDriveMailbox;
let model: string;

beforeAll(async () => {
  [mailbox, model] = await Promise.all([startSharedDriveMailbox({ tap: true }), tinyModel()]);
}, 120_000);

afterAll(async () => {
  killAllRuns();
  await mailbox?.close();
  removeDataDirs();
});

/** Whether `check` came to hold within `timeoutMs`, looked at every `everyMs` (dumping the fake's files costs). */
async function settles(check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 250): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return true;
}

/** The lines of `output` that say a file could not be removed. */
const warningsOf = (output: string) => output.split('\n').filter((line) => CLEANUP_WARNING.test(line));

const untrashed = (folder: string) => filesIn(mailbox.fake, mailbox.folderId, folder).filter((f) => !f.trashed);

it('200 jobs cross a Shared Drive mailbox between a service account and a Colab user; both trash', async () => {
  const { fake, tap } = mailbox;
  expect(mailbox.initOutput).toMatch(new RegExp(`Mailbox ready in Shared Drive ${mailbox.driveId}, as storyloom-bot@`));
  const worker = startColabWorker({
    folderId: mailbox.folderId,
    apiUrl: tap!.url,
    token: mailbox.workerToken,
    model,
    workerId: WORKER_ID,
    args: ['--quiet'],
  });
  const bot = npmStart(
    'npm start (service account, Shared Drive)',
    botEnv({
      ...mailbox.botEnv,
      STORYLOOM_LOCAL_WORKER: 'off',
      STORYLOOM_MAX_IN_FLIGHT: String(JOBS / USERS),
      STORYLOOM_MAX_QUEUE: String(JOBS * 2),
    }),
  );
  const playground = new PlaygroundClient(await bot.playgroundUrl());
  expect(await bot.startupLine()).toMatch(/mailbox drive, chat playground, local worker off/);
  await until(() => heartbeatIn(fake, WORKER_ID)?.state === 'running' || !worker.running, 90_000, 'the heartbeat');
  expect(worker.running, worker.describe()).toBe(true);
  const online = await settles(async () => (await playground.health()).worker.online, 30_000);
  expect(online, 'the bot sees the worker').toBe(true);

  const feed = await PlaygroundFeed.open(playground.url);
  fake.resetCounts();
  tap!.reset();
  const started = performance.now();
  const users = Array.from({ length: JOBS }, (_, i) => `writer${String(i % USERS).padStart(2, '0')}`);
  // All at once: every user's jobs in flight together (STORYLOOM_MAX_IN_FLIGHT is 10).
  const ids = await Promise.all(users.map((user, i) => playground.startStory(user, `Tale ${i} --length 20`)));
  const gone = () => !bot.running || !worker.running;
  await until(() => feed.lines.length >= JOBS || feed.failures.length > 0 || gone(), 90_000, `${JOBS} lines`);
  const answeredMs = Math.round(performance.now() - started);
  // Asserted below, where a failure says why: warnings, refusals, what was left.
  await settles(() => gone() || untrashed('requests').length + untrashed('responses').length === 0, 20_000);
  const counts = fake.counts();
  const sides = tap!.sides();
  const perJob = callsPerJob(counts, sides, [SIDES.bot, SIDES.worker], JOBS);
  console.log(`[shared-drive] ${describeCallsPerJob(perJob)}; answered in ${answeredMs} ms`);
  // Before anything that shows their output: it must hold no secret.
  for (const run of [bot, worker]) expectNoSecrets(run, mailbox.secrets);
  expect(bot.running, bot.describe()).toBe(true);
  expect(worker.running, worker.describe()).toBe(true);

  // Cleanup as a Content manager: nothing warns, nothing refused, no files.delete, every file trashed once.
  for (const run of [bot, worker]) expect(warningsOf(run.out + run.err), run.name).toEqual([]);
  expect(await playground.command('admin', '/status')).not.toMatch(CLEANUP_WARNING);
  for (const side of Object.values(SIDES)) {
    expect(sides[side]?.statuses[403], `${side}: 403 answers`).toBeUndefined();
    expect(counts.byPrincipal[side]?.calls['files.delete'], `${side}: files.delete`).toBeUndefined();
  }
  expect(sides[SIDES.bot].trashes, "the bot's trashes by status").toEqual({ 200: 2 * JOBS });
  expect(sides[SIDES.worker]?.trashes ?? {}, "the worker's trashes").toEqual({});
  // One request and one response per job, both in the trash.
  for (const folder of ['requests', 'responses']) {
    const files = filesIn(fake, mailbox.folderId, folder);
    expect(new Set(files.map((f) => f.name)).size, `${folder}/`).toBe(JOBS);
    expect(
      files.filter((f) => !f.trashed).map((f) => f.name),
      `${folder}/ untrashed`,
    ).toEqual([]);
  }

  // Every job answered, its line posted once and kept once; none left waiting.
  expect(feed.failures).toEqual([]);
  await expectJobsAnswered(playground, feed, ids);
  expect(await playground.command('admin', '/status')).toMatch(/Queue: 0 lines waiting\./);
  expect(perJob.pathTotal, describeCallsPerJob(perJob)).toBeLessThanOrEqual(PATH_CALLS_PER_JOB);
  // No late repeat came while the checks ran.
  expect(feed.lines).toHaveLength(JOBS);
  expect(feed.ended).toBeUndefined();

  await feed.close();
  await stopCleanly(bot, { signal: 'SIGTERM', target: 'process' });
  await stopWorkerCleanly(worker);
  expect(heartbeatIn(fake, WORKER_ID)?.state).toBe('stopping');
  for (const run of [bot, worker]) expectNoSecrets(run, mailbox.secrets);
  for (const secret of mailbox.secrets) expect(mailbox.initOutput.includes(secret)).toBe(false);
}, 180_000);
