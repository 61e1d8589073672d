/**
 * Across languages on the Drive mailbox: the TypeScript bot (JobClient over
 * DriveTransport) and the Python worker (`python -m colab.worker`, over the
 * Drive REST API) on the Drive fake. Small bodies ride in the files' public
 * properties both ways (body-properties.ts, colab/transport/drive/body_properties.py): the
 * worker reads each request from the changes feed, the bot each response, and
 * neither downloads one (the bot downloads only the worker's heartbeats, which
 * are overwritten, so they carry no body).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SMALL_MODEL } from '../../helpers/models.ts';
import { PYTHON, ROOT } from '../../helpers/python.ts';
import { killHard, until } from '../../helpers/worker-process.ts';
import { makeRequest, RecordingBot } from './job-harness.ts';
import { apiFor, startWorld, type DriveWorld } from './world.ts';

let world: DriveWorld;
let bot: RecordingBot;
let worker: ChildProcess;
let output = '';
/** What the bot downloaded (the `what` of each read). */
const botReads: string[] = [];

beforeAll(async () => {
  world = await startWorld({ latencyMs: 10 });
  const api = apiFor(world.fake, 'bot-token');
  const download = api.download.bind(api);
  api.download = (id, what) => {
    botReads.push(what);
    return download(id, what);
  };
  bot = new RecordingBot(await world.open('bot', { api, polling: { fastMs: 100, slowMs: 1000 } }));
  await bot.start();
  worker = spawn(
    PYTHON,
    [
      '-m',
      'colab.worker',
      '--drive-folder',
      world.folderId,
      '--drive-api-url',
      world.fake.url,
      '--model',
      SMALL_MODEL,
      '--worker-id',
      'py-drive',
      '--device',
      'cpu',
      '--threads',
      '1',
      '--interval',
      '2',
      '--poll',
      '0.1',
      '--quiet',
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DRIVE_ACCESS_TOKEN: 'worker-token', PYTHONUNBUFFERED: '1' },
    },
  );
  worker.stdout!.on('data', (d) => (output += d));
  worker.stderr!.on('data', (d) => (output += d));
  let beating = false;
  const stop = bot.transport.subscribe((c) => (beating ||= c.folder === 'workers' && c.name === 'py-drive.json'));
  await until(() => beating, 60_000, "the Python worker's heartbeat")
    .finally(stop)
    .catch((error: Error) => {
      throw new Error(`${error.message}; its output: ${output}`);
    });
}, 90_000);

afterAll(async () => {
  if (worker) await killHard(worker);
  bot?.stop();
  await world?.close();
});

it("answers the bot with no download of a request or a response: bodies come in the files' properties", async () => {
  world.fake.resetCounts();
  botReads.length = 0;
  const prompts = ['Once upon a time', 'The lighthouse keeper climbed the stairs. “Élan”, she said.', 'A dog'];
  const requests = prompts.map((prompt, i) => makeRequest(`user-${i}`, prompt));
  for (const request of requests) await bot.jobs.submit(request);
  await bot.waitFor(
    requests.map((r) => r.job_id),
    60_000,
  );
  const { byPrincipal } = world.fake.counts();
  expect(byPrincipal.worker.calls['files.create']).toBeGreaterThanOrEqual(3);
  expect(byPrincipal.worker.calls['files.get.media']).toBeUndefined();
  expect(botReads.filter((what) => !what.startsWith('reading workers/'))).toEqual([]);
  expect([...bot.deliveries.values()]).toEqual([1, 1, 1]);
  expect(output).not.toMatch(/Traceback/);
}, 90_000);
