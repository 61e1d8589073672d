/**
 * The playground's live feed (`GET /api/events`, server-sent events) as a page
 * reads it: the lines the bot posted and the failures it reported, in order, so
 * a test can check each line was posted exactly once.
 */

/** A `line` event: one model line posted to a story's thread. */
export interface PostedLine {
  storyId: string;
  jobId: string;
  lineId: string;
  kind: string;
}

/** A `failure` event. */
export interface PostedFailure {
  storyId: string;
  jobId: string;
  text: string;
}

/** An open feed; `close()` ends it. */
export class PlaygroundFeed {
  readonly lines: PostedLine[] = [];
  readonly failures: PostedFailure[] = [];
  /** Why the stream ended, when it did before `close()` (the bot stopped, say). */
  ended: Error | undefined;
  private readonly abort = new AbortController();
  private done: Promise<void> = Promise.resolve();

  /** Opens the feed of the playground at `url`; resolves once the stream has begun. */
  static async open(url: string): Promise<PlaygroundFeed> {
    const feed = new PlaygroundFeed();
    const res = await fetch(`${url}/api/events`, { signal: feed.abort.signal });
    if (!res.ok || !res.body) throw new Error(`GET ${url}/api/events: ${res.status}`);
    feed.done = feed.read(res.body).catch((error: Error) => {
      if (error.name !== 'AbortError') feed.ended = error;
    });
    return feed;
  }

  /** Stops reading. */
  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    const reader = body.getReader();
    let buffered = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        this.ended ??= new Error('the feed ended');
        return;
      }
      buffered += decoder.decode(value, { stream: true });
      for (let end = buffered.indexOf('\n\n'); end >= 0; end = buffered.indexOf('\n\n')) {
        this.take(buffered.slice(0, end));
        buffered = buffered.slice(end + 2);
      }
    }
  }

  /** Records one frame (`event: …` and `data: …` lines). */
  private take(frame: string): void {
    const event = /^event: (.*)$/m.exec(frame)?.[1];
    const data = /^data: (.*)$/m.exec(frame)?.[1];
    if (!event || data === undefined) return;
    type Frame = { storyId: string; jobId: string; text: string; line: { id: string; kind: string } };
    const doc = JSON.parse(data) as Frame;
    const { storyId, jobId } = doc;
    if (event === 'line') this.lines.push({ storyId, jobId, lineId: doc.line.id, kind: doc.line.kind });
    if (event === 'failure') this.failures.push({ storyId: doc.storyId, jobId: doc.jobId, text: doc.text });
  }
}
