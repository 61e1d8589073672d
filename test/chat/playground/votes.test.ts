/**
 * Votes in the playground's JSON API and its event stream: a story played by voting (candidates, ballots moved,
 * live counts on the stream, the vote closing when everyone voted, the winner as the next line and the others as
 * branches, /branch 3 and a vote on the new branch, /pick, /end, /export with the votes); presses that change
 * nothing (twice, on a closed vote, a button of another story, a pick by someone else); N = 1 as before; and a
 * vote across restarts (two bot starts on one data folder): one open at the stop goes on with its counts and
 * window, one whose window ran out while the bot was down closes once when it is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goLive, startBot } from '../../../src/app.ts';
import { PlaygroundAdapter } from '../../../src/chat/playground/adapter.ts';
import type { CommandResult } from '../../../src/chat/playground/api.ts';
import type { storyView } from '../../../src/chat/playground/render.ts';
import type { Config } from '../../../src/config.ts';
import { silentLogger } from '../../../src/log.ts';
import type { treeDocument } from '../../../src/stories/tree-file.ts';
import type { Worker } from '../../../src/worker/worker.ts';
import { startTestWorker, testTransport } from '../../helpers/bot.ts';
import { tinyModel } from '../../helpers/models.ts';
import { openEvents, type ReceivedEvent, startTestPlayground, type TestPlayground } from '../../helpers/playground.ts';
import { until } from '../../helpers/worker-process.ts';

type StoryView = ReturnType<typeof storyView>;
type VoteJson = NonNullable<StoryView['vote']>;
type Answer = CommandResult & { error?: { code: string; message: string } };

/** The API of one running playground. */
function client(url: () => string) {
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${url()}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Answer };
  };
  return {
    command: (user: string, text: string, thread?: string) => post('/api/command', { user, text, thread }),
    press: (user: string, customId: string, thread?: string) => post('/api/button', { user, customId, thread }),
    view: async (id: string) => (await (await fetch(`${url()}/api/stories/${id}`)).json()) as StoryView,
  };
}

/** The votes of each candidate. */
const counts = (vote: VoteJson | null) => vote?.candidates.map((c) => c.votes);

/** The texts of the lines the stream carried. */
const postedLines = (events: ReceivedEvent[]) =>
  events.filter((e) => e.event === 'line').map((e) => (e.data as { line: { text: string } }).line.text);

/** The story views the stream carried in `story` events of kind 'vote' and in `vote` events, for one story. */
function voteViews(events: ReceivedEvent[], storyId: string): VoteJson[] {
  return events
    .filter((e) => e.event === 'vote' || (e.event === 'story' && (e.data as { kind: string }).kind === 'vote'))
    .map((e) => (e.data as { story: StoryView }).story)
    .filter((s) => s.id === storyId && s.vote)
    .map((s) => s.vote!);
}

describe('playground API: votes', () => {
  let pg: TestPlayground;
  let worker: Worker;
  const api = client(() => pg.url);
  beforeAll(async () => {
    pg = await startTestPlayground();
    worker = await startTestWorker(pg.config, await tinyModel());
  });
  afterAll(async () => {
    await worker.stop();
    await worker.transport.close();
    await pg.stop();
  });

  /** Waits for the story's vote on its job `jobId` to be open, and returns it as the API shows it. */
  async function openVoteOf(id: string, jobId: string): Promise<VoteJson> {
    // Shown too: its "message" is saved, so nothing but people's presses changes the story from here.
    const shown = () => pg.bot.stories.get(id).vote;
    await until(() => shown()?.job_id === jobId && shown()?.message !== null, 30_000, `the vote of job ${jobId}`);
    const vote = (await api.view(id)).vote!;
    expect(vote).toMatchObject({ jobId, open: true, winner: null });
    return vote;
  }

  it('a story played by voting: ballots moved, live counts, winners, /branch 3, /pick, /export', async () => {
    const feed = await openEvents(pg.url);
    const started = await api.command('Ann', '/story The ferry left at dawn. --length 40 --candidates 3');
    expect(started.status).toBe(200);
    const id = started.body.storyId!;
    const first = await openVoteOf(id, started.body.reply.jobId!);
    expect(first.candidates.map((c) => c.n)).toEqual([1, 2, 3]);
    expect(first.candidates.every((c) => c.text.length > 0 && c.votes === 0 && c.voters.length === 0)).toBe(true);
    expect(first.title).toBe('🗳️ Vote on the next line (3 candidates, asked for by Ann)');
    expect(Date.parse(first.closesAt) - Date.now()).toBeGreaterThan(30_000);
    expect(first.buttons.map((b) => [b.label, b.who])).toEqual(
      [1, 2, 3].map((n) => [`Vote ${n} · 0`, { anyone: true, admins: true, ids: [] }]),
    );
    expect(first.pick).toEqual({ who: { anyone: false, admins: true, ids: ['pg:ann'] } });
    let view = await api.view(id);
    // While the channel votes, End is the only story button (Continue, Retry and Undo wait for the vote).
    expect(view.buttons.map((b) => b.action)).toEqual(['end']);
    expect(view.lines).toHaveLength(1);
    // The page hears the vote open: its story, then the vote shown, saying what the job wrote.
    await until(() => feed.events.some((e) => e.event === 'vote'), 5_000, 'the vote shown on the stream');
    const shown = feed.events.find((e) => e.event === 'vote')!.data as { text: string; jobId: string };
    expect(shown).toMatchObject({ jobId: first.jobId, text: '✅ Written: 3 candidates are up for a vote below.' });
    expect(pg.bot.stories.get(id).vote!.message).toBe(`vote:${first.id}`);

    // Bob votes for 1, then moves his vote to 2; each change reaches the stream at once.
    const bob1 = await api.press('Bob', first.buttons[0].customId, id);
    expect([bob1.status, bob1.body.reply.text, bob1.body.reply.ephemeral]).toEqual([
      200,
      'You voted for candidate 1.',
      true,
    ]);
    expect(counts(bob1.body.story!.vote)).toEqual([1, 0, 0]);
    expect(bob1.body.reply.buttons.map((b) => b.action)).toEqual(['end']);
    await until(() => voteViews(feed.events, id).some((v) => v.candidates[0].votes === 1), 5_000, 'Bob’s vote');
    const bob2 = await api.press('Bob', first.buttons[1].customId, id);
    expect(bob2.body.reply.text).toBe('You moved your vote from candidate 1 to candidate 2.');
    expect(bob2.body.story!.vote!.candidates[1]).toMatchObject({ votes: 1, voters: ['Bob'], voterIds: ['pg:bob'] });
    await until(
      () => voteViews(feed.events, id).some((v) => v.candidates[1].votes === 1 && v.candidates[0].votes === 0),
      5_000,
      'Bob’s moved vote',
    );

    // Ann, the only one taking part when it opened, votes: everyone has, and it closes.
    const ann = await api.press('Ann', first.buttons[1].customId, id);
    expect(ann.body.reply.text).toBe('You voted for candidate 2. Everyone taking part has voted: candidate 2 won.');
    view = await api.view(id);
    expect(view.lines).toHaveLength(2);
    expect(view.lines[1]).toMatchObject({
      kind: 'model',
      text: first.candidates[1].text,
      author: { name: 'Ann' },
      vote: { voteId: first.id, n: 2, of: 3, won: true, voters: ['Bob', 'Ann'] },
    });
    expect(view.branches).toBe(3);
    expect(view.vote).toMatchObject({ id: first.id, open: false, winner: 2, closedBy: 'everyone', buttons: [] });
    expect(view.vote!.title).toBe('🗳️ Candidate 2 won, with 2 votes');
    expect(view.buttons.map((b) => b.action)).toEqual(['continue', 'retry', 'undo', 'end']);
    await until(() => postedLines(feed.events).includes(first.candidates[1].text), 5_000, 'the winner as a line');
    await until(() => voteViews(feed.events, id).some((v) => !v.open && v.winner === 2), 5_000, 'the closed vote');

    // Two more voted lines: Bob voted, so he takes part now, and it closes when both have voted.
    for (const [lines, choice] of [
      [3, 1],
      [4, 3],
    ] as const) {
      const asked = await api.press('Bob', view.buttons[0].customId, id);
      expect(asked.status).toBe(200);
      const vote = await openVoteOf(id, asked.body.reply.jobId!);
      expect((await api.press('Bob', vote.buttons[choice - 1].customId, id)).body.reply.text).toBe(
        `You voted for candidate ${choice}.`,
      );
      expect((await api.command('Ann', `/vote ${choice}`, id)).body.reply.text).toBe(
        `You voted for candidate ${choice}. Everyone taking part has voted: candidate ${choice} won.`,
      );
      view = await api.view(id);
      expect(view.lines).toHaveLength(lines);
      expect(view.lines.at(-1)!.text).toBe(vote.candidates[choice - 1].text);
    }
    const four = view;

    // Back to line 3, and a vote on the new branch that Ann closes with /pick.
    const moved = await api.command('Ann', '/branch 3', id);
    expect(moved.status).toBe(200);
    expect(moved.body.story!.lines.map((l) => l.id)).toEqual(four.lines.slice(0, 3).map((l) => l.id));
    const asked = await api.command('Bob', '/continue', id);
    const onBranch = await openVoteOf(id, asked.body.reply.jobId!);
    const picked = await api.command('Ann', '/pick 3', id);
    expect([picked.status, picked.body.reply.text]).toEqual([
      200,
      'Ann picked candidate 3: it is the story’s next line.',
    ]);
    view = await api.view(id);
    expect(view.lines.slice(0, 3).map((l) => l.id)).toEqual(four.lines.slice(0, 3).map((l) => l.id));
    expect(view.lines[3]).toMatchObject({
      text: onBranch.candidates[2].text,
      vote: { n: 3, won: true, voters: [], closedBy: 'pick', pickedBy: 'Ann' },
    });
    expect(view.vote).toMatchObject({ open: false, winner: 3, closedBy: 'pick' });
    expect(view.vote!.footer).toMatch(/^Ann picked it\./);

    expect((await api.command('Ann', '/end', id)).status).toBe(200);
    const exported = await api.command('Bob', '/export', id);
    const [md, tree] = exported.body.reply.files;
    expect([md.name, tree.name]).toEqual(['the-ferry-left-at-dawn.md', 'the-ferry-left-at-dawn.tree.json']);
    expect(md.content).toContain(first.candidates[1].text);
    expect(md.content).toContain('chosen by vote: candidate 2 of 3, 2 votes (Bob, Ann)');
    expect(md.content).toContain('picked by Ann: candidate 3 of 3, 0 votes');
    const doc = JSON.parse(tree.content) as ReturnType<typeof treeDocument>;
    // The opening and four votes of three candidates each: every candidate kept, the winners on the branch.
    expect(doc.lines).toHaveLength(13);
    const voted = doc.lines.filter((l) => l.vote);
    expect(voted).toHaveLength(12);
    expect(new Set(voted.map((l) => l.vote!.vote_id)).size).toBe(4);
    expect(voted.filter((l) => l.vote!.won).map((l) => [l.vote!.n, l.vote!.closed_by])).toEqual([
      [2, 'everyone'],
      [1, 'everyone'],
      [3, 'everyone'],
      [3, 'pick'],
    ]);
    expect(voted.find((l) => l.vote!.won)!.vote!.voters.map((p) => p.name)).toEqual(['Bob', 'Ann']);
    expect(doc.current_branch).toEqual(view.lines.map((l) => l.id));
    feed.close();
  }, 120_000);

  it('presses that change nothing: twice, another story’s button, someone else’s pick, a closed vote', async () => {
    const a = await api.command('Ann', '/story The lighthouse keeper slept. --length 40 --candidates 3');
    const b = await api.command('Cy', '/story The river froze. --length 40 --candidates 2');
    const idA = a.body.storyId!;
    const idB = b.body.storyId!;
    const voteA = await openVoteOf(idA, a.body.reply.jobId!);
    const voteB = await openVoteOf(idB, b.body.reply.jobId!);

    expect((await api.press('Bob', voteA.buttons[0].customId, idA)).body.reply.text).toBe('You voted for candidate 1.');
    const before = pg.bot.stories.get(idA);
    const twice = await api.press('Bob', voteA.buttons[0].customId, idA);
    expect([twice.status, twice.body.reply.text, twice.body.reply.ephemeral]).toEqual([
      200,
      'You voted for candidate 1 already. Press another to move your vote.',
      true,
    ]);
    expect(counts(twice.body.story!.vote)).toEqual([1, 0, 0]);
    expect(pg.bot.stories.get(idA)).toEqual(before);

    // Story B's vote button, pressed on story A's page; and an id that names story A with story B's vote.
    const other = await api.press('Bob', voteB.buttons[0].customId, idA);
    expect([other.status, other.body.error]).toEqual([
      400,
      {
        code: 'other_story',
        message: 'That button belongs to another story’s vote: vote in that story’s own thread.',
      },
    ]);
    const mixed = await api.press('Bob', voteB.buttons[0].customId.replace(idB, idA));
    expect([mixed.status, mixed.body.error!.code]).toEqual([404, 'not_found']);
    expect(pg.bot.stories.get(idA)).toEqual(before);
    expect(counts((await api.view(idB)).vote)).toEqual([0, 0]);

    // Only the owner or an admin may pick, and only they are offered it.
    const bobPick = await api.command('Bob', '/pick 2', idA);
    expect([bobPick.status, bobPick.body.error]).toEqual([
      403,
      { code: 'forbidden', message: 'Only Ann (who started this story) or an admin can pick.' },
    ]);
    expect((await api.view(idA)).vote!.pick!.who).toEqual({ anyone: false, admins: true, ids: ['pg:ann'] });
    const cont = await api.command('Bob', '/continue', idA);
    expect([cont.status, cont.body.error!.code]).toEqual([409, 'vote_open']);
    expect(cont.body.error!.message).toMatch(/^The channel is voting on the next line \(\d+ seconds? left\)\./);
    expect(pg.bot.stories.get(idA)).toEqual(before);

    const annPick = await api.command('Ann', '/pick 2', idA);
    expect([annPick.status, annPick.body.reply.text]).toEqual([
      200,
      'Ann picked candidate 2: it is the story’s next line.',
    ]);
    const picked = await api.view(idA);
    expect(picked.vote).toMatchObject({ open: false, winner: 2, closedBy: 'pick' });
    expect(picked.lines.at(-1)!.text).toBe(voteA.candidates[1].text);

    // The closed vote's buttons: a clear answer, and nothing changes.
    const after = pg.bot.stories.get(idA);
    const late = await api.press('Bob', voteA.buttons[2].customId, idA);
    expect([late.status, late.body.error]).toEqual([
      409,
      {
        code: 'vote_closed',
        message: 'That vote has closed: candidate 2 won, with 0 votes. Its lines are in the story now.',
      },
    ]);
    expect((await api.command('Bob', '/vote 1', idA)).body.error!.code).toBe('no_vote');
    expect(pg.bot.stories.get(idA)).toEqual(after);

    // An admin may pick on anyone's story.
    expect((await api.command('Root', '/pick 1', idB)).status).toBe(200);
    expect((await api.view(idB)).vote).toMatchObject({ open: false, winner: 1, closedBy: 'pick' });
  }, 60_000);

  it('N = 1 is what it was: Continue writes a line, with no vote', async () => {
    const feed = await openEvents(pg.url);
    const started = await api.command('Dee', '/story The orchard at night. --length 40');
    const id = started.body.storyId!;
    await until(() => pg.bot.stories.get(id).lines.length === 2, 30_000, 'the first line');
    let view = await api.view(id);
    expect(view).toMatchObject({ vote: null, candidates: null, branches: 1 });
    expect(view.buttons.map((b) => b.action)).toEqual(['continue', 'retry', 'undo', 'end']);
    const asked = await api.press('Dee', view.buttons[0].customId, id);
    await until(() => pg.bot.stories.get(id).lines.length === 3, 30_000, 'the next line');
    view = await api.view(id);
    expect(view.lines[2]).toMatchObject({ kind: 'model', jobId: asked.body.reply.jobId, vote: null });

    // A story whose own number is 3 still writes one line when Continue asks for 1.
    expect((await api.command('Dee', '/candidates 3', id)).body.reply.text).toBe(
      'From now on Continue writes 3 candidate lines for a vote in this story.',
    );
    expect((await api.view(id)).candidates).toBe(3);
    await api.command('Dee', '/continue 1', id);
    await until(() => pg.bot.stories.get(id).lines.length === 4, 30_000, 'a single line');
    view = await api.view(id);
    expect(view).toMatchObject({ vote: null, branches: 1 });
    const lines = feed.events.filter((e) => e.event === 'line' && (e.data as { storyId: string }).storyId === id);
    expect(lines).toHaveLength(3);
    expect(voteViews(feed.events, id)).toEqual([]);
    expect(feed.events.filter((e) => e.event === 'vote' && (e.data as { storyId: string }).storyId === id)).toEqual([]);
    feed.close();
  }, 60_000);
});

/** The votes' window in the restart tests: long enough for a restart on a busy machine, short enough to wait out. */
const WINDOW_S = 8;

describe('playground API: votes across a restart', () => {
  let pg: TestPlayground;
  let worker: Worker;
  const api = client(() => pg.url);
  beforeAll(async () => {
    pg = await startTestPlayground({ STORYLOOM_VOTE_WINDOW_S: String(WINDOW_S) });
    worker = await startTestWorker(pg.config, await tinyModel());
  });
  afterAll(async () => {
    await worker.stop();
    await worker.transport.close();
    await pg.stop();
  });

  /** Starts the bot and its playground again on the same data folder, as `npm start` after Ctrl-C. */
  async function restart(config: Config): Promise<void> {
    await pg.stop();
    const bot = await startBot(config, testTransport(config), { worker: false, log: silentLogger() });
    const playground = new PlaygroundAdapter(config, bot.chat, silentLogger());
    await playground.start();
    await goLive(bot);
    pg = {
      bot,
      playground,
      config,
      url: playground.url,
      async stop() {
        await playground.stop();
        await bot.stop();
      },
    };
  }

  const voteLines = (id: string, voteId: string) =>
    pg.bot.stories.get(id).lines.filter((l) => l.vote?.vote_id === voteId);

  it('a vote open at the stop goes on after it: the same vote, its counts, its window', async () => {
    const started = await api.command('Ann', '/story The night train stopped. --length 40 --candidates 3');
    const id = started.body.storyId!;
    await until(() => pg.bot.stories.get(id).vote?.status === 'open', 30_000, 'the vote');
    const vote = (await api.view(id)).vote!;
    await api.press('Bob', vote.buttons[1].customId, id);
    expect(counts((await api.view(id)).vote)).toEqual([0, 1, 0]);
    const opened = Date.parse(pg.bot.stories.get(id).vote!.opened_at);
    const stoppedAt = Date.now();
    await pg.stop();
    // Down for a while: a window started afresh at the restart would close well after the first one ends.
    await until(() => Date.now() > opened + 3_000, 5_000, 'three seconds of the window');
    await restart(pg.config);
    const restartedAt = Date.now();
    const feed = await openEvents(pg.url);
    const back = (await api.view(id)).vote!;
    expect(back).toMatchObject({ id: vote.id, open: true, closesAt: vote.closesAt });
    expect(counts(back)).toEqual([0, 1, 0]);
    expect(back.candidates[1].voters).toEqual(['Bob']);
    expect(restartedAt).toBeLessThan(Date.parse(vote.closesAt));

    await until(() => pg.bot.stories.get(id).vote?.status === 'closed', 15_000, 'the vote to close');
    const closed = pg.bot.stories.get(id);
    expect(closed.vote).toMatchObject({ id: vote.id, closed_by: 'window', winner: 2 });
    const winner = voteLines(id, vote.id).find((l) => l.vote!.won)!;
    expect(Date.parse(winner.at)).toBeGreaterThanOrEqual(Date.parse(vote.closesAt));
    expect(Date.parse(winner.at)).toBeLessThan(restartedAt + WINDOW_S * 1000);
    expect(stoppedAt).toBeLessThan(Date.parse(vote.closesAt));
    expect(voteLines(id, vote.id)).toHaveLength(3);
    expect(closed.head).toBe(winner.id);
    await until(() => feed.events.some((e) => e.event === 'line'), 5_000, 'the winner on the stream');
    expect(
      feed.events.filter((e) => e.event === 'line').map((e) => (e.data as { line: { id: string } }).line.id),
    ).toEqual([winner.id]);
    await until(() => pg.bot.stories.get(id).vote?.shown === true, 5_000, 'the closed vote shown');
    feed.close();
  }, 60_000);

  it('a vote whose window ran out while the bot was down closes once when it is back', async () => {
    const started = await api.command('Ann', '/story The snow kept falling. --length 40 --candidates 3');
    const id = started.body.storyId!;
    await until(() => pg.bot.stories.get(id).vote?.status === 'open', 30_000, 'the vote');
    const vote = (await api.view(id)).vote!;
    await api.press('Bob', vote.buttons[2].customId, id);
    await pg.stop();
    expect(pg.bot.stories.get(id).vote!.status).toBe('open');
    await until(() => Date.now() > Date.parse(vote.closesAt) + 100, 15_000, 'the window to run out');

    await restart(pg.config);
    await until(() => pg.bot.stories.get(id).vote?.status === 'closed', 5_000, 'the vote to close on return');
    expect(pg.bot.stories.get(id).vote).toMatchObject({ id: vote.id, closed_by: 'window', winner: 3 });
    expect(voteLines(id, vote.id)).toHaveLength(3);
    await until(() => pg.bot.stories.get(id).vote?.shown === true, 5_000, 'the closed vote shown');
    const view = await api.view(id);
    expect(view.vote).toMatchObject({ id: vote.id, open: false, winner: 3 });
    expect(view.lines.at(-1)).toMatchObject({ text: vote.candidates[2].text, vote: { won: true, voters: ['Bob'] } });
    const once = pg.bot.stories.get(id);
    expect(once.lines.filter((l) => l.id === once.head && l.delivered)).toHaveLength(1);

    // Once: another start finds it closed and shown, and changes nothing.
    await restart(pg.config);
    expect(pg.bot.stories.get(id)).toEqual(once);
  }, 60_000);
});
