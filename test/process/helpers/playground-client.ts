/** A client for a running bot's playground HTTP API (src/chat/playground/api.ts), as a script would use it. */

/** A story as `GET /api/stories/:id` returns it (the fields these tests read). */
export interface StoryView {
  id: string;
  lines: { id?: string; kind: string; text: string; by: string; jobId?: string; author?: { name: string } }[];
  buttons: { action: string; customId: string }[];
  /** The job the story waits for, if any. */
  pending?: { jobId: string } | null;
}

async function json<T>(url: string, body?: unknown): Promise<T> {
  const init =
    body === undefined
      ? {}
      : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  const res = await fetch(url, init);
  const data = (await res.json()) as T;
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${JSON.stringify(data)}`);
  return data;
}

/** The playground of one bot process. */
export class PlaygroundClient {
  constructor(readonly url: string) {}

  /** `GET /healthz`. */
  health(): Promise<{ ok: boolean; transport: string; worker: { online: boolean; id?: string } }> {
    return json(`${this.url}/healthz`);
  }

  /** Runs `/story <text>` as `user`; returns the new story's id. */
  async startStory(user: string, text: string): Promise<string> {
    const started = await json<{ storyId: string | null }>(`${this.url}/api/command`, { user, text: `/story ${text}` });
    if (!started.storyId) throw new Error(`no story started: ${JSON.stringify(started)}`);
    return started.storyId;
  }

  /** Runs any command line as `user` (`/status`, say; in a story's thread with `thread`); returns the reply's text. */
  async command(user: string, text: string, thread?: string): Promise<string> {
    const body = { user, text, ...(thread ? { thread } : {}) };
    return (await json<{ reply: { text: string } }>(`${this.url}/api/command`, body)).reply.text;
  }

  /** `GET /api/stories/:id`. */
  story(id: string): Promise<StoryView> {
    return json(`${this.url}/api/stories/${id}`);
  }

  /** Presses a story's button as `user`. */
  async press(user: string, customId: string): Promise<void> {
    await json(`${this.url}/api/button`, { user, customId });
  }

  /** Polls the story until it has `count` lines; returns it. */
  async waitForLines(id: string, count: number, timeoutMs: number): Promise<StoryView> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const story = await this.story(id);
      if (story.lines.length >= count) return story;
      if (Date.now() > end) throw new Error(`story ${id}: ${story.lines.length} lines, not ${count} (${timeoutMs} ms)`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
