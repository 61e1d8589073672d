/**
 * The story flow on Slack, end to end, for either mode: a story started with
 * /story, continued and retried by button, given lines by thread replies and a
 * mention, undone, ended and exported; with Slack's pacing and formatting rules.
 */
import { expect, it } from 'vitest';
import {
  buttonOf,
  lineIdOf,
  lineMessages,
  press,
  startStory,
  storyOf,
  until,
  waitForLines,
  type SlackWorld,
} from './harness.ts';

/** The action ids of a message's buttons, as their actions. */
function actionsOf(message: { blocks?: Record<string, unknown>[] }): string[] {
  const block = message.blocks?.find((b) => b.type === 'actions');
  return ((block?.elements ?? []) as { action_id: string }[]).map((e) => e.action_id.split(':')[1]);
}

/** Registers the flow test; `get` gives the running world. */
export function storyFlowTests(get: () => SlackWorld): void {
  it('starts, continues and retries by button, takes a reply and a mention, undoes, ends and exports', async () => {
    const world = get();
    const { fake } = world;
    const channel = fake.addChannel({ name: 'flow' }).id;
    const bob = fake.addUser({ name: 'bob' }).id;
    const alice = fake.defaultUser.id;

    const { delivery, root } = await startStory(
      world,
      'The lighthouse keeper climbed the stairs. --length 60 --temperature 0.7',
      { channel },
    );
    expect((await delivery.waitForAck()).ackMs).toBeLessThan(3000);
    expect(storyOf(world, root.ts)).toMatchObject({
      settings: { temperature: 0.7, max_chars: 60 },
      owner: { id: alice, name: 'alice' },
    });
    expect(storyOf(world, root.ts).lines[0].text).toBe('The lighthouse keeper climbed the stairs.');
    expect(root.text).toContain('The lighthouse keeper climbed the stairs.');

    let lines = await waitForLines(world, channel, root.ts, 1);
    expect(actionsOf(lines[0])).toEqual(['continue', 'retry', 'undo', 'end']);
    expect(lineIdOf(lines[0])).toBe(storyOf(world, root.ts).lines[1].id);
    expect(lines[0].thread_ts).toBe(root.ts);

    await press(world, lines[0], 'continue');
    lines = await waitForLines(world, channel, root.ts, 2);
    expect(storyOf(world, root.ts).lines.map((l) => l.kind)).toEqual(['seed', 'model', 'model']);

    const retried = storyOf(world, root.ts).lines[2];
    await press(world, lines[1], 'retry');
    lines = await waitForLines(world, channel, root.ts, 3);
    const afterRetry = storyOf(world, root.ts);
    expect(afterRetry.lines).toHaveLength(3);
    expect(afterRetry.lines[2].id).not.toBe(retried.id);
    expect(lineIdOf(lines[2])).toBe(afterRetry.lines[2].id);

    const reply = await fake.postUserMessage({
      channel,
      thread_ts: root.ts,
      user: bob,
      text: 'Then the light went out &amp; the sea roared.',
    });
    await until(() => storyOf(world, root.ts).lines.length === 4, 'the reply to join the story');
    expect(storyOf(world, root.ts).lines[3]).toMatchObject({
      kind: 'human',
      text: 'Then the light went out & the sea roared.',
      by: { id: bob, name: 'bob' },
    });
    await until(
      () => fake.message(channel, reply.message.ts)?.reactions.some((r) => r.name === 'white_check_mark'),
      'the ✅ on the reply',
    );

    // Slack sends both an app_mention and a message event for a mention in a thread: one line only.
    const mention = await fake.mention({
      channel,
      thread_ts: root.ts,
      text: 'add The gulls fell silent.',
      alsoMessageEvent: true,
    });
    await until(() => storyOf(world, root.ts).lines.length === 5, 'the mentioned line to join the story');
    await mention.messageDelivery!.waitForAck();
    await until(() => fake.message(channel, mention.message.ts)?.reactions.length, 'the ✅ on the mention');
    expect(
      storyOf(world, root.ts)
        .lines.map((l) => l.text)
        .slice(3),
    ).toEqual(['Then the light went out & the sea roared.', 'The gulls fell silent.']);

    await fake.mention({ channel, thread_ts: root.ts, text: 'undo' });
    const undone = await until(
      () => fake.threadReplies(channel, root.ts).find((m) => m.text?.startsWith('Removed the last line')),
      'the undo notice',
    );
    expect(storyOf(world, root.ts).lines).toHaveLength(4);
    expect(actionsOf(undone)).toEqual(['continue', 'undo', 'end']);

    await press(world, undone, 'end');
    const ended = await until(
      () => fake.threadReplies(channel, root.ts).find((m) => m.text?.startsWith('The end.')),
      'the end notice',
    );
    expect(storyOf(world, root.ts).status).toBe('ended');
    expect(ended.text).toContain('Use @storyloom export in this thread for the whole story.');
    expect(ended.blocks?.some((b) => b.type === 'actions')).toBe(false);

    await fake.mention({ channel, thread_ts: root.ts, text: 'export' });
    const file = await until(
      () => fake.uploadedFiles().find((f) => f.completedAt && f.thread_ts === root.ts),
      'the export',
    );
    expect(file).toMatchObject({
      channel_id: channel,
      filename: expect.stringMatching(/^the-lighthouse-keeper.*\.md$/),
    });
    const markdown = file.bytes!.toString('utf8');
    expect(markdown).toContain('# The lighthouse keeper climbed the stairs.');
    expect(markdown).toContain('alice (opening)');
    expect(markdown).toContain('Then the light went out & the sea roared.');
    expect(markdown).toMatch(/the model \(tiny\), asked by alice/);

    // Every line was posted once; no status message is left; Slack's pacing held.
    expect(lineMessages(world, channel, root.ts).map(lineIdOf)).toEqual([
      afterRetry.lines[1].id,
      retried.id,
      afterRetry.lines[2].id,
    ]);
    const statusMark = /^(⏳|✍️|💤|⏸️)/u;
    expect(fake.threadReplies(channel, root.ts).filter((m) => m.bot_id && statusMark.test(m.text ?? ''))).toEqual([]);
    const posts = fake.callsWhere((c) => c.method === 'chat.postMessage' && c.body.channel === channel);
    expect(posts.every((c) => c.status === 200)).toBe(true);
    expect(Math.min(...fake.postIntervals(channel))).toBeGreaterThanOrEqual(1000);
    expect(buttonOf(lines[2], 'continue')).toMatch(/^sl:continue:/);
  }, 60_000);
}
