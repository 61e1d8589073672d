/**
 * The two real commands on one Drive mailbox (the Drive fake): the bot by
 * `npm start` with STORYLOOM_LOCAL_WORKER=off and the playground, and the Python
 * worker by `python -m colab.worker` (Debian's python3, an access token in
 * DRIVE_ACCESS_TOKEN). A story's line crosses the mailbox between the two
 * processes; SIGTERM ends both cleanly, the worker with a last `stopping`
 * heartbeat and exit code 0.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SMALL_MODEL } from '../helpers/models.ts';
import { PYTHON } from '../helpers/python.ts';
import { until } from '../helpers/worker-process.ts';
import { expectNoSecrets, npmStart, stopCleanly } from './helpers/bot-run.ts';
import { startDriveMailbox, type DriveMailbox } from './helpers/drive-mailbox.ts';
import { botEnv, removeDataDirs } from './helpers/env.ts';
import { PlaygroundClient } from './helpers/playground-client.ts';
import { killAllRuns, startProcess, type ProcessRun } from './helpers/process-run.ts';

const WORKER_ID = 'py-process';
let drive: DriveMailbox;

beforeAll(async () => {
  drive = await startDriveMailbox();
}, 90_000);

afterAll(async () => {
  killAllRuns();
  await drive?.close();
  removeDataDirs();
});

/** `python -m colab.worker` on the mailbox, as the Colab notebook runs it (on the CPU here). */
function startColabWorker(): ProcessRun {
  const args = [
    '-m',
    'colab.worker',
    '--drive-folder',
    drive.folderId,
    '--drive-api-url',
    drive.fake.url,
    '--model',
    SMALL_MODEL,
    '--worker-id',
    WORKER_ID,
    '--device',
    'cpu',
    '--threads',
    '1',
    '--interval',
    '1',
    '--poll',
    '0.1',
    '--quiet',
  ];
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    DRIVE_ACCESS_TOKEN: drive.workerToken,
    PYTHONUNBUFFERED: '1',
  };
  return startProcess('python -m colab.worker', PYTHON, args, env);
}

/** The worker's heartbeat as it stands in the mailbox. */
function heartbeat(): { state: string; jobs_done: number } | undefined {
  const file = drive.fake.files().find((f) => f.name === `${WORKER_ID}.json` && !f.trashed);
  return file && JSON.parse(file.content);
}

it('a story line crosses the Drive mailbox from the Python worker to the bot; SIGTERM stops both cleanly', async () => {
  const worker = startColabWorker();
  const bot = npmStart('npm start (drive, no worker)', botEnv({ ...drive.botEnv, STORYLOOM_LOCAL_WORKER: 'off' }));
  const playground = new PlaygroundClient(await bot.playgroundUrl());
  expect(await bot.startupLine()).toMatch(/mailbox drive, chat playground, local worker off/);
  await until(() => heartbeat()?.state === 'running' || !worker.running, 90_000, "the Python worker's heartbeat");
  expect(worker.running, worker.describe()).toBe(true);

  const id = await playground.startStory('Eve', 'The harbour lights --length 40');
  const story = await playground.waitForLines(id, 2, 90_000);
  expect(story.lines[1]).toMatchObject({ kind: 'model', by: 'storyloom', author: { name: 'Eve' } });
  expect((await playground.health()).worker).toMatchObject({ online: true, id: WORKER_ID });
  // The line is the Python worker's: its next heartbeat counts the job.
  await until(() => (heartbeat()?.jobs_done ?? 0) >= 1, 10_000, 'the heartbeat to count the job');
  expect(bot.embeddedWorkers()).toEqual([]);

  await stopCleanly(bot, { signal: 'SIGTERM', target: 'process' });
  // Measured at 300–500 ms (a last heartbeat, then the I/O pool); the bound leaves room for a loaded machine.
  const stopped = await worker.stop('SIGTERM', 'process', 30_000);
  console.info(`[process] python -m colab.worker: SIGTERM to the process -> ${JSON.stringify(stopped)}`);
  expect({ code: stopped.code, signal: stopped.signal }, worker.describe()).toEqual({ code: 0, signal: null });
  expect(stopped.ms).toBeLessThan(10_000);
  expect(heartbeat()?.state).toBe('stopping');
  expect(worker.processes()).toEqual([]);
  expect(worker.err).not.toMatch(/Traceback/);
  expectNoSecrets(bot, drive.secrets);
  expectNoSecrets(worker, drive.secrets);
}, 180_000);
