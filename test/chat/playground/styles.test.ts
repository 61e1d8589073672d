/**
 * Story styles in the playground's JSON API, with the real embedded worker on a styled model (random weights;
 * styles any, general, mystery, austen): `/story … --style austen` writes austen lines, recorded in the story file
 * and on each line; `/status` in the story says so; Continue (its button, then /continue) keeps the style; a style
 * the model lacks (melville) gets lines written in none, and /status says that; a story without a style (or with
 * `--style any`) asks for none; `/export`'s tree JSON carries the style and each line's; a style not in the list
 * is a 400 naming them. The page's reads (/api/stories/:id and /api/stories) show styled stories as any other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STYLES } from '../../../commands/story.ts';
import type { CommandResult } from '../../../src/chat/playground/api.ts';
import type { storySummary, storyView } from '../../../src/chat/playground/render.ts';
import type { Request } from '../../../src/jobs/protocol.ts';
import type { treeDocument } from '../../../src/stories/tree-file.ts';
import type { Worker } from '../../../src/worker/worker.ts';
import { NO_SUCH_STYLE, recordRequests, startStyledWorker, storyFileOf } from '../../helpers/styles.ts';
import { startTestPlayground, type TestPlayground } from '../../helpers/playground.ts';
import { until } from '../../helpers/worker-process.ts';

type StoryView = ReturnType<typeof storyView>;
type Answer = CommandResult & { error?: { code: string; message: string } };

describe('playground API: story styles with a styled model', () => {
  let pg: TestPlayground;
  let worker: Worker;
  /** Every request the bot wrote into the mailbox, as written. */
  let requests: Request[] = [];
  beforeAll(async () => {
    pg = await startTestPlayground();
    worker = await startStyledWorker(pg.config, 'pg');
    requests = recordRequests(pg.bot.transport);
  });
  afterAll(async () => {
    await worker?.stop();
    await worker?.transport.close();
    await pg?.stop();
  });

  const command = async (user: string, text: string, thread?: string) => {
    const res = await fetch(`${pg.url}/api/command`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user, text, thread }),
    });
    return { status: res.status, body: (await res.json()) as Answer };
  };
  const pressButton = async (user: string, customId: string, thread: string) => {
    const res = await fetch(`${pg.url}/api/button`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user, customId, thread }),
    });
    return { status: res.status, body: (await res.json()) as Answer };
  };
  /** The page's read of a story: GET /api/stories/:id. */
  const view = async (id: string) => {
    const res = await fetch(`${pg.url}/api/stories/${id}`);
    expect(res.status).toBe(200);
    return (await res.json()) as StoryView;
  };
  const story = (id: string) => pg.bot.stories.get(id);
  /** The story as its file in the mailbox holds it. */
  const storyFile = (id: string) => storyFileOf(pg.config, id);
  const requestFor = (jobId: string) => requests.find((r) => r.job_id === jobId)!;
  const lineCount = (id: string, n: number) => until(() => story(id).lines.length >= n, 30_000, `${n} lines in ${id}`);

  /** `/story <text>` by Ann: waits for its first line; returns the story's id. */
  async function start(text: string): Promise<string> {
    const started = await command('Ann', `/story ${text}`);
    expect(started.status).toBe(200);
    const id = started.body.storyId!;
    await lineCount(id, 2);
    return id;
  }

  /** `/status` typed in the story, by Bob: the reply's text (private to him). */
  async function status(id: string): Promise<string> {
    const answer = await command('Bob', '/status', id);
    expect(answer.status).toBe(200);
    expect(answer.body.reply.ephemeral).toBe(true);
    return answer.body.reply.text;
  }

  /** `/export` typed in the story: the Markdown and the tree's JSON. */
  async function exported(id: string) {
    const answer = await command('Bob', '/export', id);
    expect(answer.status).toBe(200);
    const [md, tree] = answer.body.reply.files;
    expect([md.name.endsWith('.md'), tree.name.endsWith('.tree.json')]).toEqual([true, true]);
    return { markdown: md.content, doc: JSON.parse(tree.content) as ReturnType<typeof treeDocument> };
  }

  it('/story --style austen: austen lines (Continue too), /status says so, the export has each line’s', async () => {
    const id = await start('It is a truth universally acknowledged. --style austen --length 60');
    let s = story(id);
    expect(s.settings.style).toBe('austen');
    expect(s.lines.map((l) => [l.kind, l.style])).toEqual([
      ['seed', undefined],
      ['model', 'austen'],
    ]);
    expect(s.lines[1].model).toBe('styled');
    expect(requestFor(s.lines[1].job_id!).style).toBe('austen');
    await until(() => storyFile(id).lines[1]?.style === 'austen', 10_000, 'the line’s style in the story file');
    expect(storyFile(id).settings.style).toBe('austen');
    expect(await status(id)).toMatch(/\nThis story is written in the austen style\.$/);

    // The page's view: the lines as for any story.
    let shown = await view(id);
    expect(shown.lines.map((l) => [l.kind, l.text])).toEqual(s.lines.map((l) => [l.kind, l.text]));
    expect(shown.buttons.map((b) => b.action)).toEqual(['continue', 'retry', 'undo', 'end']);

    const pressed = await pressButton('Bob', shown.buttons[0].customId, id);
    expect(pressed.status).toBe(200);
    await lineCount(id, 3);
    expect((await command('Ann', '/continue', id)).status).toBe(200);
    await lineCount(id, 4);
    s = story(id);
    expect(s.lines.map((l) => l.style)).toEqual([undefined, 'austen', 'austen', 'austen']);
    for (const line of s.lines.slice(1)) expect(requestFor(line.job_id!).style).toBe('austen');
    expect(await status(id)).toMatch(/\nThis story is written in the austen style\.$/);
    shown = await view(id);
    expect(shown.lines.map((l) => l.id)).toEqual(s.lines.map((l) => l.id));

    const { markdown, doc } = await exported(id);
    expect(doc.style).toBe('austen');
    expect(doc.lines.map((l) => l.style)).toEqual([null, 'austen', 'austen', 'austen']);
    expect(markdown).toMatch(/ In the austen style\.\*/);
  });

  it('a style the model lacks (melville): lines written in none, and /status and the export say so', async () => {
    const id = await start('Call me Ishmael. --style melville --length 60');
    expect(story(id).settings.style).toBe('melville');
    expect(story(id).lines[1].style).toBeNull();
    expect(requestFor(story(id).lines[1].job_id!).style).toBe('melville');
    expect((await status(id)).split('\n').at(-1)).toBe(NO_SUCH_STYLE);
    expect((await command('Bob', '/continue', id)).status).toBe(200);
    await lineCount(id, 3);
    expect(story(id).lines.map((l) => l.style)).toEqual([undefined, null, null]);
    await until(() => storyFile(id).lines[2]?.style === null, 10_000, 'the line’s style in the story file');
    expect((await view(id)).lines).toHaveLength(3);
    const { markdown, doc } = await exported(id);
    expect(doc.style).toBe('melville');
    expect(doc.lines.map((l) => l.style)).toEqual([null, null, null]);
    expect(markdown).toMatch(/ In the melville style\.\*/);
  });

  it('a story without a style, or with --style any, asks for none: no style in request or line', async () => {
    for (const style of ['', ' --style any']) {
      const id = await start(`The rain came in the night. --length 60${style}`);
      const s = story(id);
      expect(s.settings.style).toBeUndefined();
      expect('style' in s.lines[1]).toBe(false);
      expect('style' in requestFor(s.lines[1].job_id!)).toBe(false);
      expect('style' in storyFile(id).settings).toBe(false);
      expect((await status(id)).split('\n').at(-1)).toBe('This story asks for no particular style (any).');
      const { markdown, doc } = await exported(id);
      expect(doc.style).toBe('any');
      expect(doc.lines.map((l) => l.style)).toEqual([null, null]);
      expect(markdown).not.toMatch(/In the .* style/);
    }
  });

  it('refuses a style that is not one of the list with a 400 naming them; no story starts', async () => {
    const stories = pg.bot.stories.all().length;
    const asked = requests.length;
    const refused = await command('Ann', '/story A dark and stormy night. --style gothic');
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ message: `style must be one of ${STYLES.join(', ')}.` });
    expect(pg.bot.stories.all()).toHaveLength(stories);
    expect(requests).toHaveLength(asked);
  });

  it('the page’s story list shows the styled stories as any other', async () => {
    const res = await fetch(`${pg.url}/api/stories`);
    expect(res.status).toBe(200);
    const { stories } = (await res.json()) as { stories: ReturnType<typeof storySummary>[] };
    expect(stories).toHaveLength(pg.bot.stories.all().length);
    expect(stories.map((s) => s.id).sort()).toEqual(
      pg.bot.stories
        .all()
        .map((s) => s.id)
        .sort(),
    );
  });
});
