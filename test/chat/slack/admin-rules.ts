/**
 * /story-admin and /story-status end to end: the allowlist, and an admin's
 * pause and resume confirmed by the worker's heartbeat; a story started while
 * the worker is paused says its request is saved, and is written on resume.
 */
import { expect, it } from 'vitest';
import { startStory, until, waitForLines, type SlackWorld } from './harness.ts';

/** The member id the test worlds put on SLACK_ADMIN_IDS. */
export const ADMIN_ID = 'UADMIN0001';

async function slash(world: SlackWorld, command: string, text: string, channel: string, user?: string) {
  const delivery = await world.fake.sendSlashCommand({ command, text, channel, user });
  const ack = await delivery.waitForAck();
  expect(ack.ackMs).toBeLessThan(3000);
  const answer = await until(
    () => world.fake.responses(delivery.responseUrl)[0],
    `the answer to ${command} ${text}`,
    15_000,
  );
  return { ack, answer: answer.body as { response_type?: string; text?: string } };
}

/** Registers the admin and status tests; `get` gives the running world. */
export function adminTests(get: () => SlackWorld): void {
  it('refuses /story-admin to a non-admin and confirms an admin’s pause and resume by the heartbeat', async () => {
    const world = get();
    const { fake } = world;
    const worker = world.worker!;
    const channel = fake.addChannel({ name: 'admin' }).id;
    fake.addUser({ id: ADMIN_ID, name: 'ada' });

    const refused = await slash(world, '/story-admin', 'pause', channel);
    expect(refused.answer).toMatchObject({
      response_type: 'ephemeral',
      text: 'Only storyloom admins can control the worker.',
    });
    expect(worker.state).toBe('running');

    const paused = await slash(world, '/story-admin', 'pause', channel, ADMIN_ID);
    expect(paused.ack.payload).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('Sending pause'),
    });
    expect(paused.answer.text).toMatch(/^✅ embedded-test: pause confirmed \(state paused\)\.$/);
    expect(worker.state).toBe('paused');

    let rootTs = '';
    try {
      const { root } = await startStory(world, 'The ship left port at dawn. --length 40', { channel });
      rootTs = root.ts;
      const status = await until(
        () => fake.threadReplies(channel, root.ts).find((m) => m.text?.startsWith('⏸️')),
        'the paused status message',
      );
      expect(status.text).toContain('Your request is saved (#1 in line)');
      const report = await slash(world, '/story-status', '', channel);
      expect(report.answer.response_type).toBe('ephemeral');
      expect(report.answer.text).toContain('Workers online: 1');
      expect(report.answer.text).toContain('embedded-test (embedded): paused');
      expect(report.answer.text).toContain('Queue: 1 line waiting.');
      expect(report.answer.text).toContain('Your lines: ⏸️');
    } finally {
      // Named by its id, as /story-status lists it.
      const resumed = await slash(world, '/story-admin', 'resume embedded-test', channel, ADMIN_ID);
      expect(resumed.ack.payload).toMatchObject({ text: expect.stringContaining('Sending resume to embedded-test;') });
      expect(resumed.answer.text).toMatch(/^✅ embedded-test: resume confirmed \(state running\)/);
    }
    await waitForLines(world, channel, rootTs, 1);
    // The status message makes way for the line: the thread holds only the line.
    const replies = await until(
      () => fake.threadReplies(channel, rootTs).length === 1 && fake.threadReplies(channel, rootTs),
      'the status message to go',
    );
    expect(replies[0].blocks?.[0].block_id).toMatch(/^line:/);
    expect(fake.calls('chat.delete').some((c) => c.body.channel === channel)).toBe(true);
  }, 40_000);
}
