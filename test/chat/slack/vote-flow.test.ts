/**
 * Votes on Slack, end to end in Socket Mode against the fake, with the embedded worker writing the candidates: a
 * whole story played by voting (a vote message with a button per candidate in the story's thread, counts shown
 * live by chat.update, a moved vote, the vote closed when everyone taking part has voted or by the owner's
 * `@storyloom pick`, the winner posted as the next line with the story's buttons, the vote message updated to show
 * the winner and no buttons; `@storyloom branch 3` and a vote on the new branch; the end; an export whose tree
 * carries the votes); votes that cannot be stuffed (a second press, a press on a closed vote, another story's
 * button, a pick by someone else); and N = 1, which is a line as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebClient } from '@slack/web-api';
import { escapeMrkdwn } from '../../../src/chat/slack/mrkdwn.ts';
import type { treeDocument } from '../../../src/stories/tree-file.ts';
import { currentBranch } from '../../../src/stories/tree.ts';
import { RecordingLogger } from '../../fakes/slack/boltTestKit.ts';
import type { StoredMessage } from '../../fakes/slack/types.ts';
import {
  buttonOf,
  lineIdOf,
  lineMessages,
  press,
  startSlackWorld,
  startStory,
  stopSlackWorld,
  storyOf,
  until,
  waitForLines,
  type SlackWorld,
} from './harness.ts';
import {
  answerTo,
  buttonIds,
  candidateOf,
  footerOf,
  headerOf,
  mentionFor,
  pressVote,
  untilMessage,
  updatesOf,
  voteMessages,
  votePosts,
  votesOf,
  waitForVote,
  withEvent,
} from './vote-helpers.ts';

/** The member on SLACK_ADMIN_IDS. */
const ADMIN = 'UADMIN0001';

describe('Slack: the channel votes on the next line', () => {
  let world: SlackWorld;
  beforeAll(async () => {
    world = await startSlackWorld('socket', {
      admins: [ADMIN],
      channelRateLimit: { minIntervalMs: 1000, retryAfterSec: 1 },
    });
    world.fake.addUser({ id: ADMIN, name: 'ada' });
  });
  afterAll(() => stopSlackWorld(world));

  /** The story's open vote's id (from its file). */
  const openVoteId = (root: string) => {
    const vote = storyOf(world, root).vote;
    if (vote?.status !== 'open') throw new Error('no open vote');
    return vote.id;
  };
  /** Waits until the vote message shows `votes` under candidate `n`. */
  const shows = (message: StoredMessage, n: number, votes: string) =>
    untilMessage(world, message, (m) => votesOf(m, n) === votes, `candidate ${n} shown with ${votes}`);
  /** Waits until the vote message shows the vote closed (no buttons); resolves with it. */
  const closed = (message: StoredMessage) =>
    untilMessage(world, message, (m) => buttonIds(m).length === 0, 'the vote message to show the vote closed');

  it('plays a whole story by voting: votes, a moved vote, a pick, a branch, the end and the export', async () => {
    const { fake } = world;
    const channel = fake.addChannel({ name: 'voting' }).id;
    const alice = fake.defaultUser.id;
    const bob = fake.addUser({ name: 'bob' }).id;
    const carol = fake.addUser({ name: 'carol' }).id;

    const { root } = await startStory(world, 'The ferry left at dawn. --length 60 --candidates 3', { channel });
    const first = await waitForVote(world, channel, root.ts);
    const story = storyOf(world, root.ts);
    expect(story.settings.candidates).toBe(3);
    const voteId = openVoteId(root.ts);
    expect(first.thread_ts).toBe(root.ts);
    expect(first.text).toBe('🗳️ Vote on the next line (3 candidates, asked for by alice)');
    expect(headerOf(first)).toBe(first.text);
    expect(buttonIds(first)).toEqual([1, 2, 3].map((n) => `sl:vote:${story.id}:${voteId}:${n}`));
    for (const n of [1, 2, 3]) {
      expect(candidateOf(first, n)).toContain(escapeMrkdwn(story.vote!.candidates[n - 1].text.slice(0, 20).trim()));
      expect(votesOf(first, n)).toBe('0 votes');
    }
    expect(footerOf(first)).toContain('0 of 1 person taking part have voted.');
    expect(footerOf(first)).toContain('alice (who started the story) or an admin can @storyloom pick one now.');
    expect(footerOf(first)).toMatch(/Closes at <!date\^\d+\^\{time_secs\}\|\d\d:\d\d:\d\d UTC>\.$/);
    // No line was posted yet: the candidates are up for a vote.
    expect(lineMessages(world, channel, root.ts)).toEqual([]);

    // Two people vote; each hears it privately, and the message shows the counts as they come.
    expect(await pressVote(world, first, 1, bob)).toBe('You voted for candidate 1.');
    await shows(first, 1, '1 vote (bob)');
    expect(await pressVote(world, first, 2, carol)).toBe('You voted for candidate 2.');
    await shows(first, 2, '1 vote (carol)');
    expect(await pressVote(world, first, 2, bob)).toBe('You moved your vote from candidate 1 to candidate 2.');
    const moved = await shows(first, 2, '2 votes (carol, bob)');
    expect(votesOf(moved, 1)).toBe('0 votes');
    expect(updatesOf(world, first).length).toBeGreaterThanOrEqual(2);
    // Alice is the one person taking part (she asked): her vote closes it, and candidate 2 wins.
    expect(await pressVote(world, first, 3, alice)).toBe(
      'You voted for candidate 3. Everyone taking part has voted: candidate 2 won.',
    );
    const firstClosed = await closed(first);
    expect(headerOf(firstClosed)).toBe('🗳️ Candidate 2 won, with 2 votes');
    expect(firstClosed.text).toBe('🗳️ Candidate 2 won, with 2 votes');
    expect(candidateOf(firstClosed, 2)).toMatch(/^🏆 \*2\.\* /u);
    expect(votesOf(firstClosed, 2)).toBe('2 votes (carol, bob)');
    expect(votesOf(firstClosed, 3)).toBe('1 vote (alice)');
    expect(footerOf(firstClosed)).toBe(
      'Everyone taking part voted. It is the story’s next line; the others are kept as branches ' +
        '(see @storyloom branches).',
    );
    let lines = await waitForLines(world, channel, root.ts, 1);
    let after = storyOf(world, root.ts);
    expect(lineIdOf(lines[0])).toBe(after.head);
    expect(buttonOf(lines[0], 'continue')).toMatch(/^sl:continue:/);
    expect(after.lines.find((l) => l.id === after.head)).toMatchObject({
      text: story.vote!.candidates[1].text.trim(),
      by: { id: alice },
      vote: { vote_id: voteId, n: 2, of: 3, won: true, closed_by: 'everyone' },
    });
    // The vote message came before its winner, and stayed one message.
    const replies = fake.threadReplies(channel, root.ts);
    expect(replies.indexOf(replies.find((m) => m.ts === first.ts)!)).toBeLessThan(
      replies.indexOf(replies.find((m) => m.ts === lines[0].ts)!),
    );

    // The next vote counts everyone who took part in the last quarter hour: alice, bob and carol.
    await press(world, lines[0], 'continue', alice);
    const second = await waitForVote(world, channel, root.ts, 2);
    expect(
      storyOf(world, root.ts)
        .vote!.participants.map((p) => p.name)
        .sort(),
    ).toEqual(['alice', 'bob', 'carol']);
    expect(await pressVote(world, second, 1, bob)).toBe('You voted for candidate 1.');
    await shows(second, 1, '1 vote (bob)');
    // The owner picks candidate 3 before everyone has voted: everyone sees it.
    await fake.mention({ channel, thread_ts: root.ts, user: alice, text: 'pick 3' });
    await until(
      () =>
        fake
          .threadReplies(channel, root.ts)
          .find((m) => m.text === 'alice picked candidate 3: it is the story’s next line.'),
      'the pick’s notice',
    );
    const secondClosed = await closed(second);
    expect(headerOf(secondClosed)).toBe('🗳️ Candidate 3 won, with 0 votes');
    expect(footerOf(secondClosed)).toMatch(/^alice picked it\. It is the story’s next line;/);
    lines = await waitForLines(world, channel, root.ts, 2);

    // A third vote, by mention: every participant votes, and it closes.
    await press(world, lines[1], 'continue', bob);
    const third = await waitForVote(world, channel, root.ts, 3);
    expect(await mentionFor(world, channel, root.ts, alice, 'vote 1')).toBe('You voted for candidate 1.');
    expect(await mentionFor(world, channel, root.ts, carol, 'vote 1')).toBe('You voted for candidate 1.');
    expect(await pressVote(world, third, 2, bob)).toBe(
      'You voted for candidate 2. Everyone taking part has voted: candidate 1 won.',
    );
    expect(headerOf(await closed(third))).toBe('🗳️ Candidate 1 won, with 2 votes');
    lines = await waitForLines(world, channel, root.ts, 3);
    after = storyOf(world, root.ts);
    expect(currentBranch(after)).toHaveLength(4);
    const lineThree = currentBranch(after)[2];

    // Back to line 3, and a vote on the new branch.
    await fake.mention({ channel, thread_ts: root.ts, user: alice, text: 'branch 3' });
    const movedBack = '↩️ alice moved the story back to line 3';
    const notice = await until(
      () => fake.threadReplies(channel, root.ts).find((m) => m.text?.startsWith(movedBack)),
      'the branch notice',
    );
    expect(storyOf(world, root.ts).head).toBe(lineThree.id);
    await press(world, notice, 'continue', carol);
    const fourth = await waitForVote(world, channel, root.ts, 4);
    expect(storyOf(world, root.ts).vote!.parent).toBe(lineThree.id);
    await pressVote(world, fourth, 3, alice);
    await pressVote(world, fourth, 3, bob);
    expect(await pressVote(world, fourth, 1, carol)).toBe(
      'You voted for candidate 1. Everyone taking part has voted: candidate 3 won.',
    );
    await closed(fourth);
    lines = await waitForLines(world, channel, root.ts, 4);
    const grown = storyOf(world, root.ts);
    expect(grown.lines.find((l) => l.id === grown.head)!.parent).toBe(lineThree.id);
    expect(currentBranch(grown)).toHaveLength(4);

    await press(world, lines[3], 'end', alice);
    await until(() => storyOf(world, root.ts).status === 'ended', 'the end');
    await fake.mention({ channel, thread_ts: root.ts, text: 'export' });
    const files = await until(() => {
      const uploaded = fake.uploadedFiles().filter((f) => f.completedAt && f.thread_ts === root.ts);
      return uploaded.length === 2 && uploaded;
    }, 'both files of the export');
    expect(files.map((f) => f.filename)).toEqual(['the-ferry-left-at-dawn.md', 'the-ferry-left-at-dawn.tree.json']);
    const markdown = files[0].bytes!.toString('utf8');
    for (const line of currentBranch(grown).slice(1)) expect(markdown).toContain(line.text.slice(0, 15).trim());
    const doc = JSON.parse(files[1].bytes!.toString('utf8')) as ReturnType<typeof treeDocument>;
    // Four votes of three candidates: every candidate is in the tree with its vote, one winner each.
    const voted = doc.lines.filter((l) => l.vote !== null);
    expect(voted).toHaveLength(12);
    expect(new Set(voted.map((l) => l.vote!.vote_id)).size).toBe(4);
    expect(voted.filter((l) => l.vote!.won)).toHaveLength(4);
    expect(voted.find((l) => l.vote!.vote_id === voteId && l.vote!.n === 2)!.vote).toMatchObject({
      won: true,
      closed_by: 'everyone',
      voters: [
        { id: carol, name: 'carol' },
        { id: bob, name: 'bob' },
      ],
    });
    expect(voted.filter((l) => l.vote!.closed_by === 'pick').every((l) => l.vote!.picked_by?.id === alice)).toBe(true);
    expect(doc.head).toBe(grown.head);

    // Four vote messages, each posted once and each showing its vote closed; no status message is left.
    expect(voteMessages(world, channel, root.ts).map((m) => m.ts)).toEqual(
      [first, second, third, fourth].map((m) => m.ts),
    );
    expect(votePosts(world, channel)).toHaveLength(4);
    expect(voteMessages(world, channel, root.ts).every((m) => buttonIds(m).length === 0)).toBe(true);
    expect(withEvent(world, channel, root.ts, 'storyloom_status')).toEqual([]);
    expect(Math.min(...fake.postIntervals(channel))).toBeGreaterThanOrEqual(1000);
  }, 120_000);

  it('cannot be stuffed: a second press, another story’s button, someone else’s pick, a closed vote', async () => {
    const { fake } = world;
    const channel = fake.addChannel({ name: 'stuffing' }).id;
    const alice = fake.defaultUser.id;
    const dave = fake.addUser({ name: 'dave' }).id;
    const erin = fake.addUser({ name: 'erin' }).id;
    const { root } = await startStory(world, 'The lamp burned low. --length 40', { channel });
    const [line] = await waitForLines(world, channel, root.ts, 1);

    // The story's number of candidates is its owner's (or an admin's) to set.
    expect(await mentionFor(world, channel, root.ts, dave, 'candidates 3')).toBe(
      'Only alice (who started this story) or an admin can set its candidates.',
    );
    await fake.mention({ channel, thread_ts: root.ts, user: alice, text: 'candidates 3' });
    await until(
      () =>
        fake
          .threadReplies(channel, root.ts)
          .find((m) => m.text === 'From now on Continue writes 3 candidate lines for a vote in this story.'),
      'the candidates notice',
    );
    await press(world, line, 'continue', dave);
    const vote = await waitForVote(world, channel, root.ts);
    expect(buttonIds(vote)).toHaveLength(3);
    // Another story, in another thread, with a vote of its own.
    const other = await startStory(world, 'The bell rang. --length 40 --candidates 2', { channel, user: erin });
    const otherVote = await waitForVote(world, channel, other.root.ts);

    // A second press of the same candidate: an answer only dave sees, and nothing changes.
    expect(await pressVote(world, vote, 2, dave)).toBe('You voted for candidate 2.');
    await shows(vote, 2, '1 vote (dave)');
    const ballots = storyOf(world, root.ts).vote!.ballots;
    const blocks = structuredClone(fake.message(channel, vote.ts)!.blocks);
    expect(await pressVote(world, vote, 2, dave)).toBe(
      'You voted for candidate 2 already. Press another to move your vote.',
    );
    expect(storyOf(world, root.ts).vote!.ballots).toEqual(ballots);
    expect(fake.message(channel, vote.ts)!.blocks).toEqual(blocks);

    // A button of the other story's vote, pressed in this thread (a copy the bot posted here): refused.
    const web = new WebClient(fake.botToken, {
      slackApiUrl: fake.apiUrl,
      logger: new RecordingLogger(),
      // The fake keeps Slack's one post a second per channel: the client waits its Retry-After, as the bot's does.
      retryConfig: { retries: 5 },
    });
    const actions = otherVote.blocks!.find((b) => b.type === 'actions')!;
    const copy = await web.chat.postMessage({
      channel,
      thread_ts: root.ts,
      text: 'a copy',
      blocks: [actions] as never,
    });
    const foreign = buttonIds(otherVote)[0];
    const refusal = await answerTo(world, channel, dave, async () => {
      const delivery = await fake.clickButton({ message: { channel, ts: copy.ts! }, actionId: foreign, user: dave });
      await delivery.waitForAck();
    });
    expect(refusal).toBe('That button belongs to another story’s vote: vote in that story’s own thread.');
    expect(storyOf(world, other.root.ts).vote!.ballots).toEqual([]);
    expect(storyOf(world, root.ts).vote!.ballots).toEqual(ballots);

    // Only the owner (or an admin) picks; a story button waits for the vote.
    expect(await mentionFor(world, channel, root.ts, dave, 'pick 1')).toBe(
      'Only alice (who started this story) or an admin can pick.',
    );
    const waits = await answerTo(world, channel, dave, () => press(world, line, 'continue', dave));
    expect(waits).toMatch(/^The channel is voting on the next line \(\d+ seconds? left\)\. Vote with the buttons, or /);
    expect(storyOf(world, root.ts).vote!.status).toBe('open');
    expect(fake.message(channel, vote.ts)!.blocks).toEqual(blocks);

    // The owner's pick closes it at once.
    const onScreen = structuredClone(fake.message(channel, vote.ts)!);
    await fake.mention({ channel, thread_ts: root.ts, user: alice, text: 'pick 2' });
    const picked = await closed(vote);
    expect(headerOf(picked)).toBe('🗳️ Candidate 2 won, with 1 vote');
    expect(footerOf(picked)).toMatch(/^alice picked it\. /);
    const lines = await waitForLines(world, channel, root.ts, 2);
    const afterPick = await until(() => {
      const story = storyOf(world, root.ts);
      return story.lines.every((l) => l.delivered) && story;
    }, 'the winner marked posted');
    expect(lineIdOf(lines[1])).toBe(afterPick.head);
    expect(afterPick.lines.find((l) => l.id === afterPick.head)!.vote).toMatchObject({ n: 2, closed_by: 'pick' });

    // A press on the closed vote, from a screen that still shows its buttons: it says who won, and changes nothing.
    expect(await pressVote(world, vote, 1, dave, onScreen)).toBe(
      'That vote has closed: candidate 2 won, with 1 vote. Its lines are in the story now.',
    );
    expect(storyOf(world, root.ts).lines).toEqual(afterPick.lines);
    expect(storyOf(world, root.ts).vote).toEqual(afterPick.vote);
    expect(lineMessages(world, channel, root.ts)).toHaveLength(2);
    expect(voteMessages(world, channel, root.ts)).toHaveLength(1);

    // The other story ends with its vote open: the vote closes without a winner, its candidates kept.
    await fake.mention({ channel, thread_ts: other.root.ts, user: erin, text: 'end' });
    const ended = await closed(otherVote);
    expect(headerOf(ended)).toBe('🗳️ The vote closed without a winner');
    expect(footerOf(ended)).toBe(
      'The story ended before the vote was decided. Every candidate is kept as a branch (see @storyloom branches).',
    );
    expect(storyOf(world, other.root.ts).lines.filter((l) => l.vote)).toHaveLength(2);
    expect(lineMessages(world, channel, other.root.ts)).toEqual([]);
  }, 90_000);

  it('writes one line and shows no vote when a story asks for one candidate (N = 1)', async () => {
    const { fake } = world;
    const channel = fake.addChannel({ name: 'single' }).id;
    const { root } = await startStory(world, 'The tide came in. --length 40', { channel });
    const [first] = await waitForLines(world, channel, root.ts, 1);
    await press(world, first, 'continue');
    await waitForLines(world, channel, root.ts, 2);
    await fake.mention({ channel, thread_ts: root.ts, text: 'continue 1' });
    const lines = await waitForLines(world, channel, root.ts, 3);
    const story = storyOf(world, root.ts);
    expect(story.vote ?? null).toBeNull();
    expect(story.lines.map((l) => l.vote ?? null)).toEqual([null, null, null, null]);
    expect(lines.map(lineIdOf)).toEqual(story.lines.slice(1).map((l) => l.id));
    expect(voteMessages(world, channel, root.ts)).toEqual([]);
    expect(votePosts(world, channel)).toEqual([]);
    const everyButton = fake.threadReplies(channel, root.ts).flatMap(buttonIds);
    expect(everyButton.some((id) => id.startsWith('sl:vote:'))).toBe(false);
    expect(withEvent(world, channel, root.ts, 'storyloom_done')).toEqual([]);
  }, 60_000);

  it('sets a channel’s number of candidates with /story-candidates (admins), for stories that set none', async () => {
    const { fake } = world;
    const channel = fake.addChannel({ name: 'channel-default' }).id;
    const slash = (user: string, text: string) =>
      answerTo(world, channel, user, async () => {
        const delivery = await fake.sendSlashCommand({ command: '/story-candidates', text, channel, user });
        expect((await delivery.waitForAck()).ackMs).toBeLessThan(3000);
      });
    expect(await slash(fake.defaultUser.id, '2')).toBe('Only an admin can set the channel’s number of candidates.');
    // A slash command carries no thread: a story's own number is set by a mention in its thread.
    expect(await slash(ADMIN, '2 --for story')).toBe('Use this inside a story’s thread (start one with /story).');
    await fake.sendSlashCommand({ command: '/story-candidates', text: '2', channel, user: ADMIN });
    const notice =
      'From now on Continue writes 2 candidate lines for a vote in this channel’s stories that set no ' +
      'number of their own.';
    await until(() => fake.channelMessages(channel).find((m) => m.text === notice), 'the channel’s notice');

    const { root } = await startStory(world, 'The snow kept falling. --length 40', { channel });
    const vote = await waitForVote(world, channel, root.ts);
    expect(buttonIds(vote)).toHaveLength(2);
    expect(storyOf(world, root.ts).settings.candidates).toBeUndefined();
    await fake.mention({ channel, thread_ts: root.ts, text: 'end' });
    expect(headerOf(await closed(vote))).toBe('🗳️ The vote closed without a winner');
  }, 60_000);
});
