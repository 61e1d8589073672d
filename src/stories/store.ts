/**
 * Stories, persisted through the transport in `stories/`. The store keeps them in
 * memory, serializes the updates of each story (one at a time, in order), and
 * finds a story by the chat thread it lives in.
 */
import { UserError } from './errors.ts';
import { PROTOCOL_VERSION, type Platform } from '../jobs/protocol.ts';
import type { Transport } from '../transport/transport.ts';
import { CHANNEL_PREFIX } from './channels.ts';
import { Story } from './schema.ts';
import { defaultLogger, type Logger } from '../log.ts';

const threadKey = (platform: Platform, thread: string) => `${platform}:${thread}`;

/** Reads a story file, or returns a reason it cannot be read. */
export function parseStory(text: string): Story | string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return 'not valid JSON';
  }
  const version = (doc as { v?: unknown })?.v;
  if (version !== PROTOCOL_VERSION) return `unsupported version ${JSON.stringify(version)}`;
  const parsed = Story.safeParse(doc);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return `invalid story: ${issue.path.join('.')}: ${issue.message}`;
}

/** Every story the bot knows, backed by the mailbox's `stories/` folder. */
export class StoryStore {
  private readonly stories = new Map<string, Story>();
  private readonly threads = new Map<string, string>();
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly transport: Transport,
    private readonly log: Logger = defaultLogger(),
  ) {}

  /**
   * Loads every story file (not channels' settings); unreadable ones are reported and left alone. `names`: the
   * folder's listing, when the caller has it already (one listing serves the stories and the channels at start-up).
   */
  async load(names?: string[]): Promise<number> {
    for (const name of names ?? (await this.transport.list('stories'))) {
      // Channels' settings live beside the stories (channels.ts).
      if (name.startsWith(CHANNEL_PREFIX)) continue;
      const text = await this.transport.get('stories', name);
      if (text === null) continue;
      const story = parseStory(text);
      if (typeof story === 'string') {
        this.log.warn({ file: `stories/${name}`, error: story }, `storyloom: skipping stories/${name}: ${story}`);
      } else this.remember(story);
    }
    return this.stories.size;
  }

  private remember(story: Story): void {
    this.stories.set(story.id, story);
    if (story.place.thread) this.threads.set(threadKey(story.place.platform, story.place.thread), story.id);
  }

  /** The story, or a UserError when there is none with that id. */
  get(id: string): Story {
    const story = this.stories.get(id);
    if (!story) throw new UserError('not_found', 'That story does not exist (any more).');
    return story;
  }

  /** The story living in a chat thread, if any. */
  findByThread(platform: Platform, thread: string): Story | undefined {
    const id = this.threads.get(threadKey(platform, thread));
    return id ? this.stories.get(id) : undefined;
  }

  /** Every story in memory. */
  all(): Story[] {
    return [...this.stories.values()];
  }

  /** Saves a new story. */
  async create(story: Story): Promise<Story> {
    return this.serialize(story.id, async () => {
      await this.transport.put('stories', `${story.id}.json`, `${JSON.stringify(story)}\n`);
      this.remember(story);
      return story;
    });
  }

  /** Removes a story that never got going (its chat thread could not be made). */
  async remove(id: string): Promise<void> {
    return this.serialize(id, async () => {
      const story = this.stories.get(id);
      await this.transport.delete('stories', `${id}.json`);
      this.stories.delete(id);
      if (story?.place.thread) this.threads.delete(threadKey(story.place.platform, story.place.thread));
    });
  }

  /**
   * Changes a story: `change` gets the latest version and returns the new one
   * (or the same object for no change) and a result. Updates of one story run
   * one at a time; the new version is saved before the result is returned.
   */
  async update<T>(id: string, change: (story: Story) => { story: Story; result: T }): Promise<T> {
    return this.serialize(id, async () => {
      const before = this.get(id);
      const { story, result } = change(before);
      if (story !== before) {
        await this.transport.put('stories', `${id}.json`, `${JSON.stringify(story)}\n`);
        this.remember(story);
      }
      return result;
    });
  }

  private serialize<T>(id: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(id) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.queues.set(id, settled);
    void settled.then(() => {
      if (this.queues.get(id) === settled) this.queues.delete(id);
    });
    return next;
  }
}
