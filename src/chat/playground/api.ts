/**
 * The playground's JSON API, which its page uses and so can scripts and load
 * tests: commands, button presses, stories, who-am-I, and the command list.
 * Bad input gets a 4xx with a clear message, never a 5xx.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { COMMANDS } from '../../../commands/index.ts';
import { coreSettings } from '../../app.ts';
import type { Config } from '../../config.ts';
import type { Core } from '../../core/core.ts';
import { parseCommandLine } from '../../core/text-command.ts';
import type { CommandContext, Reply } from '../../core/types.ts';
import { field, HttpError, readJson, sendJson } from './http.ts';
import { replyView, storySummary, storyView } from './views.ts';

const NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,39}$/u;

/** Who is talking: a name a browser tab picked. Admins come from PLAYGROUND_ADMINS. */
export function contextFor(user: string, admins: readonly string[], thread: string | null): CommandContext {
  const name = user.trim();
  if (!NAME.test(name)) {
    const rule = 'Pick a name of 1 to 40 letters, digits, spaces, dots, dashes or underscores.';
    throw new HttpError(400, 'bad_request', rule);
  }
  const admin = admins.some((a) => a.toLowerCase() === name.toLowerCase());
  const actor = { id: `pg:${name.toLowerCase()}`, name, admin };
  return { actor, place: { platform: 'playground', channel: 'general', thread } };
}

/** Decodes one %-encoded part of a path; a malformed encoding (`%`, `%E0%A4%A`) is a 400, not a 500. */
export function decodePathPart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch (error) {
    const shown = JSON.stringify(part.slice(0, 40));
    if (error instanceof URIError) {
      throw new HttpError(400, 'bad_request', `The path has a malformed %-encoding: ${shown}.`);
    }
    throw error;
  }
}

/** What a command or button press returns: core's reply, and the story it is about (so a page needs no second call). */
export interface CommandResult {
  reply: ReturnType<typeof replyView>;
  storyId: string | null;
  story: ReturnType<typeof storyView> | null;
}

/** Serves /api/* for one request. */
export class PlaygroundApi {
  /** The longest opening and line core accepts, in characters: the page limits its boxes to them. */
  readonly limits: { opening: number; line: number };

  constructor(private readonly core: Core, private readonly admins: readonly string[], config: Config) {
    // The settings startBot builds core with, so the page's limits are core's own.
    const settings = coreSettings(config);
    this.limits = { opening: settings.maxSeedChars, line: settings.maxLineChars };
  }

  private result(reply: Reply, storyId: string | null): CommandResult {
    const story = storyId ? this.core.stories.all().find((s) => s.id === storyId) : undefined;
    return { reply: replyView(reply), storyId, story: story ? storyView(story) : null };
  }

  private thread(id: string | undefined): string | null {
    if (id === undefined) return null;
    if (!this.core.stories.all().some((s) => s.id === id)) throw new HttpError(404, 'not_found', `There is no story ${JSON.stringify(id.slice(0, 40))}.`);
    return id;
  }

  /** POST /api/command {user, text, thread?}: a slash command, or (in a thread) plain text as your own line. */
  async command(body: Record<string, unknown>): Promise<CommandResult> {
    const user = field(body, 'user', true, 40)!;
    const text = field(body, 'text', true, 20_000)!;
    const ctx = contextFor(user, this.admins, this.thread(field(body, 'thread', false, 40)));
    let reply: Reply;
    if (!text.trim().startsWith('/') && ctx.place.thread) reply = await this.core.add(ctx, ctx.place.thread, text);
    else {
      const { name, args } = parseCommandLine(text);
      reply = name === 'story'
        ? await this.core.start(ctx, args, async (story) => ({ thread: story.id, message: null }))
        : await this.core.run(ctx, name, args, ctx.place.thread ?? undefined);
    }
    return this.result(reply, reply.story?.id ?? ctx.place.thread);
  }

  /** POST /api/button {user, customId}. */
  async button(body: Record<string, unknown>): Promise<CommandResult> {
    const ctx = contextFor(field(body, 'user', true, 40)!, this.admins, null);
    const reply = await this.core.press(ctx, field(body, 'customId', true, 100)!);
    return this.result(reply, reply.story?.id ?? null);
  }

  /** Routes one /api request; returns false when the path is not an API route. */
  async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const path = url.pathname;
    if (req.method === 'POST' && path === '/api/command') return sendJson(res, 200, await this.command(await readJson(req))), true;
    if (req.method === 'POST' && path === '/api/button') return sendJson(res, 200, await this.button(await readJson(req))), true;
    if (req.method === 'GET' && path === '/api/stories') {
      const stories = this.core.stories.all().sort((a, b) => (a.created_at < b.created_at ? 1 : -1)).slice(0, 100);
      return sendJson(res, 200, { stories: stories.map(storySummary) }), true;
    }
    const story = /^\/api\/stories\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && story) {
      const id = decodePathPart(story[1]);
      const found = this.core.stories.all().find((s) => s.id === id);
      if (!found) throw new HttpError(404, 'not_found', 'There is no such story.');
      return sendJson(res, 200, storyView(found)), true;
    }
    if (req.method === 'GET' && path === '/api/whoami') {
      const ctx = contextFor(url.searchParams.get('user') ?? '', this.admins, null);
      return sendJson(res, 200, { id: ctx.actor.id, name: ctx.actor.name, admin: ctx.actor.admin }), true;
    }
    if (req.method === 'GET' && path === '/api/commands') {
      return sendJson(res, 200, { commands: COMMANDS, limits: this.limits }), true;
    }
    if (path.startsWith('/api/')) throw new HttpError(404, 'not_found', `No API route ${req.method} ${path}.`);
    return false;
  }
}
