/**
 * Slack votes across a restart, with a hand-played worker that writes the candidates: the job's status message
 * says where its candidates went; a vote open at the stop is resumed by the new bot (presses count and update the
 * same message, which is not posted again, and it closes at its window); a vote whose window ran out while the bot
 * was down closes once when it is back (its winner posted once, its message updated once); and a vote message
 * posted by a bot that stopped before saving its ts is found in the thread instead of posted again (and one that
 * was deleted is posted again).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { voteButtons, voteView } from '../../../src/core/vote-text.ts';
import {
  lineIdOf,
  lineMessages,
  startSlackWorld,
  startStory,
  stopSlackWorld,
  storyOf,
  until,
  waitForLines,
  type SlackWorld,
} from './harness.ts';
import {
  buttonIds,
  CandidateWorker,
  footerOf,
  headerOf,
  pressVote,
  restartGracefully,
  untilMessage,
  updatesOf,
  voteMessages,
  votePosts,
  votesOf,
  waitForVote,
  withEvent,
} from './vote-helpers.ts';

describe('Slack: votes across a restart', () => {
  let world: SlackWorld;
  let worker: CandidateWorker;
  beforeAll(async () => {
    world = await startSlackWorld('socket', { worker: false, env: { STORYLOOM_VOTE_WINDOW_S: '12' } });
    worker = await CandidateWorker.open(world.config);
  });
  afterAll(async () => {
    await worker?.close();
    // Votes still open stop their timers, as when the process ends.
    await world?.bot.drain(5000);
    await stopSlackWorld(world);
  });

  /** Starts a story asking for `texts.length` candidates, answers its job with them, and waits for the vote. */
  async function storyVotingOn(name: string, seed: string, texts: string[]) {
    await worker.serve(world);
    const channel = world.fake.addChannel({ name }).id;
    const { root } = await startStory(world, `${seed} --length 40 --candidates ${texts.length}`, { channel });
    const request = await worker.waitingJob(world, root.ts);
    expect(request.candidates).toBe(texts.length);
    const [status] = await until(() => {
      const found = withEvent(world, channel, root.ts, 'storyloom_status');
      return found.length === 1 && found;
    }, 'the job’s status message');
    await worker.answer(request, texts);
    const vote = await waitForVote(world, channel, root.ts);
    return { channel, root, request, status, vote };
  }

  it('resumes a vote open at the stop: presses update the same message, and it closes at its window', async () => {
    const bob = world.fake.addUser({ name: 'bob' }).id;
    const texts = ['Nobody came aboard.', 'The gulls waited too.', 'Then the fog came in.'];
    const { channel, root, request, status, vote } = await storyVotingOn('vote-open', 'The ferry waited.', texts);
    // The job's status message now says where its candidates went; it is no status any more.
    const done = await untilMessage(
      world,
      status,
      (m) => m.text === '✅ Written: 3 candidates are up for a vote in the thread.',
      'the status message finished',
    );
    expect(done.metadata).toEqual({ event_type: 'storyloom_done', event_payload: { job_id: request.job_id } });
    const order = world.fake.threadReplies(channel, root.ts).map((m) => m.ts);
    expect(order.indexOf(status.ts)).toBeLessThan(order.indexOf(vote.ts));
    // The message's ts is saved in the story once Slack has answered the post (a moment after the fake shows it).
    const opened = await until(() => {
      const saved = storyOf(world, root.ts).vote!;
      return saved.message !== null && saved;
    }, 'the vote message’s ts saved in the story');
    expect(opened).toMatchObject({ status: 'open', message: vote.ts });

    await restartGracefully(world);
    const restartedAt = Date.now();
    expect(storyOf(world, root.ts).vote).toMatchObject({ id: opened.id, status: 'open', message: vote.ts });
    expect(await pressVote(world, vote, 2, bob)).toBe('You voted for candidate 2.');
    await untilMessage(world, vote, (m) => votesOf(m, 2) === '1 vote (bob)', 'the count on the same message');
    expect(updatesOf(world, vote).filter((c) => c.at >= restartedAt).length).toBeGreaterThanOrEqual(1);

    // Alice, who asked, does not vote: the window closes it, in the new bot.
    const closed = await untilMessage(world, vote, (m) => buttonIds(m).length === 0, 'the vote closed at its window');
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(opened.closes_at));
    expect(headerOf(closed)).toBe('🗳️ Candidate 2 won, with 1 vote');
    expect(footerOf(closed)).toMatch(/^The vote’s time ran out\. It is the story’s next line;/);
    const [line] = await waitForLines(world, channel, root.ts, 1);
    const story = storyOf(world, root.ts);
    expect(lineIdOf(line)).toBe(story.head);
    expect(story.lines.find((l) => l.id === story.head)).toMatchObject({
      text: 'The gulls waited too.',
      vote: { vote_id: opened.id, n: 2, won: true, closed_by: 'window', voters: [{ id: bob, name: 'bob' }] },
    });
    expect(votePosts(world, channel, restartedAt)).toEqual([]);
    expect(voteMessages(world, channel, root.ts).map((m) => m.ts)).toEqual([vote.ts]);
    // The status message stays as it is (the new bot's look at the thread does not take it for a status).
    expect(world.fake.message(channel, status.ts)?.text).toBe(done.text);
  }, 60_000);

  it('closes once, when the bot is back, a vote whose window ran out while it was down', async () => {
    // The bot restarts with a shorter window, for the votes it opens from then on.
    world.config = { ...world.config, STORYLOOM_VOTE_WINDOW_S: 5 };
    await restartGracefully(world);
    const carol = world.fake.addUser({ name: 'carol' }).id;
    const texts = ['The tide went out.', 'A boat came round the point.'];
    const { channel, root, vote } = await storyVotingOn('vote-down', 'The pier was empty.', texts);
    expect(await pressVote(world, vote, 2, carol)).toBe('You voted for candidate 2.');
    await untilMessage(world, vote, (m) => votesOf(m, 2) === '1 vote (carol)', 'carol’s vote shown');
    const opened = storyOf(world, root.ts).vote!;

    let backAt = 0;
    await restartGracefully(world, async () => {
      await until(() => Date.now() > Date.parse(opened.closes_at) + 250, 'the window to run out while the bot is down');
      expect(storyOf(world, root.ts).vote!.status).toBe('open');
      backAt = Date.now();
    });
    const closed = await untilMessage(world, vote, (m) => buttonIds(m).length === 0, 'the vote closed on return');
    expect(headerOf(closed)).toBe('🗳️ Candidate 2 won, with 1 vote');
    expect(footerOf(closed)).toMatch(/^The vote’s time ran out\./);
    await waitForLines(world, channel, root.ts, 1);
    await until(() => storyOf(world, root.ts).vote!.shown, 'the closing recorded as shown');
    const story = storyOf(world, root.ts);
    expect(story.lines.filter((l) => l.vote?.vote_id === opened.id)).toHaveLength(2);
    expect(story.lines.find((l) => l.id === story.head)!.text).toBe('A boat came round the point.');
    // Once: one closing edit, one winner posted, no vote message posted again.
    expect(updatesOf(world, vote).filter((c) => c.at >= backAt)).toHaveLength(1);
    expect(lineMessages(world, channel, root.ts).map(lineIdOf)).toEqual([story.head]);
    expect(votePosts(world, channel, backAt)).toEqual([]);

    // Another restart finds nothing left to close or show.
    const againAt = Date.now();
    await restartGracefully(world);
    expect(storyOf(world, root.ts).lines).toHaveLength(story.lines.length);
    expect(updatesOf(world, vote).filter((c) => c.at >= againAt)).toEqual([]);
    expect(lineMessages(world, channel, root.ts)).toHaveLength(1);
  }, 60_000);

  it('finds a vote message posted by a run that stopped before saving its ts, instead of posting another', async () => {
    const texts = ['The lamp flickered.', 'The lamp held.'];
    const { channel, root, vote } = await storyVotingOn('vote-found', 'The keeper slept.', texts);
    const story = storyOf(world, root.ts);
    const unsaved = { ...story.vote!, message: null };
    const delivery = { story, vote: unsaved, view: voteView(story, unsaved), buttons: voteButtons(story, unsaved) };
    const since = Date.now();
    expect(await world.adapter.deliverVote({ ...delivery, maybePosted: true })).toBe(vote.ts);
    expect(votePosts(world, channel, since)).toEqual([]);
    expect(world.fake.callsWhere((c) => c.method === 'conversations.replies' && c.at >= since)).toHaveLength(1);
    expect(updatesOf(world, vote).filter((c) => c.at >= since)).toHaveLength(1);
    expect(voteMessages(world, channel, root.ts)).toHaveLength(1);

    // A vote message that is gone (someone deleted it) is posted again, and the new one's ts is what core saves.
    const gone = { ...story.vote!, message: '1700000000.000001' };
    const again = await world.adapter.deliverVote({ ...delivery, vote: gone });
    expect(world.fake.lastCall('chat.update')?.response).toMatchObject({ ok: false, error: 'message_not_found' });
    expect(again).not.toBe(vote.ts);
    expect(voteMessages(world, channel, root.ts).map((m) => m.ts)).toEqual([vote.ts, again]);
  }, 60_000);
});
