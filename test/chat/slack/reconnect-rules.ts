/**
 * Socket Mode reconnects in the middle of jobs, end to end: a story started while
 * no worker is online says its request is saved; the connection is refreshed and
 * later cut; the lines still arrive, and buttons still work.
 */
import { afterAll, expect, it } from 'vitest';
import {
  expectNoSecretsLogged,
  press,
  startSlackWorld,
  startStory,
  startWorker,
  stopSlackWorld,
  storyOf,
  until,
  waitForLines,
  type SlackWorld,
} from './harness.ts';

/** Registers the reconnect tests (each with its own Socket Mode world). */
export function reconnectTests(): void {
  let world: SlackWorld | undefined;
  afterAll(() => stopSlackWorld(world));

  it('delivers lines of jobs waiting through a reconnect and a dropped connection', async () => {
    world = await startSlackWorld('socket', { worker: false });
    const { fake } = world;
    const { root, channel } = await startStory(world, 'The train was late again. --length 40');
    const status = await until(
      () => fake.threadReplies(channel, root.ts).find((m) => m.text?.startsWith('💤')),
      'the offline status',
    );
    expect(status.text).toContain('No worker is online right now. Your request is saved (#1 in line)');

    fake.requestReconnect('refresh_requested');
    await fake.waitForConnection({ newerThan: 1, timeoutMs: 10_000 });
    world.worker = await startWorker(world.config);
    const [line] = await waitForLines(world, channel, root.ts, 1);
    expect(storyOf(world, root.ts).lines.map((l) => l.kind)).toEqual(['seed', 'model']);
    await until(() => !fake.message(channel, status.ts), 'the status message to go');

    await world.worker.stop();
    await world.worker.transport.close();
    world.worker = null;
    await press(world, line, 'continue');
    await until(() => storyOf(world!, root.ts).pending, 'the second job');
    fake.dropConnections();
    world.worker = await startWorker(world.config);
    await waitForLines(world, channel, root.ts, 2);
    await fake.waitForConnection({ newerThan: 2, timeoutMs: 10_000 });
    expect(fake.connections()[0].closeCode).toBe(1000);
    expect(fake.connections()[1].closeCode).toBe(1006);
    expect(storyOf(world, root.ts).lines.map((l) => l.kind)).toEqual(['seed', 'model', 'model']);
    expectNoSecretsLogged(world);
  }, 40_000);
}
