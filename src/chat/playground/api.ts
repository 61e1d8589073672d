/**
 * Role: the handlers, turning what people do into core calls (on Discord and
 * Slack, handlers/). In the playground that is its JSON API, which its page uses
 * and so can scripts and load tests: commands, button presses, stories, who-am-I,
 * and the command list. Bad input gets a 4xx with a clear message, never a 5xx.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { COMMANDS } from '../../../commands/index.ts';
import type { ChatCore } from '../../core/chat-core.ts';
import { parseCommandLine } from '../../core/text-command.ts';
import type { Reply } from '../../core/types.ts';
import { contextFor } from './context.ts';
import { field, HttpError, readJson, sendJson } from './http.ts';
import { replyView, storySummary, storyView } from './render.ts';

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
  constructor(
    private readonly core: ChatCore,
    private readonly admins: readonly string[],
  ) {}

  private result(reply: Reply, storyId: string | null): CommandResult {
    const story = storyId ? this.core.stories().find((s) => s.id === storyId) : undefined;
    return { reply: replyView(reply), storyId, story: story ? storyView(story) : null };
  }

  private thread(id: string | undefined): string | null {
    if (id === undefined) return null;
    if (!this.core.stories().some((s) => s.id === id)) {
      throw new HttpError(404, 'not_found', `There is no story ${JSON.stringify(id.slice(0, 40))}.`);
    }
    return id;
  }

  /** POST /api/command {user, text, thread?}: a slash command, or (in a thread) plain text as your own line. */
  async command(body: Record<string, unknown>): Promise<CommandResult> {
    const user = field(body, 'user', true, 40)!;
    const text = field(body, 'text', true, 20_000)!;
    const ctx = contextFor(user, this.admins, this.thread(field(body, 'thread', false, 40)));
    let reply: Reply;
    if (!text.trim().startsWith('/') && ctx.place.thread) reply = await this.core.addLine(ctx, ctx.place.thread, text);
    else {
      const { name, args } = parseCommandLine(text);
      // A story's thread in the playground is the story itself, named by its id.
      const makeThread = async (story: { id: string }) => ({ thread: story.id, message: null });
      reply = await this.core.run(ctx, name, args, { storyId: ctx.place.thread ?? undefined, makeThread });
    }
    return this.result(reply, reply.story?.id ?? ctx.place.thread);
  }

  /**
   * POST /api/button {user, customId, thread?}: `thread` is the story whose page the button was pressed on, so a
   * vote's button that names another story's vote is refused (other_story) as in a chat's thread.
   */
  async button(body: Record<string, unknown>): Promise<CommandResult> {
    const ctx = contextFor(field(body, 'user', true, 40)!, this.admins, this.thread(field(body, 'thread', false, 40)));
    const reply = await this.core.press(ctx, field(body, 'customId', true, 100)!);
    return this.result(reply, reply.story?.id ?? null);
  }

  /** Routes one /api request; returns false when the path is not an API route. */
  async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const path = url.pathname;
    if (req.method === 'POST' && path === '/api/command') {
      sendJson(res, 200, await this.command(await readJson(req)));
      return true;
    }
    if (req.method === 'POST' && path === '/api/button') {
      sendJson(res, 200, await this.button(await readJson(req)));
      return true;
    }
    if (req.method === 'GET' && path === '/api/stories') {
      const stories = this.core
        .stories()
        .sort((a, b) => (a.created_at < b.created_at ? 1 : -1))
        .slice(0, 100);
      sendJson(res, 200, { stories: stories.map(storySummary) });
      return true;
    }
    const story = /^\/api\/stories\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && story) {
      const id = decodePathPart(story[1]);
      const found = this.core.stories().find((s) => s.id === id);
      if (!found) throw new HttpError(404, 'not_found', 'There is no such story.');
      sendJson(res, 200, storyView(found));
      return true;
    }
    if (req.method === 'GET' && path === '/api/whoami') {
      const ctx = contextFor(url.searchParams.get('user') ?? '', this.admins, null);
      sendJson(res, 200, { id: ctx.person.id, name: ctx.person.name, admin: ctx.admin });
      return true;
    }
    if (req.method === 'GET' && path === '/api/commands') {
      sendJson(res, 200, { commands: COMMANDS, limits: this.core.limits });
      return true;
    }
    if (path.startsWith('/api/')) throw new HttpError(404, 'not_found', `No API route ${req.method} ${path}.`);
    return false;
  }
}
