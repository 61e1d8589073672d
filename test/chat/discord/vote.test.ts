/**
 * The channel votes on Discord, end to end (the real discord.js client against the Discord fake, the real core,
 * the embedded worker with the tiny model): a whole story played by voting (issue 16's "Done when": start, vote,
 * rewind to line 3, another branch, end, export), a vote's message posted once in the thread and edited in place
 * as people vote (counts live, paced), the winner posted as the next line, and votes that cannot be stuffed: a
 * second press of the same candidate, a press on a closed vote, another story's button and /pick by someone else
 * all answer privately and change nothing. With one candidate (N = 1) nothing changes: a line, no vote.
 */
import type { APIMessage } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINE_POSTED, votePosted } from '../../../src/chat/discord/delivery.ts';
import { MESSAGE_LIMIT } from '../../../src/chat/discord/render.ts';
import { readButtonId } from '../../../src/core/buttons.ts';
import type { Request, Response } from '../../../src/jobs/protocol.ts';
import type { Story } from '../../../src/stories/schema.ts';
import type { treeDocument } from '../../../src/stories/tree-file.ts';
import { currentBranch } from '../../../src/stories/tree.ts';
import type { SentInteraction } from '../../fakes/discord/index.ts';
import { testTransport } from '../../helpers/bot.ts';
import { customIds, startDiscordWorld, unescaped, type DiscordWorld } from './world.ts';

/** Votes close after 5 s here (the least STORYLOOM_VOTE_WINDOW_S takes), so a window can run out in a test. */
const WINDOW = { STORYLOOM_VOTE_WINDOW_S: '5' };

/** The ids of a message's vote buttons. */
const voteIds = (m: APIMessage) => customIds(m).filter((id) => readButtonId(id)?.action === 'vote');

/** Helpers over one world. */
function helpers(w: DiscordWorld) {
  const h = {
    /** The thread's vote messages, oldest first: the messages whose first version had vote buttons. */
    votes: (threadId: string) =>
      w.fake.channelMessages(threadId).filter((m) => voteIds(w.fake.messageRevisions(m.id)[0] ?? m).length > 0),
    /** Waits for the thread's `n`th vote message (from 1). */
    vote: (threadId: string, n: number) =>
      w.fake.waitFor(() => h.votes(threadId)[n - 1], 30_000, `vote message ${n} in ${threadId}`),
    /** The thread's story lines: messages whose buttons name a line. */
    lines: (threadId: string) =>
      w.fake.channelMessages(threadId).filter((m) => customIds(m).some((id) => readButtonId(id)?.lineId)),
    /** Waits until the message (as it is now) reads as `pattern` once unescaped. */
    shows: (message: APIMessage, pattern: RegExp) =>
      w.fake.waitFor(
        () => {
          const now = w.fake.message(message.id)!;
          return pattern.test(unescaped(now.content)) ? now : undefined;
        },
        15_000,
        `message ${message.id} to show ${pattern}`,
      ),
    /** The edits of a message made with the bot token (Edit Message), oldest first. */
    botEdits: (message: APIMessage) =>
      w.fake
        .requests({ method: 'PATCH', path: `/channels/${message.channel_id}/messages/${message.id}` })
        .filter((r) => r.headers.authorization === `Bot ${w.fake.botToken}` && r.status === 200),
    /** Waits until every version of the message is accounted for by a recorded bot-token edit; returns them. */
    settled: (message: APIMessage) =>
      w.fake.waitFor(
        () => {
          const edits = h.botEdits(message);
          return edits.length === w.fake.messageRevisions(message.id).length - 1 ? edits : undefined;
        },
        5000,
        `the edits of ${message.id} recorded`,
      ),
    /** An interaction's private answer (its deferred ephemeral reply), unescaped. */
    async privately(sent: SentInteraction): Promise<string> {
      const original = await w.fake.waitFor(
        () => {
          const state = w.fake.interactionState(sent.id);
          const text = state?.original?.content ?? state?.followups[0]?.content;
          return text && !text.startsWith('⏳') ? state : undefined;
        },
        15_000,
        `the answer to ${sent.id}`,
      );
      // A private answer: the deferred reply was ephemeral, or a public one was swapped for an ephemeral followup.
      const message = original.followups[0] ?? original.original!;
      expect(original.followups[0] ? message.flags! & 64 : original.ephemeral).toBeTruthy();
      return unescaped(message.content);
    },
    /** A public reply that queued a candidates job: its status message says the vote is up. */
    async voteUp(sent: SentInteraction, candidates: number): Promise<APIMessage> {
      const up = votePosted({ candidates: Array.from({ length: candidates }), status: 'open' } as never);
      const reply = await w.fake.waitForOriginal(sent.id, new RegExp(`${escapeRe(up)}$`), 30_000);
      expect(w.fake.interactionState(sent.id)!.ephemeral).toBe(false);
      return reply;
    },
  };
  return h;
}

function escapeRe(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Checks that edits of one message keep to Discord's pace: about 5 edits per 5 s per channel (the assumption
 * src/chat/discord/status-messages.ts makes too), so at least a second apart, and never 5 within 5 s.
 */
function expectPaced(edits: { at: number }[]): void {
  for (let i = 1; i < edits.length; i++) expect(edits[i].at - edits[i - 1].at).toBeGreaterThanOrEqual(1000);
  for (const [i, edit] of edits.entries()) {
    expect(edits.slice(i).filter((e) => e.at < edit.at + 5000).length).toBeLessThanOrEqual(4);
  }
}

/** Checks a vote message against Discord's limits: content, one row of at most 5 buttons, custom ids. */
function withinLimits(message: APIMessage): void {
  expect(message.content.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
  const rows = (message.components ?? []) as { components: { custom_id?: string; label?: string }[] }[];
  expect(rows.length).toBeLessThanOrEqual(5);
  for (const row of rows) {
    expect(row.components.length).toBeLessThanOrEqual(5);
    for (const button of row.components) {
      expect(button.custom_id!.length).toBeLessThanOrEqual(100);
      expect(button.label!.length).toBeLessThanOrEqual(80);
    }
  }
}

describe('Discord: a whole story played by voting', () => {
  let w: DiscordWorld;
  let h: ReturnType<typeof helpers>;
  let threadId: string;
  let storyId: string;
  beforeAll(async () => {
    w = await startDiscordWorld({ config: WINDOW });
    h = helpers(w);
  });
  afterAll(() => w?.close());

  const story = (): Story => w.bot.stories.get(storyId);
  /** The winner's message: the newest line in the thread, whose buttons name the story's head. */
  const winnerPosted = () =>
    w.fake.waitFor(
      () => h.lines(threadId).find((m) => customIds(m).some((id) => readButtonId(id)?.lineId === story().head)),
      15_000,
      'the winner in the thread',
    );

  it('/story with 3 candidates: the thread gets one vote message with 3 buttons; the reply says it is up', async () => {
    const opening = 'The lighthouse keeper counted the ships.';
    const sent = w.command(w.ana, 'story', { opening, candidates: 3, length: 100 });
    const reply = await h.voteUp(sent, 3);
    expect(reply.content).toMatch(/^📖 \*\*Ana\*\* started a story:\nThe lighthouse keeper counted the ships\./);
    threadId = reply.thread!.id;
    storyId = w.bot.stories.findByThread('discord', threadId)!.id;

    const message = await h.vote(threadId, 1);
    // Core saves the message's id once the post is done.
    const vote = await w.fake.waitFor(() => (story().vote?.message === message.id ? story().vote : undefined));
    expect(vote).toMatchObject({ status: 'open', participants: [{ id: w.ana.id }] });
    expect(story().lines).toHaveLength(1);
    // The thread holds the vote only, posted with the bot token; no line yet.
    expect(w.fake.channelMessages(threadId).map((m) => m.id)).toEqual([message.id]);
    const post = w.fake.requests({ method: 'POST', path: `/channels/${threadId}/messages` })[0]!;
    expect(post.headers.authorization).toBe(`Bot ${w.fake.botToken}`);
    expect(post.body).toMatchObject({ enforce_nonce: true });

    expect(message.components).toHaveLength(1);
    expect(voteIds(message)).toEqual([1, 2, 3].map((n) => `sl:vote:${storyId}:${vote.id}:${n}`));
    withinLimits(message);
    const text = unescaped(message.content);
    expect(text).toMatch(/^🗳️ Vote on the next line \(3 candidates, asked for by Ana\)\n/);
    for (const [i, c] of vote.candidates.entries()) expect(text).toContain(`**${i + 1}.** ${c.text} — no votes\n`);
    const closes = Math.floor(Date.parse(vote.closes_at) / 1000);
    expect(text).toContain(`⏳ Closes <t:${closes}:R>.`);
    expect(text).toContain('-# 0 of 1 person taking part have voted. Anyone may vote');
    expect(Date.parse(vote.closes_at) - Date.parse(vote.opened_at)).toBe(5000);
  });

  it('counts votes live by editing that message; a vote can move; everyone having voted closes it', async () => {
    const [message] = h.votes(threadId);
    const [, two, three] = voteIds(message);

    expect(await h.privately(w.press(w.ben, message, two))).toBe('You voted for candidate 2.');
    const counted = await h.shows(message, /\*\*2\.\*\* .* — 1 vote \(Ben\)\n/);
    expect(customIds(counted)).toEqual(voteIds(message));
    expect((counted.components![0] as { components: { label: string }[] }).components[1].label).toBe('Vote 2 · 1');
    expect(await h.settled(message)).toHaveLength(1);

    expect(await h.privately(w.press(w.ben, counted, three))).toBe(
      'You moved your vote from candidate 2 to candidate 3.',
    );
    const moved = await h.shows(message, /\*\*3\.\*\* .* — 1 vote \(Ben\)\n/);
    expect(unescaped(moved.content)).toMatch(/\*\*2\.\*\* .* — no votes\n/);

    expect(await h.privately(w.press(w.ana, moved, three))).toBe(
      'You voted for candidate 3. Everyone taking part has voted: candidate 3 won.',
    );
    const closed = await h.shows(message, /^🗳️ Candidate 3 won, with 2 votes\n/);
    expect(closed.components).toEqual([]);
    const text = unescaped(closed.content);
    expect(text).toMatch(/\*\*3\.\*\* 🏆 .* — 2 votes \(Ben, Ana\)\n/);
    expect(text).toMatch(
      /-# Everyone taking part voted\. It is the story’s next line; the others are kept as branches/,
    );
    expect(text).not.toContain('Closes <t:');

    // The winner is the next line, posted once with the story's buttons, crediting whoever asked.
    const winner = story().lines.find((l) => l.id === story().head)!;
    expect(winner.vote).toMatchObject({ n: 3, of: 3, won: true, closed_by: 'everyone' });
    expect(winner.vote!.voters.map((p) => p.id)).toEqual([w.ben.id, w.ana.id]);
    const line = await winnerPosted();
    expect(unescaped(line.content)).toBe(
      `${winner.text}\n-# ✍️ the model (${winner.model}), asked by Ana; the channel chose it from 3 candidates`,
    );
    expect(customIds(line).map((id) => id.split(':')[1])).toEqual(['continue', 'retry', 'undo', 'end']);
    expect(w.fake.channelMessages(threadId).map((m) => m.id)).toEqual([message.id, line.id]);
    // The losers are kept as branches from the opening.
    expect(story().lines.filter((l) => l.vote && !l.vote.won)).toHaveLength(2);

    // One message all along: posted, then edited in place (two counts, then closed once), paced.
    const versions = w.fake.messageRevisions(message.id);
    expect(versions.map((v) => v.components!.length)).toEqual([1, 1, 1, 0]);
    const edits = await h.settled(message);
    expect(edits).toHaveLength(3);
    expectPaced(edits);
  }, 30_000);

  it('plays on by voting: a vote closed by its window, then one the owner picks', async () => {
    const before = h.lines(threadId).at(-1)!;
    const sent = w.press(w.ana, before, customIds(before)[0]);
    const reply = await h.voteUp(sent, 3);
    expect(reply.content).toMatch(/^\*\*Ana\*\* asked for 3 candidate lines to vote on\.\n/);
    const second = await h.vote(threadId, 2);
    expect(
      story()
        .vote!.participants.map((p) => p.id)
        .sort(),
    ).toEqual([w.ana.id, w.ben.id].sort());
    expect(await h.privately(w.press(w.ben, second, voteIds(second)[0]))).toBe('You voted for candidate 1.');
    // Ana does not vote: the window closes it, and Ben's candidate wins.
    const closed = await h.shows(second, /^🗳️ Candidate 1 won, with 1 vote\n/);
    expect(unescaped(closed.content)).toContain('-# The vote’s time ran out.');
    expect(story().vote).toMatchObject({ status: 'closed', closed_by: 'window', winner: 1 });
    await w.fake.waitFor(() => story().vote!.shown, 5000, 'the closed vote recorded as shown');
    await winnerPosted();

    const asked = w.command(w.ben, 'continue', { candidates: 2 }, threadId);
    await h.voteUp(asked, 2);
    const third = await h.vote(threadId, 3);
    expect(voteIds(third)).toHaveLength(2);
    const picked = w.command(w.ana, 'pick', { candidate: 2 }, threadId);
    const answer = await w.fake.waitForOriginal(picked.id, /picked/, 15_000);
    expect(unescaped(answer.content)).toBe('Ana picked candidate 2: it is the story’s next line.');
    expect(w.fake.interactionState(picked.id)!.ephemeral).toBe(false);
    const done = await h.shows(third, /^🗳️ Candidate 2 won, with 0 votes\n/);
    expect(done.components).toEqual([]);
    expect(unescaped(done.content)).toContain('-# Ana picked it.');
    await winnerPosted();
    expect(currentBranch(story())).toHaveLength(4);
  }, 40_000);

  it('/branch 3 rewinds to line 3, and a vote there grows a new branch', async () => {
    const line3 = currentBranch(story())[2];
    const sent = w.command(w.ana, 'branch', { line: 3 }, threadId);
    const reply = await w.fake.waitForOriginal(sent.id, /branches\)\.$/, 15_000);
    expect(unescaped(reply.content)).toMatch(/^↩️ Ana moved the story back to line 3, by the model:\n/);
    expect(story().head).toBe(line3.id);

    const pressed = w.press(w.ben, reply, customIds(reply)[0]);
    await h.voteUp(pressed, 3);
    const fourth = await h.vote(threadId, 4);
    expect(story().vote!.parent).toBe(line3.id);
    const two = voteIds(fourth)[1];
    expect(await h.privately(w.press(w.ana, fourth, two))).toBe('You voted for candidate 2.');
    expect(await h.privately(w.press(w.ben, fourth, two))).toBe(
      'You voted for candidate 2. Everyone taking part has voted: candidate 2 won.',
    );
    await h.shows(fourth, /^🗳️ Candidate 2 won, with 2 votes\n/);
    await winnerPosted();
    const branch = currentBranch(story());
    expect(branch).toHaveLength(4);
    expect(branch[3].parent).toBe(line3.id);
    expect(branch[3].vote).toMatchObject({ n: 2, won: true });
  }, 30_000);

  it('/end, then /export: the Markdown of the branch and the .tree.json with every vote', async () => {
    w.command(w.ana, 'end', {}, threadId);
    await w.fake.waitFor(() => story().status === 'ended', 15_000, 'the story ended');

    const sent = w.command(w.ben, 'export', {}, threadId);
    const reply = await w.fake.waitForOriginal(sent.id, /\.tree\.json file\.$/, 15_000);
    const [markdown, json] = reply.attachments.map((a) => w.fake.attachment(a.id)!.data.toString('utf8'));
    const branch = currentBranch(story());
    for (const line of branch) expect(markdown).toContain(line.text.slice(0, 40));

    const doc = JSON.parse(json) as ReturnType<typeof treeDocument>;
    expect(doc.head).toBe(story().head);
    const voted = doc.lines.filter((l) => l.vote);
    // Four votes: 3 + 3 + 2 + 3 candidates, each kept; one winner each.
    expect(voted).toHaveLength(11);
    const winners = voted.filter((l) => l.vote!.won);
    expect(winners.map((l) => [l.vote!.n, l.vote!.of, l.vote!.closed_by])).toEqual([
      [3, 3, 'everyone'],
      [1, 3, 'window'],
      [2, 2, 'pick'],
      [2, 3, 'everyone'],
    ]);
    expect(winners.map((l) => l.vote!.voters.map((p) => p.name))).toEqual([
      ['Ben', 'Ana'],
      ['Ben'],
      [],
      ['Ana', 'Ben'],
    ]);
    expect(winners[2].vote!.picked_by).toMatchObject({ id: w.ana.id, name: 'Ana' });
    expect(winners.map((l) => l.on_current_branch)).toEqual([true, true, false, true]);
    expect(doc.lines.filter((l) => l.on_current_branch).map((l) => l.id)).toEqual(branch.map((l) => l.id));
  });
});

describe('Discord: a vote cannot be stuffed, and long candidates fit', () => {
  let w: DiscordWorld;
  let h: ReturnType<typeof helpers>;
  let threadA: string;
  let storyA: string;
  beforeAll(async () => {
    w = await startDiscordWorld({ config: WINDOW });
    h = helpers(w);
  });
  afterAll(() => w?.close());

  const a = (): Story => w.bot.stories.get(storyA);

  it('with one candidate nothing changes: a line, no vote; /candidates sets the story’s number', async () => {
    const started = await w.startStory(w.ana, 'The tide came in twice that night.');
    threadA = started.threadId;
    storyA = started.story.id;
    expect(h.lines(threadA)).toHaveLength(1);
    expect(h.votes(threadA)).toEqual([]);
    expect(a().vote ?? null).toBeNull();

    expect(await h.privately(w.command(w.ben, 'candidates', { count: 2 }, threadA))).toBe(
      'Only Ana (who started this story) or an admin can set its candidates.',
    );
    const set = w.command(w.ana, 'candidates', { count: 2 }, threadA);
    const said = await w.fake.waitForOriginal(set.id, /this story\.$/, 15_000);
    expect(unescaped(said.content)).toBe('From now on Continue writes 2 candidate lines for a vote in this story.');
    expect(a().settings.candidates).toBe(2);

    // candidates: 1 this time is a line as always.
    const one = w.command(w.ben, 'continue', { candidates: 1 }, threadA);
    await w.fake.waitForOriginal(one.id, new RegExp(`${LINE_POSTED}$`), 30_000);
    expect(h.lines(threadA)).toHaveLength(2);
    expect(h.votes(threadA)).toEqual([]);
    expect(a().vote ?? null).toBeNull();
  });

  it('answers a repeated press, another story’s button and a stranger’s /pick privately; nothing changes', async () => {
    const last = h.lines(threadA).at(-1)!;
    await h.voteUp(w.press(w.ben, last, customIds(last)[0]), 2);
    const message = await h.vote(threadA, 1);
    const other = await w.startStory(w.ben, 'A second story, voting too.');
    const otherStory = () => w.bot.stories.get(other.story.id);
    const setOther = w.command(w.ben, 'candidates', { count: 2 }, other.threadId);
    await w.fake.waitForOriginal(setOther.id, /this story\.$/, 15_000);
    const otherLine = h.lines(other.threadId).at(-1)!;
    await h.voteUp(w.press(w.ben, otherLine, customIds(otherLine)[0]), 2);
    const otherVote = await h.vote(other.threadId, 1);

    const [one] = voteIds(message);
    expect(await h.privately(w.press(w.ben, message, one))).toBe('You voted for candidate 1.');
    await h.shows(message, /\*\*1\.\*\* .* — 1 vote \(Ben\)\n/);
    const ballots = a().vote!.ballots;
    const edits = (await h.settled(message)).length;

    expect(await h.privately(w.press(w.ben, message, one))).toBe(
      'You voted for candidate 1 already. Press another to move your vote.',
    );
    // Another story's vote button, pressed in this story's thread.
    const foreign = w.fake.pressButton({
      messageId: otherVote.id,
      customId: voteIds(otherVote)[0],
      user: w.ana,
      channelId: threadA,
    });
    expect(await h.privately(foreign)).toBe(
      'That button belongs to another story’s vote: vote in that story’s own thread.',
    );
    expect(await h.privately(w.command(w.mod, 'vote', { candidate: 5 }, threadA))).toBe(
      'There is no candidate 5: pick one from 1 to 2.',
    );
    expect(await h.privately(w.command(w.ben, 'pick', { candidate: 2 }, threadA))).toBe(
      'Only Ana (who started this story) or an admin can pick.',
    );
    expect(a().vote).toMatchObject({ status: 'open', ballots });
    expect(otherStory().vote).toMatchObject({ status: 'open', ballots: [] });
    expect(await h.settled(message)).toHaveLength(edits);
    expect(await h.settled(otherVote)).toHaveLength(0);
    expect(w.fake.message(message.id)!.content).toContain('1 vote (Ben)');

    // /end with a vote open: it closes without a winner, its candidates kept as branches.
    w.command(w.ben, 'end', {}, other.threadId);
    const closed = await h.shows(otherVote, /^🗳️ The vote closed without a winner\n/);
    expect(closed.components).toEqual([]);
    expect(otherStory().lines.filter((l) => l.vote?.closed_by === 'ended')).toHaveLength(2);
    expect(h.lines(other.threadId)).toHaveLength(1);
  }, 40_000);

  it('answers a press on a vote that has closed privately, and the owner’s /pick closes it once', async () => {
    const message = h.votes(threadA)[0];
    // Discord is slow to show the closing edit (a 429 holds it): the buttons are still there to press.
    w.fake.rateLimitNext(new RegExp(`^/channels/${threadA}/messages/${message.id}$`), {
      retryAfter: 2,
      method: 'PATCH',
    });
    const picked = w.command(w.ana, 'pick', { candidate: 2 }, threadA);
    await w.fake.waitFor(() => a().vote?.status === 'closed', 15_000, 'the vote closed');
    const lines = a().lines.length;
    expect(voteIds(w.fake.message(message.id)!)).toHaveLength(2);
    expect(await h.privately(w.press(w.mod, message, voteIds(message)[1]))).toBe(
      'That vote has closed: candidate 2 won, with 0 votes. Its lines are in the story now.',
    );
    const answer = await w.fake.waitForOriginal(picked.id, /picked/, 15_000);
    expect(unescaped(answer.content)).toBe('Ana picked candidate 2: it is the story’s next line.');
    await h.shows(message, /^🗳️ Candidate 2 won, with 0 votes\n/);
    const line = await w.fake.waitFor(
      () => h.lines(threadA).find((m) => customIds(m).some((id) => readButtonId(id)?.lineId === a().head)),
      15_000,
    );
    expect(line).toBeDefined();
    // Nothing the late press did: no ballot, no line; the winner posted once, the vote message closed once.
    expect(a().lines).toHaveLength(lines);
    expect(
      a()
        .lines.flatMap((l) => l.vote?.voters ?? [])
        .map((p) => p.id),
    ).toEqual([w.ben.id]);
    expect(w.fake.messageRevisions(message.id).filter((v) => v.components!.length === 0)).toHaveLength(1);
    expect(h.lines(threadA).filter((m) => m.id === line.id)).toHaveLength(1);
    expect(w.fake.requests({ method: 'PATCH', status: 429 }).length).toBe(1);
  }, 30_000);

  it('paces the edits of a burst of votes, and shows the newest counts', async () => {
    const sent = w.command(w.boss, 'story', { opening: 'Everyone pressed at once.', candidates: 3, length: 60 });
    const reply = await h.voteUp(sent, 3);
    const threadC = reply.thread!.id;
    const message = await h.vote(threadC, 1);
    const [one, two] = voteIds(message);
    // Boss (who asked) does not vote, so the burst does not close it; each press is answered before the next.
    const presses: [typeof w.ana, string][] = [
      [w.ana, one],
      [w.ben, one],
      [w.mod, one],
      [w.ana, two],
      [w.ben, two],
    ];
    for (const [user, id] of presses) await h.privately(w.press(user, w.fake.message(message.id)!, id));
    const newest = await h.shows(message, /\*\*2\.\*\* .* — 2 votes \(Ana, Ben\)\n/);
    expect(unescaped(newest.content)).toMatch(/\*\*1\.\*\* .* — 1 vote \(Mod\)\n/);
    const edits = await h.settled(message);
    expect(edits.length).toBeLessThan(presses.length);
    expectPaced(edits);
    const picked = w.command(w.boss, 'pick', { candidate: 2 }, threadC);
    await w.fake.waitForOriginal(picked.id, /picked/, 15_000);
    const closed = await h.shows(message, /^🗳️ Candidate 2 won, with 2 votes\n/);
    expect(closed.components).toEqual([]);
    expectPaced(await h.settled(message));
  }, 30_000);

  it('fits 5 candidates of 1,000 characters: each in full above the vote, the vote in 2,000 characters', async () => {
    await w.admin('pause');
    const asked = w.command(w.ana, 'continue', { candidates: 5 }, threadA);
    await w.fake.waitForOriginal(asked.id, /⏸️/, 15_000);
    const request = w.bot.jobs.pending().find((r) => r.story_id === storyA)!;
    const prose = 'The *star* _fell_ ~~far~~ `away`, and **nobody** saw it. ';
    const texts = [1, 2, 3, 4].map((n) => `Candidate ${n}. ${prose.repeat(20)}`.slice(0, 1000).trim());
    texts.push('*_'.repeat(500));
    const before = w.fake.channelMessages(threadA).length;
    await answerWithCandidates(w, request, texts);
    await h.voteUp(asked, 5);
    const message = await h.vote(threadA, 2);

    // Each candidate in full, in order, before the vote (the fifth escapes past one message: two).
    const posted = w.fake.channelMessages(threadA).slice(before);
    expect(posted.at(-1)!.id).toBe(message.id);
    const above = posted.slice(0, -1);
    expect(above).toHaveLength(6);
    for (const m of posted) expect(m.content.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    for (const [i, text] of texts.entries()) {
      const heading = `🗳️ **Candidate ${i + 1}** of 5:\n`;
      const start = above.findIndex((m) => m.content.startsWith(heading));
      const end = above.findIndex((m, j) => j > start && m.content.startsWith('🗳️ **Candidate '));
      const pieces = above.slice(start, end < 0 ? undefined : end).map((m) => unescaped(m.content));
      pieces[0] = pieces[0].slice(heading.length);
      expect(pieces.join('')).toBe(text);
    }
    withinLimits(message);
    expect(voteIds(message)).toHaveLength(5);
    expect(message.components).toHaveLength(1);
    const text = unescaped(message.content);
    expect(text).toContain('-# Each candidate is in full in the messages above; here they are cut short.');
    expect(text).toMatch(/\*\*1\.\*\* Candidate 1\. The \*star\*.*… — no votes\n/);

    // Votes from many people with long names still fit.
    expect(await h.privately(w.press(w.mod, message, voteIds(message)[4]))).toBe('You voted for candidate 5.');
    const counted = await h.shows(message, /\*\*5\.\*\* .* — 1 vote \(Mod\)\n/);
    withinLimits(counted);
    const picked = w.command(w.ana, 'pick', { candidate: 5 }, threadA);
    await w.fake.waitForOriginal(picked.id, /picked/, 15_000);
    const closed = await h.shows(message, /^🗳️ Candidate 5 won, with 1 vote\n/);
    withinLimits(closed);
    // The winner is posted in full as the story's next line (in two messages: it is long once escaped).
    await w.fake.waitFor(() => a().lines.find((l) => l.id === a().head)?.delivered, 15_000, 'the winner posted');
    const winner = h.lines(threadA).at(-1)!;
    expect(unescaped(winner.content)).toMatch(/^(\*_)+\n-# ✍️ the model/);
    await w.admin('resume');
  }, 60_000);
});

/** Plays a worker that wrote these candidates for `request`: writes its response into the world's mailbox. */
async function answerWithCandidates(w: DiscordWorld, request: Request, texts: string[]): Promise<void> {
  const candidates = texts.map((text, i) => ({
    text,
    stop: 'max_chars' as const,
    seed: (request.sampling.seed + i) % 2 ** 32,
    chars: [...text].length,
  }));
  const response: Response = {
    v: 1,
    type: 'response',
    job_id: request.job_id,
    worker_id: 'embedded-test',
    finished_at: new Date().toISOString(),
    ok: true,
    result: {
      text: candidates[0].text,
      stop: candidates[0].stop,
      model: 'played-by-the-test',
      model_sha256: '0'.repeat(64),
      device: 'cpu',
      ms: 1,
      candidates,
    },
  };
  const transport = testTransport(w.config);
  await transport.open();
  await transport.put('responses', `${request.job_id}.json`, `${JSON.stringify(response)}\n`);
  await transport.close();
}
