/** The playground's JSON API: every route, and bad input getting a 4xx with a clear message (never a 5xx). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedWorker } from '../../../src/engine/worker.ts';
import { startTestWorker } from '../../helpers/bot.ts';
import { tinyModel } from '../../helpers/models.ts';
import { startTestPlayground, type TestPlayground } from '../../helpers/playground.ts';
import { until } from '../../helpers/worker-process.ts';

let pg: TestPlayground;
let worker: EmbeddedWorker;
beforeAll(async () => {
  pg = await startTestPlayground();
  worker = await startTestWorker(pg.config, await tinyModel());
});
afterAll(async () => {
  await worker.stop();
  await worker.transport.close();
  await pg.stop();
});

async function post(path: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const res = await fetch(`${pg.url}${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}
async function get(path: string) {
  const res = await fetch(`${pg.url}${path}`);
  return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? ((await res.json()) as any) : await res.text() };
}

describe('playground API', () => {
  let storyId: string;

  it('POST /api/command starts a story and returns the reply and the story id', async () => {
    const { status, body } = await post('/api/command', { user: 'Ann', text: '/story The lighthouse keeper --length 60' });
    expect(status).toBe(200);
    expect(body.storyId).toMatch(/^[0-9A-Z]{26}$/);
    expect(body.reply.jobId).toMatch(/^[0-9A-Z]{26}$/);
    expect(body.reply.text).toMatch(/in line|Writing|No worker/);
    storyId = body.storyId;
    await until(() => pg.bot.stories.get(storyId).lines.length === 2, 30_000, 'the first line');
  });

  it('GET /api/stories/:id returns the story with its lines', async () => {
    const { status, body } = await get(`/api/stories/${storyId}`);
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
    const story = (await get(`/api/stories/${storyId}`)).body;
    const cont = story.buttons.find((b: { action: string }) => b.action === 'continue');
    const { status, body } = await post('/api/button', { user: 'Bob', customId: cont.customId });
    expect(status).toBe(200);
    expect(body.reply.jobId).toBeTruthy();
    await until(() => pg.bot.stories.get(storyId).lines.length === 4, 30_000, 'the continued line');
  });

  it('GET /api/stories lists stories; /api/commands lists commands; /api/whoami knows admins', async () => {
    expect((await get('/api/stories')).body.stories[0]).toMatchObject({ id: storyId, lines: 4, owner: { name: 'Ann' } });
    expect((await get('/api/commands')).body.commands.map((c: { name: string }) => c.name)).toContain('story');
    expect((await get('/api/whoami?user=Root')).body).toEqual({ name: 'Root', admin: true });
    expect((await get('/api/whoami?user=Ann')).body).toEqual({ name: 'Ann', admin: false });
  });

  it('GET /healthz reports the transport and the worker', async () => {
    const { status, body } = await get('/healthz');
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, transport: expect.stringMatching(/^local folder /), worker: { online: true, id: 'embedded-test', model: 'tiny' } });
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

  it('serves the page and its scripts', async () => {
    expect((await get('/')).body).toMatch(/<title>storyloom playground<\/title>/);
    expect((await get('/app.js')).status).toBe(200);
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
    ['a thread that does not exist', { user: 'Ann', text: '/continue', thread: '01JDQ3Z6A1B2C3D4E5F6G7H8J9' }, 404, /no story/],
    ['an option out of range', { user: 'Ann', text: '/story Hello --temperature 9' }, 400, /temperature must be between/],
    ['a thread command outside a thread', { user: 'Ann', text: '/undo' }, 400, /inside a story/],
    ['/admin by a non-admin', { user: 'Ann', text: '/admin pause' }, 403, /Only storyloom admins/],
  ])('%s → %i', async (_name, body, status, message) => {
    const res = await post('/api/command', body);
    expect(res.status).toBe(status);
    expect(res.body.error.message).toMatch(message);
  });

  it.each([
    ['invalid JSON', '{"user": ', { 'content-type': 'application/json' }, 400, /not valid JSON/],
    ['not JSON at all', 'user=Ann', { 'content-type': 'application/x-www-form-urlencoded' }, 415, /Send JSON/],
    ['a JSON array', '[1,2]', { 'content-type': 'application/json' }, 400, /JSON object/],
    ['a body over 64 kB', JSON.stringify({ user: 'Ann', text: 'x'.repeat(70_000) }), { 'content-type': 'application/json' }, 413, /over 64 kB/],
  ])('%s → %i', async (_name, body, headers, status, message) => {
    const res = await post('/api/command', body, headers);
    expect(res.status).toBe(status);
    expect(res.body.error.message).toMatch(message);
  });

  it('bad buttons, unknown routes and missing stories are 4xx', async () => {
    expect((await post('/api/button', { user: 'Ann', customId: 'nope' })).status).toBe(400);
    expect((await post('/api/button', { user: 'Ann', customId: `sl:undo:${storyId}:0` })).body.error.message).toMatch(/moved on/);
    expect((await get('/api/stories/nothing')).status).toBe(404);
    expect((await get('/api/nothing')).status).toBe(404);
    expect((await get('/nothing')).status).toBe(404);
  });

  it.each([
    ['a bare %', '/api/stories/%'],
    ['a cut-off UTF-8 sequence', '/api/stories/%E0%A4%A'],
    ['an invalid UTF-8 byte', '/api/stories/%FF'],
  ])('a story id with %s is a 400 with a clear message, not a 500', async (_name, path) => {
    const { status, body } = await get(path);
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
    const res = await post('/api/button', body);
    expect(res.status).toBe(status);
    expect(res.body.error.message).toMatch(message);
  });

  it('an admin pauses and resumes the worker through the API, and sees it confirmed', async () => {
    const paused = await post('/api/command', { user: 'Root', text: '/admin pause' });
    expect(paused.status).toBe(200);
    expect(paused.body.reply.text).toBe('✅ embedded-test: pause confirmed (state paused).');
    expect((await get('/healthz')).body.worker.state).toBe('paused');
    const resumed = await post('/api/command', { user: 'Root', text: '/admin resume' });
    expect(resumed.status).toBe(200);
    expect(resumed.body.reply.text).toBe('✅ embedded-test: resume confirmed (state running).');
    expect((await get('/healthz')).body.worker.state).toBe('running');
  }, 60_000);
});

describe('playground startup', () => {
  it('a port already in use gets a clear message', async () => {
    const port = new URL(pg.url).port;
    const { PlaygroundAdapter } = await import('../../../src/chat/playground/adapter.ts');
    const second = new PlaygroundAdapter({ ...pg.config, PLAYGROUND_PORT: Number(port) }, pg.bot, () => undefined);
    await expect(second.start()).rejects.toThrow(new RegExp(`port ${port} on 127.0.0.1 is already in use.*PLAYGROUND_PORT=`));
  });
});
