/**
 * Story styles on Slack, end to end in Socket Mode, with the real embedded worker on a styled model (random weights;
 * styles any, general, mystery, austen): `/story … --style austen` writes austen lines, recorded in the story file
 * and on each line; `@storyloom status` in the thread says so, privately; Continue keeps the style; a style the
 * model lacks (melville) gets lines written in none, and status says that; a story without a style (or with
 * `--style any`) asks for none; `@storyloom export`'s tree JSON carries the style and each line's; a style that is
 * not one of the list is refused privately, naming them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STYLES } from '../../../commands/story.ts';
import type { Request } from '../../../src/jobs/protocol.ts';
import type { treeDocument } from '../../../src/stories/tree-file.ts';
import { NO_SUCH_STYLE, recordRequests, startStyledWorker, storyFileOf } from '../../helpers/styles.ts';
import {
  press,
  startSlackWorld,
  startStory,
  stopSlackWorld,
  storyOf,
  until,
  waitForLines,
  type SlackWorld,
} from './harness.ts';

describe('Slack: story styles with a styled model', () => {
  let world: SlackWorld;
  let channel: string;
  let bob: string;
  /** Every request the bot wrote into the mailbox, as written. */
  let requests: Request[] = [];
  beforeAll(async () => {
    world = await startSlackWorld('socket', { worker: false });
    world.worker = await startStyledWorker(world.config, 'slack');
    requests = recordRequests(world.bot.transport);
    channel = world.fake.addChannel({ name: 'styles' }).id;
    bob = world.fake.addUser({ name: 'bob' }).id;
  });
  afterAll(() => stopSlackWorld(world));

  /** The story as its file in the mailbox holds it. */
  const storyFile = (id: string) => storyFileOf(world.config, id);
  const requestFor = (jobId: string) => requests.find((r) => r.job_id === jobId)!;

  /** `/story <text>`: waits for its first line; returns the thread's root ts and the line messages. */
  async function start(text: string) {
    const { root } = await startStory(world, text, { channel });
    const lines = await waitForLines(world, channel, root.ts, 1);
    return { root: root.ts, lines };
  }

  /** `@storyloom status` in a thread, by bob: the private answer's text. */
  async function status(rootTs: string): Promise<string> {
    const before = world.fake.ephemeralMessages(channel).length;
    await world.fake.mention({ channel, thread_ts: rootTs, user: bob, text: 'status' });
    const answer = await until(
      () =>
        world.fake
          .ephemeralMessages(channel)
          .slice(before)
          .find((m) => m.user === bob),
      'the private status',
    );
    return answer.text ?? '';
  }

  /** `@storyloom export` in a thread: the Markdown and the tree's JSON. */
  async function exported(rootTs: string) {
    await world.fake.mention({ channel, thread_ts: rootTs, text: 'export' });
    const files = await until(() => {
      const uploaded = world.fake.uploadedFiles().filter((f) => f.completedAt && f.thread_ts === rootTs);
      return uploaded.length === 2 && uploaded;
    }, 'both files of the export');
    expect(files.map((f) => f.filename.split('.').slice(1).join('.'))).toEqual(['md', 'tree.json']);
    const [markdown, json] = files.map((f) => f.bytes!.toString('utf8'));
    return { markdown, doc: JSON.parse(json) as ReturnType<typeof treeDocument> };
  }

  it('/story --style austen: austen lines (Continue too), /status says so, the export has each line’s', async () => {
    const { root, lines } = await start('It is a truth universally acknowledged. --style austen --length 60');
    let s = storyOf(world, root);
    expect(s.settings.style).toBe('austen');
    expect(s.lines.map((l) => [l.kind, l.style])).toEqual([
      ['seed', undefined],
      ['model', 'austen'],
    ]);
    expect(s.lines[0].text).toBe('It is a truth universally acknowledged.');
    expect(s.lines[1].model).toBe('styled');
    expect(requestFor(s.lines[1].job_id!).style).toBe('austen');
    await until(() => storyFile(s.id).lines[1]?.style === 'austen', 'the line’s style in the story file');
    expect(storyFile(s.id).settings.style).toBe('austen');

    expect(await status(root)).toMatch(/\nThis story is written in the austen style\.$/);

    await press(world, lines[0], 'continue', bob);
    await waitForLines(world, channel, root, 2);
    s = storyOf(world, root);
    expect(s.lines.map((l) => l.style)).toEqual([undefined, 'austen', 'austen']);
    expect(requestFor(s.lines[2].job_id!).style).toBe('austen');
    expect(await status(root)).toMatch(/\nThis story is written in the austen style\.$/);

    const { markdown, doc } = await exported(root);
    expect(doc.style).toBe('austen');
    expect(doc.lines.map((l) => l.style)).toEqual([null, 'austen', 'austen']);
    expect(markdown).toMatch(/ In the austen style\.\*/);
  }, 60_000);

  it('a style the model lacks (melville): lines written in none, and status and the export say so', async () => {
    const { root, lines } = await start('Call me Ishmael. --style melville --length 60');
    let s = storyOf(world, root);
    expect(s.settings.style).toBe('melville');
    expect(s.lines[1].style).toBeNull();
    expect(requestFor(s.lines[1].job_id!).style).toBe('melville');
    expect(await status(root)).toMatch(new RegExp(`\n${escapeRegExp(NO_SUCH_STYLE)}$`));

    await press(world, lines[0], 'continue', bob);
    await waitForLines(world, channel, root, 2);
    s = storyOf(world, root);
    expect(s.lines.map((l) => l.style)).toEqual([undefined, null, null]);
    await until(() => storyFile(s.id).lines[2]?.style === null, 'the line’s style in the story file');
    const { markdown, doc } = await exported(root);
    expect(doc.style).toBe('melville');
    expect(doc.lines.map((l) => l.style)).toEqual([null, null, null]);
    expect(markdown).toMatch(/ In the melville style\.\*/);
  }, 60_000);

  it('a story without a style, or with --style any, asks for none: no style in request or line', async () => {
    for (const style of ['', ' --style any']) {
      const { root } = await start(`The rain came in the night. --length 60${style}`);
      const s = storyOf(world, root);
      expect(s.settings.style).toBeUndefined();
      expect('style' in s.lines[1]).toBe(false);
      expect('style' in requestFor(s.lines[1].job_id!)).toBe(false);
      expect('style' in storyFile(s.id).settings).toBe(false);
      expect(await status(root)).toMatch(/\nThis story asks for no particular style \(any\)\.$/);
      const { markdown, doc } = await exported(root);
      expect(doc.style).toBe('any');
      expect(doc.lines.map((l) => l.style)).toEqual([null, null]);
      expect(markdown).not.toMatch(/In the .* style/);
    }
  }, 60_000);

  it('refuses a style that is not one of the list, privately, naming them; no story starts', async () => {
    const stories = world.bot.stories.all().length;
    const asked = requests.length;
    const posts = world.fake.channelMessages(channel).length;
    const alice = world.fake.defaultUser.id;
    await world.fake.sendSlashCommand({ command: '/story', text: 'A dark and stormy night. --style gothic', channel });
    const refusal = await until(
      () => world.fake.ephemeralMessages(channel).find((m) => m.user === alice && m.text?.startsWith('style must')),
      'the private refusal',
    );
    expect(refusal.text).toBe(`style must be one of ${STYLES.join(', ')}.`);
    expect(world.bot.stories.all()).toHaveLength(stories);
    expect(requests).toHaveLength(asked);
    expect(world.fake.channelMessages(channel)).toHaveLength(posts);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
