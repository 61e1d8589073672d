/**
 * The embedded worker's supervisor: a crashed worker comes back after a short backoff; `off` runs none; a
 * restart whose control file cannot be deleted restarts the worker once, not again and again.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startBot } from '../../src/app.ts';
import { WorkerSupervisor } from '../../src/worker/supervisor.ts';
import { testConfig, testTransport } from '../helpers/bot.ts';
import { quietLog, testLog } from '../helpers/log.ts';
import { tinyModel } from '../helpers/models.ts';
import { ROOT } from '../helpers/python.ts';
import { readHeartbeat, until } from '../helpers/worker-process.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('WorkerSupervisor', () => {
  it('starts a crashed worker again after a backoff, and says so', async () => {
    const config = testConfig();
    const logs: string[] = [];
    const env = {
      ...process.env,
      STORYLOOM_DATA_DIR: config.STORYLOOM_DATA_DIR,
      STORYLOOM_MODEL: await tinyModel(),
      STORYLOOM_WORKER_ID: 'embedded-child',
      STORYLOOM_HEARTBEAT_S: '1',
      STORYLOOM_LOCAL_WORKER: 'always',
    };
    const supervisor = new WorkerSupervisor(env, testLog(logs).log);
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

  it('restarts the worker once for a restart whose control file it cannot delete', async () => {
    const config = testConfig();
    // Preloaded into the worker's process: deleting any control/*.json fails with EPERM.
    const preload = pathToFileURL(join(ROOT, 'test/worker/undeletable-control.mjs')).href;
    const env = {
      ...process.env,
      STORYLOOM_DATA_DIR: config.STORYLOOM_DATA_DIR,
      STORYLOOM_MODEL: await tinyModel(),
      STORYLOOM_WORKER_ID: 'embedded-child',
      STORYLOOM_HEARTBEAT_S: '1',
      STORYLOOM_LOCAL_WORKER: 'always',
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${preload}`.trim(),
    };
    const supervisor = new WorkerSupervisor(env, quietLog());
    supervisor.start();
    cleanups.push(() => supervisor.stop());
    await until(() => readHeartbeat(config)?.state === 'running', 60_000, 'the first worker');
    const firstStart = readHeartbeat(config)!.started_at;
    const mailbox = testTransport(config);
    await mailbox.open();
    cleanups.push(() => mailbox.close());
    const commandId = '01JDQ40000000000000000000R';
    const control = JSON.parse(readFileSync(join(ROOT, 'contract/protocol/valid/control-pause.json'), 'utf8'));
    const restart = { ...control, command_id: commandId, command: 'restart', target: 'embedded-child' };
    await mailbox.put('control', `${commandId}.json`, JSON.stringify(restart));
    const restarted = () =>
      (readHeartbeat(config)?.started_at ?? '') > firstStart && readHeartbeat(config)?.state === 'running';
    await until(restarted, 60_000, 'the restarted worker');
    // The new process knows the command from its last heartbeat: several heartbeats later, still one restart.
    await new Promise((r) => setTimeout(r, 4000));
    expect(supervisor.restarts).toBe(1);
    expect(existsSync(join(config.STORYLOOM_DATA_DIR, 'mailbox/control', `${commandId}.json`))).toBe(true);
    const applied = readHeartbeat(config)!.applied_controls.map((c) => [c.command_id, c.command]);
    expect(applied).toEqual([[commandId, 'restart']]);
  }, 150_000);

  it('runs no worker when STORYLOOM_LOCAL_WORKER is off', async () => {
    const config = testConfig({ STORYLOOM_LOCAL_WORKER: 'off' });
    const bot = await startBot(config, testTransport(config), { log: quietLog() });
    cleanups.push(() => bot.stop());
    expect(bot.supervisor).toBeNull();
  });
});
