/** The embedded worker's supervisor: a crashed worker comes back after a short backoff; `off` runs none. */
import { afterEach, describe, expect, it } from 'vitest';
import { startBot } from '../../src/app.ts';
import { WorkerSupervisor } from '../../src/engine/supervisor.ts';
import { testConfig, testTransport } from '../helpers/bot.ts';
import { tinyModel } from '../helpers/models.ts';
import { readHeartbeat, until } from '../helpers/worker-process.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('WorkerSupervisor', () => {
  it('starts a crashed worker again after a backoff, and says so', async () => {
    const config = testConfig();
    const logs: string[] = [];
    const env = { ...process.env, STORYLOOM_DATA_DIR: config.STORYLOOM_DATA_DIR, STORYLOOM_MODEL: await tinyModel(), STORYLOOM_WORKER_ID: 'embedded-child', STORYLOOM_HEARTBEAT_S: '1', STORYLOOM_LOCAL_WORKER: 'always' };
    const supervisor = new WorkerSupervisor(env, (m) => logs.push(m));
    supervisor.start();
    cleanups.push(() => supervisor.stop());
    await until(() => readHeartbeat(config)?.state === 'running', 60_000, 'the first worker');
    const firstPid = supervisor.pid!;
    const firstStart = readHeartbeat(config)!.started_at;
    process.kill(firstPid, 'SIGKILL');
    await until(() => supervisor.pid !== undefined && supervisor.pid !== firstPid, 10_000, 'a new worker process');
    await until(() => (readHeartbeat(config)?.started_at ?? '') > firstStart, 60_000, 'the new worker heartbeat');
    expect(logs.join('\n')).toMatch(/the embedded worker stopped \(SIGKILL\); starting it again in \d+ s/);
    expect(supervisor.restarts).toBe(0);
  }, 150_000);

  it('runs no worker when STORYLOOM_LOCAL_WORKER is off', async () => {
    const config = testConfig({ STORYLOOM_LOCAL_WORKER: 'off' });
    const bot = await startBot(config, testTransport(config), { log: () => undefined });
    cleanups.push(() => bot.stop());
    expect(bot.supervisor).toBeNull();
  });
});
