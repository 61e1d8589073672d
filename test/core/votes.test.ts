/**
 * Votes through core, with hand-written responses (no worker): a candidates job opens a vote; ballots, moved
 * ballots and repeated presses; the closings (everyone voted, the window, a pick, the end) and the tie rule; the
 * tree a vote leaves (winner as head, losers as branches, votes recorded); what is refused while it is open;
 * stale candidates; an older worker's one-line answer; restarts (a vote open at the stop, one whose window ran out
 * while the bot was down, a message posted but not saved); the channel's and the story's number of candidates; and
 * the fair-use cost of a candidates job.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Bot } from '../../src/app.ts';
import { CANDIDATES as RANGE } from '../../commands/candidates.ts';
import { candidatesCost, Limits } from '../../src/core/limits.ts';
import { MAX_CANDIDATES, type Request, type Response } from '../../src/jobs/protocol.ts';
import { UserError } from '../../src/stories/errors.ts';
import type { Story, Vote } from '../../src/stories/schema.ts';
import { treeDocument } from '../../src/stories/tree-file.ts';
import { toMarkdown } from '../../src/stories/text.ts';
import { branches, currentBranch } from '../../src/stories/tree.ts';
import { leader } from '../../src/stories/vote.ts';
import { ctx, startTestBot, testConfig } from '../helpers/bot.ts';

const bots: Bot[] = [];
afterEach(async () => {
  await Promise.all(bots.splice(0).map((b) => b.stop()));
});

const thread = async (s: { id: string }) => ({ thread: `t-${s.id}`, message: null });
const inThread = (who: string, story: { id: string }, admin = false) => ctx(who, { thread: `t-${story.id}`, admin });

/** A worker's answer to `request`: one line, or (with `candidates`) every candidate, the first being the line. */
function answer(request: Request, texts: string[], withCandidates = true): Response {
  const candidates = texts.map((text, i) => ({
    text,
    stop: 'stop_rule' as const,
    seed: (request.sampling.seed + i) % 2 ** 32,
    chars: [...text].length,
  }));
  const result = {
    text: texts[0],
    stop: 'stop_rule' as const,
    model: 'small',
    model_sha256: 'a'.repeat(64),
    device: 'cpu',
    ms: 1,
    ...(withCandidates ? { candidates } : {}),
  };
  const finished_at = new Date().toISOString();
  return { v: 1, type: 'response', job_id: request.job_id, worker_id: 'w', finished_at, ok: true, result };
}

async function refused(work: Promise<unknown>): Promise<UserError> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A bot whose votes stay open `windowMs`, and ways to answer a story's job as a worker would. */
async function world(windowMs = 60_000, config = testConfig({ STORYLOOM_MAX_IN_FLIGHT: '50' })) {
  const { bot, delivery } = await startTestBot({ ...config, STORYLOOM_VOTE_WINDOW_S: 60 });
  // The configuration's window is in whole seconds (5 at least); tests shorten it where core reads it.
  (bot.core.storyJobs.votes as unknown as { settings: { windowMs: number } }).settings.windowMs = windowMs;
  bots.push(bot);
  return { bot, delivery, ...answering(bot) };
}

function answering(bot: Bot) {
  const requestOf = (storyId: string) => {
    const jobId = bot.stories.get(storyId).pending!.job_id;
    return bot.jobs.pending().find((r) => r.job_id === jobId)!;
  };
  const respond = async (storyId: string, texts: string[], withCandidates = true): Promise<Story> => {
    const request = requestOf(storyId);
    await bot.core.storyJobs.response(request, answer(request, texts, withCandidates));
    return bot.stories.get(storyId);
  };
  return { requestOf, respond };
}

const CANDIDATES = ['The bell rang twice.', 'A gull landed on the rail.', 'Someone laughed below deck.'];

/** Ann's story with a vote open on three candidates that Bob asked for. */
async function openVoteWorld(windowMs = 60_000) {
  const w = await world(windowMs);
  const started = await w.bot.core.start(ctx('ann'), { opening: 'The ferry left at dawn.' }, thread);
  const story = started.story!;
  await w.respond(story.id, ['Gulls followed it out.']);
  await w.bot.core.run(inThread('bob', story), 'continue', { candidates: 3 });
  expect(w.requestOf(story.id).candidates).toBe(3);
  const opened = await w.respond(story.id, CANDIDATES);
  return { ...w, story: opened, vote: opened.vote! };
}

const press = (bot: Bot, who: string, story: Story, vote: Vote, n: number) =>
  bot.core.press(inThread(who, story), `sl:vote:${story.id}:${vote.id}:${n}`);

describe('a vote', () => {
  it('opens on a candidates job, shows its message once, and refuses other changes while open', async () => {
    const { bot, delivery, story, vote } = await openVoteWorld();
    expect(vote.status).toBe('open');
    expect(vote.candidates.map((c) => c.text)).toEqual(CANDIDATES);
    expect(story.pending).toBeNull();
    expect(currentBranch(story)).toHaveLength(2);
    await until(() => bot.stories.get(story.id).vote?.message !== null, 'the vote message id to be saved');
    expect(delivery.votes[0].buttons.map((b) => b.customId)).toEqual(
      [1, 2, 3].map((n) => `sl:vote:${story.id}:${vote.id}:${n}`),
    );
    expect(delivery.votes[0].view.open).toBe(true);
    expect(delivery.voteMessages.get(vote.id)).toHaveLength(1);
    for (const [name, raw] of [
      ['continue', {}],
      ['add', { text: 'Wait.' }],
      ['undo', {}],
      ['branch', { line: 1 }],
    ] as const) {
      const error = await refused(bot.core.run(inThread('ann', story), name, raw));
      expect(error.code).toBe('vote_open');
      expect(error.message).toMatch(/voting on the next line \(\d+ seconds left\)/);
    }
    expect(bot.stories.get(story.id).version).toBe(story.version);
  });

  it('counts one ballot per person, moves one, and closes once everyone taking part has voted', async () => {
    const { bot, delivery, story, vote } = await openVoteWorld();
    expect(vote.participants.map((p) => p.id).sort()).toEqual(['ann', 'bob']);
    expect((await press(bot, 'bob', story, vote, 2)).text).toBe('You voted for candidate 2.');
    const again = await press(bot, 'bob', story, vote, 2);
    expect(again.text).toMatch(/already/);
    expect(again.ephemeral).toBe(true);
    expect(bot.stories.get(story.id).vote!.ballots).toHaveLength(1);
    expect((await press(bot, 'bob', story, vote, 3)).text).toBe('You moved your vote from candidate 2 to candidate 3.');
    expect(bot.stories.get(story.id).vote!.ballots).toEqual([expect.objectContaining({ choice: 3 })]);
    // Cat is not taking part (she has not written for the story), so her vote counts but the vote stays open.
    await press(bot, 'cat', story, vote, 1);
    expect(bot.stories.get(story.id).vote!.status).toBe('open');
    const last = await press(bot, 'ann', story, vote, 3);
    expect(last.text).toMatch(/Everyone taking part has voted: candidate 3 won/);
    const after = bot.stories.get(story.id);
    expect(after.vote).toMatchObject({ status: 'closed', winner: 3, closed_by: 'everyone', shown: true });
    const head = currentBranch(after).at(-1)!;
    expect(head.text).toBe(CANDIDATES[2]);
    expect(head.by.id).toBe('bob');
    expect(head.vote).toMatchObject({ n: 3, of: 3, won: true, closed_by: 'everyone' });
    expect(head.vote!.voters.map((p) => p.id).sort()).toEqual(['ann', 'bob']);
    // The losers stay as branches, with their votes.
    expect(branches(after)).toHaveLength(3);
    const loser = after.lines.find((l) => l.text === CANDIDATES[0])!;
    expect(loser.vote).toMatchObject({ n: 1, won: false, voters: [{ id: 'cat', name: 'Cat' }] });
    // The winner is posted once as the next line, and the message's last showing is the closed vote.
    await until(() => delivery.lines.some((d) => d.line.id === head.id), 'the winner to be posted');
    expect(delivery.lines.filter((d) => d.line.id === head.id)).toHaveLength(1);
    expect(delivery.voteMessages.get(vote.id)).toHaveLength(1);
    const final = delivery.votes.at(-1)!;
    expect(final.view.open).toBe(false);
    expect(final.buttons).toEqual([]);
    expect(final.view.title).toBe('🗳️ Candidate 3 won, with 2 votes');
    // A press on the closed vote says so and changes nothing.
    const closed = await refused(press(bot, 'dan', story, vote, 1));
    expect(closed.code).toBe('vote_closed');
    expect(closed.message).toBe('That vote has closed: candidate 3 won, with 2 votes. Its lines are in the story now.');
    expect(bot.stories.get(story.id).version).toBe(after.version);
    // The export carries the votes.
    const doc = treeDocument(bot.stories.get(story.id));
    expect(doc.lines.filter((l) => l.vote)).toHaveLength(3);
    expect(toMarkdown(after)).toMatch(/chosen by vote: candidate 3 of 3, 2 votes \(Bob, Ann\)/);
  });

  it('closes when its window runs out, with the tie rule deciding', async () => {
    const { bot, delivery, story, vote } = await openVoteWorld(400);
    await press(bot, 'cat', story, vote, 2);
    await new Promise((r) => setTimeout(r, 5));
    await press(bot, 'dan', story, vote, 1);
    await until(() => bot.stories.get(story.id).vote?.status === 'closed', 'the window to close the vote');
    const after = bot.stories.get(story.id);
    // One vote each: candidate 2 got there first.
    expect(after.vote).toMatchObject({ winner: 2, closed_by: 'window' });
    const winner = currentBranch(after).at(-1)!;
    expect(winner.text).toBe(CANDIDATES[1]);
    await until(() => delivery.lines.some((d) => d.line.id === winner.id), 'the winner to be posted');
  });

  it('never closes before its time, even when its timer fires early by the wall clock', async () => {
    const { bot, story, vote } = await openVoteWorld(300);
    // From now on the wall clock reads 40 ms behind the timers' clock, as when a timer fires a little early.
    const real = Date.now.bind(Date);
    const behind = vi.spyOn(Date, 'now').mockImplementation(() => real() - 40);
    try {
      await until(() => bot.stories.get(story.id).vote?.status === 'closed', 'the window to close the vote');
    } finally {
      behind.mockRestore();
    }
    const winner = currentBranch(bot.stories.get(story.id)).at(-1)!;
    expect(Date.parse(winner.at)).toBeGreaterThanOrEqual(Date.parse(vote.closes_at));
  });

  it('lets the owner or an admin pick, and no one else', async () => {
    const { bot, story, vote } = await openVoteWorld();
    const error = await refused(bot.core.run(inThread('bob', story), 'pick', { candidate: 1 }));
    expect(error.message).toBe('Only Ann (who started this story) or an admin can pick.');
    await press(bot, 'bob', story, vote, 1);
    const bad = await refused(bot.core.run(inThread('ann', story), 'pick', { candidate: 4 }));
    expect(bad.code).toBe('bad_option');
    const picked = await bot.core.run(inThread('ann', story), 'pick', { candidate: 2 });
    expect(picked.text).toBe('Ann picked candidate 2: it is the story’s next line.');
    const after = bot.stories.get(story.id);
    expect(after.vote).toMatchObject({ winner: 2, closed_by: 'pick', picked_by: { id: 'ann' } });
    expect(currentBranch(after).at(-1)!.text).toBe(CANDIDATES[1]);
    // An admin may pick on the next vote.
    await bot.core.run(inThread('bob', story), 'continue', { candidates: 2 });
    const { respond } = answering(bot);
    await respond(story.id, ['One.', 'Two.']);
    await bot.core.run(inThread('root', story, true), 'pick', { candidate: 1 });
    expect(currentBranch(bot.stories.get(story.id)).at(-1)!.text).toBe('One.');
  });

  it('refuses a button of another story, a vote not this story’s, and a candidate it does not have', async () => {
    const { bot, story, vote } = await openVoteWorld();
    const other = (await bot.core.start(ctx('cat'), { opening: 'Another story.' }, thread)).story!;
    const foreign = await refused(bot.core.press(inThread('bob', other), `sl:vote:${story.id}:${vote.id}:1`));
    expect(foreign.code).toBe('other_story');
    const unknown = await refused(bot.core.press(inThread('bob', story), `sl:vote:${story.id}:${other.id}:1`));
    expect(unknown.code).toBe('not_found');
    const beyond = await refused(press(bot, 'bob', story, vote, 4));
    expect(beyond.message).toBe('There is no candidate 4: pick one from 1 to 3.');
    expect(bot.stories.get(story.id).vote!.ballots).toEqual([]);
    const none = await refused(bot.core.run(inThread('cat', other), 'vote', { candidate: 1 }));
    expect(none.code).toBe('no_vote');
  });

  it('closes without a winner when the story ends, keeping every candidate as a branch', async () => {
    const { bot, delivery, story, vote } = await openVoteWorld();
    await refused(bot.core.run(inThread('bob', story), 'end', {}));
    expect(bot.stories.get(story.id).vote!.status).toBe('open');
    await bot.core.run(inThread('ann', story), 'end', {});
    const after = bot.stories.get(story.id);
    expect(after.status).toBe('ended');
    expect(after.vote).toMatchObject({ status: 'closed', winner: null, closed_by: 'ended' });
    expect(currentBranch(after)).toHaveLength(2);
    expect(branches(after)).toHaveLength(4);
    expect(delivery.votes.at(-1)!.view.title).toBe('🗳️ The vote closed without a winner');
    expect(delivery.lines).toHaveLength(1);
    await refused(press(bot, 'bob', story, vote, 1));
  });

  it('writes one line, as before votes, when an older worker answers a candidates request with one', async () => {
    const w = await world();
    const story = (await w.bot.core.start(ctx('ann'), { opening: 'Old worker.', candidates: 3 }, thread)).story!;
    expect(w.requestOf(story.id).candidates).toBe(3);
    const after = await w.respond(story.id, ['Just one line.'], false);
    expect(after.vote ?? null).toBeNull();
    expect(currentBranch(after).at(-1)!.text).toBe('Just one line.');
    expect(w.delivery.votes).toEqual([]);
  });

  it('asks again for candidates when the story changed while they were written', async () => {
    const w = await world();
    const story = (await w.bot.core.start(ctx('ann'), { opening: 'Stale.' }, thread)).story!;
    await w.respond(story.id, ['First.']);
    await w.bot.core.run(inThread('bob', story), 'continue', { candidates: 2 });
    await w.bot.core.run(inThread('ann', story), 'add', { text: 'Ann writes meanwhile.' });
    await w.respond(story.id, ['Old one.', 'Old two.']);
    const again = w.requestOf(story.id);
    expect(again).toMatchObject({ purpose: 'regenerate', attempt: 2, candidates: 2 });
    expect(again.prompt).toContain('Ann writes meanwhile.');
    const after = await w.respond(story.id, ['New one.', 'New two.']);
    expect(after.vote!.candidates.map((c) => c.text)).toEqual(['New one.', 'New two.']);
  });

  it('writes a line, not a vote, with one candidate (the default)', async () => {
    const w = await world();
    const story = (await w.bot.core.start(ctx('ann'), { opening: 'Plain.' }, thread)).story!;
    expect(w.requestOf(story.id).candidates).toBeUndefined();
    const after = await w.respond(story.id, ['A line.'], false);
    expect(currentBranch(after).at(-1)!.text).toBe('A line.');
    expect(w.delivery.votes).toEqual([]);
  });
});

describe('the tie rule', () => {
  const vote = (ballots: [string, number, number][]): Vote =>
    ({
      candidates: [1, 2, 3].map((n) => ({ text: `${n}`, stop: 'stop_rule', seed: n })),
      ballots: ballots.map(([id, choice, at]) => ({ by: { id, name: id }, choice, at: new Date(at).toISOString() })),
    }) as Vote;

  it('gives the most votes the win, a tie to the candidate that got there first, and no votes to candidate 1', () => {
    expect(leader(vote([]))).toBe(1);
    expect(leader(vote([['a', 3, 1]]))).toBe(3);
    expect(
      leader(
        vote([
          ['a', 2, 5],
          ['b', 3, 1],
          ['c', 3, 9],
          ['d', 2, 3],
        ]),
      ),
    ).toBe(2);
    expect(
      leader(
        vote([
          ['a', 1, 1],
          ['b', 2, 2],
          ['c', 2, 3],
        ]),
      ),
    ).toBe(2);
  });
});

describe('votes across restarts', () => {
  it('resumes a vote open at the stop: same message, counts kept, closed at its window', async () => {
    const config = testConfig({ STORYLOOM_MAX_IN_FLIGHT: '50' });
    const first = await world(60_000, config);
    const started = await first.bot.core.start(ctx('ann'), { opening: 'Restart.', candidates: 2 }, thread);
    const opened = await first.respond(started.story!.id, ['One.', 'Two.']);
    const vote = opened.vote!;
    await until(() => first.bot.stories.get(opened.id).vote?.message !== null, 'the message id');
    const message = first.bot.stories.get(opened.id).vote!.message;
    await press(first.bot, 'bob', opened, vote, 2);
    await first.bot.drain(1000);
    await first.bot.stop();
    // The window is made to end soon after the restart.
    const file = join(config.STORYLOOM_DATA_DIR, 'mailbox', 'stories', `${opened.id}.json`);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    saved.vote.closes_at = new Date(Date.now() + 3000).toISOString();
    writeFileSync(file, JSON.stringify(saved));
    const second = await world(60_000, config);
    const resumed = second.bot.stories.get(opened.id).vote!;
    expect(resumed).toMatchObject({ id: vote.id, status: 'open', message });
    expect(resumed.ballots).toHaveLength(1);
    await press(second.bot, 'cat', opened, vote, 2);
    // Closed, then shown closed (its message's last edit) a moment later.
    await until(() => second.bot.stories.get(opened.id).vote?.shown === true, 'the resumed window to close');
    expect(second.bot.stories.get(opened.id).vote).toMatchObject({ winner: 2, closed_by: 'window', shown: true });
    // Its message was edited, never posted again.
    expect(second.delivery.votes.every((d) => d.vote.message === message)).toBe(true);
    expect(second.delivery.voteMessages.size).toBe(0);
    await until(() => second.delivery.lines.length === 1, 'the winner to be posted');
  });

  it('closes once, when the bot returns, a vote whose window ran out while it was down', async () => {
    const config = testConfig({ STORYLOOM_MAX_IN_FLIGHT: '50' });
    const first = await world(300, config);
    const started = await first.bot.core.start(ctx('ann'), { opening: 'Down.', candidates: 3 }, thread);
    const opened = await first.respond(started.story!.id, CANDIDATES);
    await until(() => first.bot.stories.get(opened.id).vote?.message !== null, 'the message id');
    await press(first.bot, 'bob', opened, opened.vote!, 3);
    await first.bot.drain(1000);
    await first.bot.stop();
    await new Promise((r) => setTimeout(r, 500));
    const second = await world(300, config);
    const after = second.bot.stories.get(opened.id);
    expect(after.vote).toMatchObject({ status: 'closed', winner: 3, closed_by: 'window', shown: true });
    expect(second.delivery.votes).toHaveLength(1);
    expect(second.delivery.lines).toHaveLength(1);
    expect(second.delivery.lines[0].line.text).toBe(CANDIDATES[2]);
    // A third start finds nothing left to do.
    await second.bot.drain(1000);
    await second.bot.stop();
    const third = await world(300, config);
    expect(third.delivery.votes).toEqual([]);
    expect(third.delivery.lines).toEqual([]);
    expect(currentBranch(third.bot.stories.get(opened.id)).map((l) => l.text)).toEqual(['Down.', CANDIDATES[2]]);
  });

  it('finds a vote message posted just before a stop that did not save its id, and posts it once', async () => {
    const config = testConfig({ STORYLOOM_MAX_IN_FLIGHT: '50' });
    const first = await world(60_000, config);
    const started = await first.bot.core.start(ctx('ann'), { opening: 'Unsaved.', candidates: 2 }, thread);
    const opened = await first.respond(started.story!.id, ['One.', 'Two.']);
    await until(() => first.bot.stories.get(opened.id).vote?.message !== null, 'the message id');
    await first.bot.drain(1000);
    await first.bot.stop();
    const file = join(config.STORYLOOM_DATA_DIR, 'mailbox', 'stories', `${opened.id}.json`);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    saved.vote.message = null;
    writeFileSync(file, JSON.stringify(saved));
    const { bot, delivery } = await startTestBot(config);
    bots.push(bot);
    // The platform already holds the message the first run posted.
    delivery.voteMessages.set(opened.vote!.id, first.delivery.voteMessages.get(opened.vote!.id)!);
    await bot.core.storyJobs.votes.recover();
    expect(delivery.votes.at(-1)!.maybePosted).toBe(true);
    expect(delivery.voteMessages.get(opened.vote!.id)).toHaveLength(1);
    expect(bot.stories.get(opened.id).vote!.message).toBe(first.delivery.voteMessages.get(opened.vote!.id)![0]);
  });
});

describe('how many candidates', () => {
  it('uses the story’s number, else the channel’s, else one; set by the owner and by admins', async () => {
    const w = await world();
    const a = (await w.bot.core.start(ctx('ann'), { opening: 'A.' }, thread)).story!;
    await w.respond(a.id, ['a.'], false);
    const refusal = await refused(w.bot.core.run(inThread('bob', a), 'candidates', { count: 3 }));
    expect(refusal.message).toBe('Only Ann (who started this story) or an admin can set its candidates.');
    const channelRefusal = await refused(w.bot.core.run(ctx('ann'), 'candidates', { count: 4 }));
    expect(channelRefusal.message).toBe('Only an admin can set the channel’s number of candidates.');
    await w.bot.core.run(ctx('root', { admin: true }), 'candidates', { count: 4 });
    await w.bot.core.run(inThread('ann', a), 'continue', {});
    expect(w.requestOf(a.id).candidates).toBe(4);
    await w.respond(a.id, ['1.', '2.', '3.', '4.']);
    await w.bot.core.run(inThread('ann', a), 'pick', { candidate: 1 });
    const set = await w.bot.core.run(inThread('ann', a), 'candidates', { count: 1 });
    expect(set.text).toBe('From now on Continue writes one line and no vote in this story.');
    await w.bot.core.run(inThread('ann', a), 'continue', {});
    expect(w.requestOf(a.id).candidates).toBeUndefined();
    await w.respond(a.id, ['plain.'], false);
    // /continue's own number wins for that job.
    await w.bot.core.run(inThread('ann', a), 'continue', { candidates: 2 });
    expect(w.requestOf(a.id).candidates).toBe(2);
    // The channel's default is kept in the mailbox and read again after a restart.
    const { bot } = await startTestBot(w.bot.config);
    bots.push(bot);
    await bot.core.channels.load();
    expect(bot.core.candidatesFor(bot.stories.get(a.id))).toBe(1);
    const b = (await bot.core.start(ctx('cat'), { opening: 'B.' }, thread)).story!;
    expect(bot.core.candidatesFor(b)).toBe(4);
  });
});

describe('the commands’ range of candidates', () => {
  it('is the protocol’s', () => {
    expect(RANGE.max).toBe(MAX_CANDIDATES);
  });
});

describe('fair use of candidates', () => {
  it('counts a candidates job by its cost: 1 + (N − 1) / 2 lines', () => {
    expect([1, 2, 3, 5].map(candidatesCost)).toEqual([1, 1.5, 2, 3]);
    let now = 0;
    const limits = new Limits({ maxInFlightPerUser: 10, cooldownS: 3, maxQueue: 100, burst: 6 }, () => now);
    // Six lines of burst: two jobs of five candidates (3 each) spend it.
    for (let i = 0; i < 2; i++) {
      limits.check('ann', false, 0, 0, 3);
      limits.record('ann', 3);
    }
    expect(() => limits.check('ann', false, 0, 0, 3)).toThrow(/Slow down/);
    // Three cooldowns later it has refilled enough for one more.
    now = 9000;
    expect(() => limits.check('ann', false, 0, 0, 3)).not.toThrow();
    // Single lines: six before the pace.
    for (let i = 0; i < 6; i++) {
      limits.check('bob', false, 0, 0);
      limits.record('bob');
    }
    expect(() => limits.check('bob', false, 0, 0)).toThrow(/Slow down/);
  });
});
