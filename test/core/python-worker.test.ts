/**
 * Across languages: the TypeScript bot (core, job client) and the Python worker
 * (`python -m colab.worker`) share one local folder mailbox.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/app.ts';
import { ctx, startTestBot, testConfig } from '../helpers/bot.ts';
import { tinyModel } from '../helpers/models.ts';
import { PYTHON, ROOT } from '../helpers/python.ts';
import type { RecordingDelivery } from '../helpers/recording-delivery.ts';
import { killHard, until } from '../helpers/worker-process.ts';

describe('the TypeScript bot with the Python worker', () => {
  let bot: Bot;
  let delivery: RecordingDelivery;
  let worker: ChildProcess;
  let output = '';
  beforeAll(async () => {
    const config = testConfig({ STORYLOOM_ADMIN_TIMEOUT_S: '30' });
    ({ bot, delivery } = await startTestBot(config));
    worker = spawn(
      PYTHON,
      [
        '-m',
        'colab.worker',
        '--mailbox',
        join(config.STORYLOOM_DATA_DIR, 'mailbox'),
        '--model',
        await tinyModel(),
        '--worker-id',
        'colab-test',
        '--interval',
        '1',
        '--device',
        'cpu',
        '--threads',
        '1',
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    worker.stdout!.on('data', (d) => (output += d));
    worker.stderr!.on('data', (d) => (output += d));
    await until(
      () =>
        bot.workers.workers().some((w) => w.heartbeat.worker_id === 'colab-test' && w.heartbeat.state === 'running'),
      60_000,
      'the Python worker',
    );
  }, 90_000);
  afterAll(async () => {
    if (worker) await killHard(worker);
    await bot?.stop();
  });

  it('its heartbeat reads as a valid v1 heartbeat', () => {
    const beat = bot.workers.workers().find((w) => w.heartbeat.worker_id === 'colab-test')!;
    expect(beat.fresh).toBe(true);
    expect(beat.heartbeat).toMatchObject({
      kind: 'local',
      version: '0.1.0',
      model: { name: 'tiny' },
      device: { type: 'cpu' },
    });
  });

  it('answers a story started through core, and a continuation', async () => {
    const reply = await bot.core.start(
      ctx('ann'),
      { seed: 'The lighthouse keeper climbed the stairs.' },
      async (s) => ({ thread: `t-${s.id}`, message: null }),
    );
    const first = await delivery.waitFor(reply.jobId!, 60_000);
    expect('line' in first && first.line.kind).toBe('model');
    const next = await bot.core.continue(ctx('bob'), reply.story!.id);
    const second = await delivery.waitFor(next.jobId!, 60_000);
    expect('line' in second && second.line.by.name).toBe('Bob');
    expect(bot.stories.get(reply.story!.id).lines).toHaveLength(3);
  }, 120_000);

  it('takes admin commands, confirmed by its heartbeat', async () => {
    const admin = ctx('root', { admin: true });
    expect((await bot.core.admin(admin, { action: 'pause' })).text).toMatch(
      /✅ colab-test: pause confirmed \(state paused\)/,
    );
    expect((await bot.core.admin(admin, { action: 'resume' })).text).toMatch(
      /✅ colab-test: resume confirmed \(state running\)/,
    );
    expect(output).not.toMatch(/Traceback/);
  }, 90_000);
});
