/** Admin commands through core, confirmed by the worker's heartbeat; restart under the real supervisor. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/app.ts';
import { UserError } from '../../src/core/errors.ts';
import { WorkerSupervisor } from '../../src/engine/supervisor.ts';
import type { EmbeddedWorker } from '../../src/engine/worker.ts';
import { ctx, startTestBot, startTestWorker, testConfig } from '../helpers/bot.ts';
import { tinyModel } from '../helpers/models.ts';
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

async function inProcessWorker(bot: Bot): Promise<EmbeddedWorker> {
  const worker = await startTestWorker(bot.config, await tinyModel());
  cleanups.push(async () => {
    await worker.stop();
    await worker.transport.close();
  });
  await until(() => bot.workers.workers().length > 0, 10_000, 'a heartbeat');
  return worker;
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
    for (const [action, state] of [['pause', 'paused'], ['resume', 'running'], ['drain', 'draining']] as const) {
      const reply = await bot.core.admin(admin, { action });
      expect(reply.text).toMatch(new RegExp(`✅ embedded-test: ${action} confirmed \\(state ${state}\\)`));
      expect(reply.ephemeral).toBe(true);
      expect(worker.state).toBe(state);
    }
    const loadedAt = worker.modelLoadedAt;
    const reply = await bot.core.admin(admin, { action: 'reload' });
    expect(reply.text).toMatch(/✅ embedded-test: reload confirmed/);
    expect(worker.modelLoadedAt > loadedAt).toBe(true);
  });

  it('restart is confirmed by a new started_at from the restarted process', async () => {
    const { bot, config } = await setup({ STORYLOOM_LOCAL_WORKER: 'always' });
    const supervisor = new WorkerSupervisor({ ...process.env, STORYLOOM_DATA_DIR: config.STORYLOOM_DATA_DIR, STORYLOOM_MODEL: await tinyModel(), STORYLOOM_WORKER_ID: 'embedded-sup', STORYLOOM_HEARTBEAT_S: '1', STORYLOOM_LOCAL_WORKER: 'always' }, () => undefined);
    supervisor.start();
    cleanups.push(() => supervisor.stop());
    await until(() => bot.workers.workers().some((w) => w.heartbeat.worker_id === 'embedded-sup' && w.heartbeat.state === 'running'), 60_000, 'the worker process');
    const before = bot.workers.workers()[0].heartbeat.started_at;
    const pid = supervisor.pid;
    const reply = await bot.core.admin(admin, { action: 'restart' });
    expect(reply.text).toMatch(/✅ embedded-sup: restart confirmed/);
    expect(bot.workers.workers()[0].heartbeat.started_at > before).toBe(true);
    expect(supervisor.restarts).toBe(1);
    expect(supervisor.pid).not.toBe(pid);
  }, 120_000);

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
  });
});
