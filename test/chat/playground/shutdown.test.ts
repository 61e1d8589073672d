/**
 * Stopping the playground (Ctrl-C) loses no answer: a command in flight gets its reply
 * before the connections close, a request that comes in while it stops gets a sentence
 * (503), and a request that never ends holds the stop for `drainMs` only. The pages'
 * event streams hear `alive` beats, and end when the server stops.
 */
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandResult } from '../../../src/chat/playground/api.ts';
import { openEvents, startTestPlayground, type TestPlayground } from '../../helpers/playground.ts';
import { until } from '../../helpers/worker-process.ts';

let pg: TestPlayground | undefined;
afterEach(async () => {
  await pg?.bot.stop();
  pg = undefined;
});

/** Makes the story store's create wait `ms` (a slow disk or a busy machine), and says when one has begun. */
function slowCreate(playground: TestPlayground, ms: number): { begun: () => boolean } {
  const stories = playground.bot.stories;
  const create = stories.create.bind(stories);
  let begun = false;
  stories.create = async (story) => {
    begun = true;
    await new Promise((resolve) => setTimeout(resolve, ms));
    return create(story);
  };
  return { begun: () => begun };
}

function post(url: string, body: unknown): Promise<Response> {
  const headers = { 'content-type': 'application/json' };
  return fetch(`${url}/api/command`, { method: 'POST', headers, body: JSON.stringify(body) });
}

describe('stopping the playground', () => {
  it('a /story in flight at Ctrl-C still gets its answer: the story id and the story', async () => {
    pg = await startTestPlayground({}, { drainMs: 5_000 });
    const slow = slowCreate(pg, 800);
    const answer = post(pg.url, { user: 'Ann', text: '/story The ferry at midnight --length 40' });
    await until(slow.begun, 5_000, 'the command to reach core');
    const stopped = pg.playground.stop();
    const res = await answer;
    expect(res.status).toBe(200);
    const body = (await res.json()) as CommandResult;
    expect(body.storyId).toMatch(/^[0-9A-Z]{26}$/);
    expect(body.story).toMatchObject({ id: body.storyId, title: 'The ferry at midnight' });
    await stopped;
    expect(pg.bot.stories.get(body.storyId!).pending).not.toBeNull();
  });

  it('a request that arrives while it stops gets a sentence, not a dropped connection', async () => {
    pg = await startTestPlayground({}, { drainMs: 5_000 });
    const slow = slowCreate(pg, 800);
    const { port } = new URL(pg.url);
    // A connection already open whose request is still being sent (headers not finished) when the stop begins.
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('GET /api/stories HTTP/1.1\r\nHost: playground\r\n');
    let reply = '';
    socket.on('data', (chunk) => (reply += chunk.toString()));
    const answer = post(pg.url, { user: 'Ann', text: '/story The late ferry --length 40' });
    await until(slow.begun, 5_000, 'the command to reach core');
    const stopped = pg.playground.stop();
    socket.write('\r\n');
    await until(() => reply.includes('}'), 5_000, 'an answer on the open connection');
    expect(reply).toMatch(/^HTTP\/1\.1 503/);
    expect(reply).toMatch(/The storyloom server is stopping\. The page reconnects by itself when it is back\./);
    expect((await answer).status).toBe(200);
    await stopped;
    socket.destroy();
  });

  it('a request that never ends holds the stop for drainMs only', async () => {
    pg = await startTestPlayground({}, { drainMs: 300 });
    const stories = pg.bot.stories;
    let begun = false;
    stories.create = () => {
      begun = true;
      return new Promise(() => undefined);
    };
    const answer = post(pg.url, { user: 'Ann', text: '/story Never --length 40' }).catch((error: Error) => error);
    await until(() => begun, 5_000, 'the command to reach core');
    const started = Date.now();
    await pg.playground.stop();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await answer).toBeInstanceOf(Error);
  });

  it('pages hear alive beats on their event stream, and the stream ends when the server stops', async () => {
    pg = await startTestPlayground({}, { aliveMs: 200 });
    const feed = await openEvents(pg.url);
    await until(() => feed.events.filter((e) => e.event === 'alive').length >= 3, 5_000, 'three alive beats');
    expect(feed.events[0]).toMatchObject({ event: 'alive', data: { everyMs: 200 } });
    expect(Date.parse((feed.events[0].data as { at: string }).at)).toBeGreaterThan(Date.now() - 5_000);
    await pg.playground.stop();
    expect(pg.playground.events.size).toBe(0);
    feed.close();
  });
});
