/** Admin commands through core, confirmed by the worker's heartbeat; restart under the real supervisor. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/app.ts';
import { UserError } from '../../src/stories/errors.ts';
import { WorkerSupervisor } from '../../src/worker/supervisor.ts';
import type { Worker } from '../../src/worker/worker.ts';
import { ctx, startTestBot, startTestWorker, testConfig } from '../helpers/bot.ts';
import { quietLog } from '../helpers/log.ts';
import { tinyModel } from '../helpers/models.ts';
import { ROOT } from '../helpers/python.ts';
import { until } from '../helpers/worker-process.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(overrides: Record<string, string> = {}) {
  const config = testConfig({ STORYLOOM_ADMIN_TIMEOUT_S: '15', ...overrides });
  const { bot, delivery } = await startTestBot(config);
  cleanups.push(() => bot.stop());
  return { bot, delivery, config };
}

async function inProcessWorker(bot: Bot, workerId = 'embedded-test'): Promise<Worker> {
  const worker = await startTestWorker(bot.config, await tinyModel(), { workerId });
  cleanups.push(async () => {
    await worker.stop();
    await worker.transport.close();
  });
  await until(() => bot.workers.workers().some((w) => w.heartbeat.worker_id === workerId), 10_000, 'a heartbeat');
  return worker;
}

/** A heartbeat that never takes a command: fresh for a minute, or seen `agoS` seconds ago. */
async function ghost(bot: Bot, workerId: string, agoS = 0): Promise<void> {
  const beat = JSON.parse(readFileSync(join(ROOT, 'contract/protocol/valid/heartbeat-colab.json'), 'utf8'));
  const at = new Date(Date.now() - agoS * 1000).toISOString();
  const heartbeat = { ...beat, worker_id: workerId, at, started_at: at, interval_s: 20 };
  await bot.transport.put('workers', `${workerId}.json`, JSON.stringify(heartbeat));
  await until(() => bot.workers.workers().some((w) => w.heartbeat.worker_id === workerId), 10_000, 'the heartbeat');
}

/** The control files the bot writes, as they are written. */
function controlsSent(bot: Bot): { target: string; command: string }[] {
  const sent: { target: string; command: string }[] = [];
  const put = bot.transport.put.bind(bot.transport);
  bot.transport.put = async (folder, name, text) => {
    if (folder === 'control') sent.push(JSON.parse(text));
    return put(folder, name, text);
  };
  return sent;
}

const admin = ctx('root', { admin: true });

describe('admin commands', () => {
  it('refuse anyone not on the allowlist', async () => {
    const { bot } = await setup();
    const error = await bot.core.admin(ctx('ann'), { action: 'pause' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe('forbidden');
  });

  it('say so when no worker is online', async () => {
    const { bot } = await setup();
    await expect(bot.core.admin(admin, { action: 'pause' })).rejects.toThrow(/No worker is online/);
  });

  it('pause, resume, drain and reload are each confirmed by the heartbeat', async () => {
    const { bot } = await setup();
    const worker = await inProcessWorker(bot);
    for (const [action, state] of [
      ['pause', 'paused'],
      ['resume', 'running'],
      ['drain', 'draining'],
    ] as const) {
      const reply = await bot.core.admin(admin, { action });
      expect(reply.text).toMatch(new RegExp(`✅ embedded-test: ${action} confirmed \\(state ${state}\\)`));
      expect(reply.ephemeral).toBe(true);
      expect(worker.state).toBe(state);
    }
    // Drain differs from pause only in when it is confirmed: the admin hears what that means.
    const drained = await bot.core.admin(admin, { action: 'drain' });
    expect(drained.text).toBe(
      '✅ embedded-test: drain confirmed (state draining). ' +
        'It holds no line and takes no new ones, so it is safe to stop; ' +
        'lines waiting run after /admin resume, or on another worker.',
    );
    await bot.core.start(ctx('ann'), { opening: 'Waiting for the drained worker.' });
    const status = bot.core.status(ctx('ann')).text;
    expect(status).toContain('draining (finishes what it has, takes nothing new until /admin resume)');
    const drainingLine = /Your lines: ⏸️ The worker is draining: it finishes what it has and takes nothing new\. /;
    expect(status).toMatch(drainingLine);
    const loadedAt = worker.modelLoadedAt;
    const reply = await bot.core.admin(admin, { action: 'reload' });
    expect(reply.text).toMatch(/✅ embedded-test: reload confirmed/);
    expect(worker.modelLoadedAt > loadedAt).toBe(true);
  });

  it('restart is confirmed by a new started_at from the restarted process', async () => {
    const { bot, config } = await setup({ STORYLOOM_LOCAL_WORKER: 'always' });
    const supervisor = new WorkerSupervisor(
      {
        ...process.env,
        STORYLOOM_DATA_DIR: config.STORYLOOM_DATA_DIR,
        STORYLOOM_MODEL: await tinyModel(),
        STORYLOOM_WORKER_ID: 'embedded-sup',
        STORYLOOM_HEARTBEAT_S: '1',
        STORYLOOM_LOCAL_WORKER: 'always',
      },
      quietLog(),
    );
    supervisor.start();
    cleanups.push(() => supervisor.stop());
    await until(
      () =>
        bot.workers.workers().some((w) => w.heartbeat.worker_id === 'embedded-sup' && w.heartbeat.state === 'running'),
      60_000,
      'the worker process',
    );
    const before = bot.workers.workers()[0].heartbeat.started_at;
    const pid = supervisor.pid;
    const reply = await bot.core.admin(admin, { action: 'restart' });
    expect(reply.text).toMatch(/✅ embedded-sup: restart confirmed/);
    expect(bot.workers.workers()[0].heartbeat.started_at > before).toBe(true);
    expect(supervisor.restarts).toBe(1);
    expect(supervisor.pid).not.toBe(pid);
  }, 120_000);

  it('the bot deletes the control file once the command is confirmed, when the worker may not', async () => {
    const { bot, config } = await setup();
    const worker = await inProcessWorker(bot);
    // As in My Drive with two accounts: the worker may not delete the bot's file, and applies it once all the same.
    const remove = worker.transport.delete.bind(worker.transport);
    worker.transport.delete = async (folder, name) => {
      if (folder === 'control') throw new Error('storyloom: Drive refused deleting it (403)');
      return remove(folder, name);
    };
    const reply = await bot.core.admin(admin, { action: 'pause' });
    expect(reply.text).toMatch(/✅ embedded-test: pause confirmed/);
    expect(readdirSync(join(config.STORYLOOM_DATA_DIR, 'mailbox/control'))).toEqual([]);
    expect(await bot.transport.list('control')).toEqual([]);
  });

  it('the bot deletes the control file when the confirmation does not come in time', async () => {
    const { bot, config } = await setup({ STORYLOOM_ADMIN_TIMEOUT_S: '5' });
    // A worker that beats but never takes a command.
    const beat = JSON.parse(readFileSync(join(ROOT, 'contract/protocol/valid/heartbeat-colab.json'), 'utf8'));
    const now = new Date().toISOString();
    const ghost = { ...beat, worker_id: 'ghost', at: now, started_at: now, interval_s: 60 };
    await bot.transport.put('workers', 'ghost.json', JSON.stringify(ghost));
    await until(() => bot.workers.workers().some((w) => w.heartbeat.worker_id === 'ghost'), 10_000, 'the heartbeat');
    const reply = await bot.core.admin(admin, { action: 'pause' });
    expect(reply.text).toMatch(/⚠️ Sent pause to ghost, but its heartbeat has not shown the effect within 5 s; /);
    expect(reply.text).toMatch(/a worker that has not taken the command by now will not\./);
    expect(readdirSync(join(config.STORYLOOM_DATA_DIR, 'mailbox/control'))).toEqual([]);
  });

  it('with a worker: that worker only; an id no worker online has is refused with the ids there are', async () => {
    const { bot } = await setup();
    const a = await inProcessWorker(bot, 'embedded-a');
    const b = await inProcessWorker(bot, 'embedded-b');
    await ghost(bot, 'gone', 3600);
    const sent = controlsSent(bot);
    const reply = await bot.core.admin(admin, { action: 'pause', worker: 'embedded-b' });
    expect(reply.text).toBe('✅ embedded-b: pause confirmed (state paused).');
    expect([a.state, b.state]).toEqual(['running', 'paused']);
    // Its id as typed in another case is the same worker.
    expect((await bot.core.admin(admin, { action: 'resume', worker: 'Embedded-B' })).text).toMatch(/✅ embedded-b/);
    expect(sent.map((c) => [c.command, c.target])).toEqual([
      ['pause', 'embedded-b'],
      ['resume', 'embedded-b'],
    ]);
    const unknown = await bot.core.admin(admin, { action: 'pause', worker: 'colab-a100' }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(UserError);
    expect((unknown as UserError).message).toMatch(
      /^No worker online is called colab-a100\. The workers online: embedded-[ab], embedded-[ab]; or all for every one/,
    );
    await expect(bot.core.admin(admin, { action: 'pause', worker: 'gone' })).rejects.toThrow(/^gone is offline\./);
    expect(sent).toHaveLength(2);
    expect([a.state, b.state]).toEqual(['running', 'running']);
  });

  it('with all: a control file per worker online, each confirmed by its own heartbeat, or said not to be', async () => {
    const { bot, config } = await setup({ STORYLOOM_ADMIN_TIMEOUT_S: '5' });
    const a = await inProcessWorker(bot, 'embedded-a');
    const b = await inProcessWorker(bot, 'embedded-b');
    await ghost(bot, 'ghost');
    await ghost(bot, 'gone', 3600);
    const sent = controlsSent(bot);
    const reply = await bot.core.admin(admin, { action: 'pause', worker: 'all' });
    const lines = reply.text.split('\n');
    expect(lines[0]).toBe('Sent pause to 3 workers: 2 confirmed, 1 not in time.');
    expect(lines.slice(1).sort()).toEqual([
      '• ⚠️ ghost: pause not confirmed within 5 s.',
      '• ✅ embedded-a: pause confirmed (state paused).',
      '• ✅ embedded-b: pause confirmed (state paused).',
    ]);
    expect(reply.ephemeral).toBe(true);
    expect([a.state, b.state]).toEqual(['paused', 'paused']);
    // One file each, the offline worker left out; every one deleted, confirmed or not.
    expect(sent.map((c) => c.target).sort()).toEqual(['embedded-a', 'embedded-b', 'ghost']);
    expect(new Set(sent.map((c) => JSON.stringify(c))).size).toBe(3);
    expect(readdirSync(join(config.STORYLOOM_DATA_DIR, 'mailbox/control'))).toEqual([]);
  });

  it('with all, drain says once what a drained worker means', async () => {
    const { bot } = await setup();
    await inProcessWorker(bot, 'embedded-a');
    await inProcessWorker(bot, 'embedded-b');
    const reply = await bot.core.admin(admin, { action: 'drain', worker: 'ALL' });
    expect(reply.text.split('\n')).toEqual([
      'Sent drain to 2 workers: all confirmed.',
      expect.stringMatching(/^• ✅ embedded-[ab]: drain confirmed \(state draining\)\.$/),
      expect.stringMatching(/^• ✅ embedded-[ab]: drain confirmed \(state draining\)\.$/),
      'Each one confirmed holds no line and takes no new ones, so it is safe to stop; lines waiting run after ' +
        '/admin resume, or on another worker.',
    ]);
  });

  it('status shows the worker, the queue and your own lines', async () => {
    const { bot } = await setup();
    await inProcessWorker(bot);
    await bot.core.admin(admin, { action: 'pause' });
    await bot.core.start(ctx('ann'), { seed: 'Waiting for the worker.' });
    const status = bot.core.status(ctx('ann'));
    expect(status.ephemeral).toBe(true);
    expect(status.text).toMatch(/Workers online: 1/);
    expect(status.text).toMatch(/embedded-test \(embedded\): paused/);
    expect(status.text).toMatch(/Queue: 1 line waiting\./);
    expect(status.text).toMatch(/Your lines: ⏸️ The worker is paused/);
    // A local mailbox has no cleanup problems to tell admins about.
    expect(bot.core.status(admin).text).not.toMatch(/filling up/);
  });
});
