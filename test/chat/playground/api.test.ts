/** The playground's JSON API: every route, and bad input getting a 4xx with a clear message (never a 5xx). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandResult } from '../../../src/chat/playground/api.ts';
import type { storySummary, storyView } from '../../../src/chat/playground/render.ts';
import type { Worker } from '../../../src/worker/worker.ts';
import { startTestWorker } from '../../helpers/bot.ts';
import { quietLog } from '../../helpers/log.ts';
import { tinyModel } from '../../helpers/models.ts';
import { startTestPlayground, type TestPlayground } from '../../helpers/playground.ts';
import { until } from '../../helpers/worker-process.ts';
import { UserError } from '../../../src/stories/errors.ts';

let pg: TestPlayground;
let worker: Worker;
beforeAll(async () => {
  pg = await startTestPlayground();
  worker = await startTestWorker(pg.config, await tinyModel());
});
afterAll(async () => {
  await worker.stop();
  await worker.transport.close();
  await pg.stop();
});

type StoryView = ReturnType<typeof storyView>;
/** What the API answers a request it refuses. */
interface ApiError {
  error: { code: string; message: string; retryAfterMs?: number };
}

/** POSTs `body` (sent as is when a string) and reads the JSON answer as `T`: a command's result unless told. */
async function post<T = CommandResult>(
  path: string,
  body: unknown,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) {
  const res = await fetch(`${pg.url}${path}`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}
/** GETs `path`; the body is its JSON read as `T`, or its text when it is not JSON. */
async function get<T = unknown>(path: string) {
  const res = await fetch(`${pg.url}${path}`);
  const body: unknown = res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text();
  return { status: res.status, body: body as T };
}

describe('playground API', () => {
  let storyId: string;

  it('POST /api/command starts a story and returns the reply and the story id', async () => {
    const { status, body } = await post('/api/command', {
      user: 'Ann',
      text: '/story The lighthouse keeper --length 60',
    });
    expect(status).toBe(200);
    expect(body.storyId).toMatch(/^[0-9A-Z]{26}$/);
    expect(body.reply.jobId).toMatch(/^[0-9A-Z]{26}$/);
    expect(body.reply.text).toMatch(/in line|Writing|No worker/);
    storyId = body.storyId!;
    await until(() => pg.bot.stories.get(storyId).lines.length === 2, 30_000, 'the first line');
  });

  it('GET /api/stories/:id returns the story with its lines', async () => {
    const { status, body } = await get<StoryView>(`/api/stories/${storyId}`);
    expect(status).toBe(200);
    expect(body.id).toBe(storyId);
    expect(body.lines[0]).toMatchObject({ kind: 'seed', text: 'The lighthouse keeper', by: 'Ann' });
    expect(body.lines[1]).toMatchObject({ kind: 'model', by: 'storyloom', author: { name: 'Ann' } });
    expect(typeof body.lines[1].at).toBe('string');
    expect(body.buttons.map((b: { action: string }) => b.action)).toEqual(['continue', 'retry', 'undo', 'end']);
  });

  it('thread commands take "thread"; plain text in a thread is your own line', async () => {
    const added = await post('/api/command', { user: 'Bob', text: 'Bob writes this.', thread: storyId });
    expect(added.status).toBe(200);
    expect(pg.bot.stories.get(storyId).lines.at(-1)).toMatchObject({ kind: 'human', text: 'Bob writes this.' });
    const status = await post('/api/command', { user: 'Bob', text: '/status', thread: storyId });
    expect(status.body.reply).toMatchObject({ ephemeral: true, text: expect.stringMatching(/Workers online: 1/) });
  });

  it('POST /api/button presses a button', async () => {
    const story = (await get<StoryView>(`/api/stories/${storyId}`)).body;
    const cont = story.buttons.find((b) => b.action === 'continue')!;
    const { status, body } = await post('/api/button', { user: 'Bob', customId: cont.customId });
    expect(status).toBe(200);
    expect(body.reply.jobId).toBeTruthy();
    await until(() => pg.bot.stories.get(storyId).lines.length === 4, 30_000, 'the continued line');
  });

  it('GET /api/stories lists stories; /api/commands lists commands; /api/whoami knows admins', async () => {
    expect((await get<{ stories: ReturnType<typeof storySummary>[] }>('/api/stories')).body.stories[0]).toMatchObject({
      id: storyId,
      lines: 4,
      owner: { name: 'Ann' },
    });
    expect((await get<{ commands: { name: string }[] }>('/api/commands')).body.commands.map((c) => c.name)).toContain(
      'story',
    );
    expect((await get('/api/whoami?user=Root')).body).toEqual({ id: 'pg:root', name: 'Root', admin: true });
    expect((await get('/api/whoami?user=Ann')).body).toEqual({ id: 'pg:ann', name: 'Ann', admin: false });
  });

  it('GET /api/commands gives the limits core applies to openings and lines, for the page’s counters', async () => {
    expect((await get<{ limits: unknown }>('/api/commands')).body.limits).toEqual({ opening: 1000, line: 1000 });
    // The limit is core's own: one character more is refused.
    const over = await post<ApiError>('/api/command', { user: 'Ann', text: 'x'.repeat(1001), thread: storyId });
    expect(over.body.error.message).toMatch(/keep it under 1000 characters/);
    expect((await post('/api/command', { user: 'Ann', text: `/story ${'y'.repeat(1001)}` })).status).toBe(413);
  });

  it('says who may press each button, by core’s rules: anyone Continue, the owner End, the author Undo', async () => {
    await post('/api/command', { user: 'Bob', text: 'Bob adds another line.', thread: storyId });
    const { body } = await get<StoryView>(`/api/stories/${storyId}`);
    const who = Object.fromEntries(body.buttons.map((b) => [b.action, b.who]));
    expect(who.continue).toEqual({ anyone: true, admins: true, ids: [] });
    expect(who.undo).toEqual({ anyone: false, admins: true, ids: ['pg:ann', 'pg:bob'] });
    expect(who.end).toEqual({ anyone: false, admins: true, ids: ['pg:ann'] });
  });

  it('a command’s answer carries its story, so the page opens a new thread without another call', async () => {
    const { body } = await post('/api/command', { user: 'Ann', text: '/story A short one --length 40' });
    expect(body.story).toMatchObject({ id: body.storyId, title: 'A short one', lines: [{ kind: 'seed' }] });
    await until(() => pg.bot.stories.get(body.storyId!).pending === null, 30_000, 'its line');
  });

  it('a refusal that clears with time carries retryAfterMs and Retry-After', async () => {
    const core = pg.bot.core;
    const original = core.continue;
    const message = 'Slow down a little: try again in 3 s.';
    core.continue = async () => {
      throw Object.assign(new UserError('cooldown', message), { retryAfterMs: 2_600 });
    };
    const headers = { 'content-type': 'application/json' };
    const json = (body: unknown) => ({ method: 'POST', headers, body: JSON.stringify(body) });
    try {
      const story = (await get<StoryView>(`/api/stories/${storyId}`)).body;
      const cont = story.buttons.find((b) => b.action === 'continue')!;
      const res = await fetch(`${pg.url}/api/button`, json({ user: 'Bob', customId: cont.customId }));
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('3');
      expect(await res.json()).toEqual({ error: { code: 'cooldown', message, retryAfterMs: 2600 } });
    } finally {
      core.continue = original;
    }
    // Without a wait, no field and no header.
    const plain = await fetch(`${pg.url}/api/command`, json({ user: 'Ann', text: '/undo' }));
    expect(plain.headers.get('retry-after')).toBeNull();
    expect(((await plain.json()) as ApiError).error.retryAfterMs).toBeUndefined();
  });

  it('an ended story can still be exported: /export typed in its thread sends the file', async () => {
    const { body } = await post('/api/command', { user: 'Ann', text: '/story The last ferry --length 40' });
    await until(() => pg.bot.stories.get(body.storyId!).pending === null, 30_000, 'its line');
    expect((await post('/api/command', { user: 'Ann', text: '/end', thread: body.storyId })).status).toBe(200);
    const exported = await post('/api/command', { user: 'Bob', text: '/export', thread: body.storyId });
    expect(exported.status).toBe(200);
    expect(exported.body.reply.file).toMatchObject({ name: 'the-last-ferry.md', mime: 'text/markdown' });
    expect(exported.body.reply.file!.content).toMatch(/The last ferry/);
  });

  it('GET /healthz reports the transport and the worker', async () => {
    const { status, body } = await get('/healthz');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      ok: true,
      transport: expect.stringMatching(/^local folder /),
      worker: { online: true, id: 'embedded-test', model: 'tiny' },
    });
  });

  it('GET /api/events streams what happens', async () => {
    const controller = new AbortController();
    const res = await fetch(`${pg.url}/api/events`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    await post('/api/command', { user: 'Cy', text: 'Cy was here.', thread: storyId });
    let text = '';
    while (!text.includes('event: story')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toMatch(/"text":"Cy was here\."/);
    controller.abort();
  });

  it('serves the page, its scripts and an icon', async () => {
    expect((await get('/')).body).toMatch(/<title>storyloom playground<\/title>/);
    const files = ['/app.js', '/api.js', '/view.js', '/thread.js', '/composer.js', '/connection.js', '/style.css'];
    for (const path of files) {
      expect((await get(path)).status, path).toBe(200);
    }
    for (const path of ['/favicon.ico', '/favicon.svg']) {
      const res = await fetch(`${pg.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/svg+xml');
      expect(await res.text()).toMatch(/^<svg /);
    }
  });

  it.each([
    ['an unknown command', { user: 'Ann', text: '/dance' }, 400, /There is no \/dance/],
    ['text without a slash outside a thread', { user: 'Ann', text: 'hello' }, 400, /start with a slash/],
    ['a missing user', { text: '/story x' }, 400, /"user" is missing/],
    ['a missing text', { user: 'Ann' }, 400, /"text" is missing/],
    ['a bad name', { user: '<script>', text: '/status' }, 400, /Pick a name/],
    ['a number for text', { user: 'Ann', text: 42 }, 400, /must be a string/],
    ['oversized text', { user: 'Ann', text: `/story ${'x'.repeat(30_000)}` }, 413, /over 20000 characters/],
    ['a seed over the limit', { user: 'Ann', text: `/story ${'x'.repeat(1500)}` }, 413, /too long/],
    [
      'a thread that does not exist',
      { user: 'Ann', text: '/continue', thread: '01JDQ3Z6A1B2C3D4E5F6G7H8J9' },
      404,
      /no story/,
    ],
    [
      'an option out of range',
      { user: 'Ann', text: '/story Hello --temperature 9' },
      400,
      /temperature must be between/,
    ],
    ['a thread command outside a thread', { user: 'Ann', text: '/undo' }, 400, /inside a story/],
    ['/admin by a non-admin', { user: 'Ann', text: '/admin pause' }, 403, /Only storyloom admins/],
  ])('%s → %i', async (_name, body, status, message) => {
    const res = await post<ApiError>('/api/command', body);
    expect(res.status).toBe(status);
    expect(res.body.error.message).toMatch(message);
  });

  it.each([
    ['invalid JSON', '{"user": ', { 'content-type': 'application/json' }, 400, /not valid JSON/],
    ['not JSON at all', 'user=Ann', { 'content-type': 'application/x-www-form-urlencoded' }, 415, /Send JSON/],
    ['a JSON array', '[1,2]', { 'content-type': 'application/json' }, 400, /JSON object/],
    [
      'a body over 64 kB',
      JSON.stringify({ user: 'Ann', text: 'x'.repeat(70_000) }),
      { 'content-type': 'application/json' },
      413,
      /over 64 kB/,
    ],
  ])('%s → %i', async (_name, body, headers, status, message) => {
    const res = await post<ApiError>('/api/command', body, headers);
    expect(res.status).toBe(status);
    expect(res.body.error.message).toMatch(message);
  });

  it('bad buttons, unknown routes and missing stories are 4xx', async () => {
    expect((await post('/api/button', { user: 'Ann', customId: 'nope' })).status).toBe(400);
    expect(
      (await post<ApiError>('/api/button', { user: 'Ann', customId: `sl:undo:${storyId}:0` })).body.error.message,
    ).toMatch(/moved on/);
    expect((await get('/api/stories/nothing')).status).toBe(404);
    expect((await get('/api/nothing')).status).toBe(404);
    expect((await get('/nothing')).status).toBe(404);
  });

  it.each([
    ['a bare %', '/api/stories/%'],
    ['a cut-off UTF-8 sequence', '/api/stories/%E0%A4%A'],
    ['an invalid UTF-8 byte', '/api/stories/%FF'],
  ])('a story id with %s is a 400 with a clear message, not a 500', async (_name, path) => {
    const { status, body } = await get<ApiError>(path);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'bad_request', message: expect.stringMatching(/malformed %-encoding/) });
  });

  it('odd request targets and bad query encodings are 4xx, never 5xx', async () => {
    expect((await get('/api/whoami?user=%')).status).toBe(400);
    expect((await get('//api/stories')).status).toBe(404);
    expect((await get('/api/stories/%2F..%2F')).status).toBe(404);
  });

  it.each([
    ['a missing user', { customId: 'sl:continue:x:1' }, 400, /"user" is missing/],
    ['a missing customId', { user: 'Ann' }, 400, /"customId" is missing/],
    ['an empty body', {}, 400, /is missing/],
    ['a number for customId', { user: 'Ann', customId: 7 }, 400, /must be a string/],
    ['an oversized customId', { user: 'Ann', customId: 'x'.repeat(101) }, 413, /over 100 characters/],
  ])('POST /api/button with %s → %i', async (_name, body, status, message) => {
    const res = await post<ApiError>('/api/button', body);
    expect(res.status).toBe(status);
    expect(res.body.error.message).toMatch(message);
  });

  it('an admin pauses and resumes the worker through the API, and sees it confirmed', async () => {
    const paused = await post('/api/command', { user: 'Root', text: '/admin pause' });
    expect(paused.status).toBe(200);
    expect(paused.body.reply.text).toBe('✅ embedded-test: pause confirmed (state paused).');
    expect((await get<{ worker: { state: string } }>('/healthz')).body.worker.state).toBe('paused');
    const resumed = await post('/api/command', { user: 'Root', text: '/admin resume' });
    expect(resumed.status).toBe(200);
    expect(resumed.body.reply.text).toBe('✅ embedded-test: resume confirmed (state running).');
    expect((await get<{ worker: { state: string } }>('/healthz')).body.worker.state).toBe('running');
  }, 60_000);
});

describe('playground startup', () => {
  it('a port already in use gets a clear message', async () => {
    const port = new URL(pg.url).port;
    const { PlaygroundAdapter } = await import('../../../src/chat/playground/adapter.ts');
    const second = new PlaygroundAdapter({ ...pg.config, PLAYGROUND_PORT: Number(port) }, pg.bot.chat, quietLog());
    await expect(second.start()).rejects.toThrow(
      new RegExp(`port ${port} on 127.0.0.1 is already in use.*PLAYGROUND_PORT=`),
    );
  });
});
