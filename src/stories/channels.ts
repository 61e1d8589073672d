/**
 * Channels' settings, beside the stories in the mailbox's `stories/` folder (the bot
 * is its only writer): `stories/channel-<platform>-<channel>.json` holds a channel's
 * default number of candidate lines, for its stories that set none of their own.
 * An admin sets it with `/candidates n --for channel`.
 */
import { z } from 'zod';
import { MAX_CANDIDATES, PLATFORMS, PROTOCOL_VERSION, Person, Time, type Platform } from '../jobs/protocol.ts';
import type { Transport } from '../transport/transport.ts';
import { defaultLogger, type Logger } from '../log.ts';

/** The file names of channels' settings start with this; story files are named by their ULID. */
export const CHANNEL_PREFIX = 'channel-';

/** One channel's settings file. */
const ChannelFile = z.object({
  v: z.literal(PROTOCOL_VERSION),
  type: z.literal('channel'),
  platform: z.enum(PLATFORMS),
  channel: z.string().min(1),
  candidates: z.number().int().min(1).max(MAX_CANDIDATES),
  set_by: Person,
  set_at: Time,
});
type ChannelFile = z.infer<typeof ChannelFile>;

/** The file that holds a channel's settings: its id made safe for a mailbox name. */
export function channelFileName(platform: Platform, channel: string): string {
  const safe = channel.replace(/[^A-Za-z0-9_-]/g, (c) => `.${c.codePointAt(0)!.toString(16)}.`).slice(0, 150);
  return `${CHANNEL_PREFIX}${platform}-${safe}.json`;
}

/** Every channel's settings, loaded from the mailbox and kept in memory. */
export class ChannelSettings {
  private readonly byName = new Map<string, ChannelFile>();

  constructor(
    private readonly transport: Transport,
    private readonly log: Logger = defaultLogger(),
  ) {}

  /**
   * Loads every channel's settings file; unreadable ones are reported and left alone. `names`: the `stories/`
   * folder's listing, when the caller has it already.
   */
  async load(names?: string[]): Promise<number> {
    for (const name of names ?? (await this.transport.list('stories'))) {
      if (!name.startsWith(CHANNEL_PREFIX)) continue;
      const text = await this.transport.get('stories', name);
      if (text === null) continue;
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch {
        doc = undefined;
      }
      const parsed = ChannelFile.safeParse(doc);
      if (parsed.success) this.byName.set(name, parsed.data);
      else this.log.warn({ file: `stories/${name}` }, `storyloom: skipping stories/${name}: not a channel's settings`);
    }
    return this.byName.size;
  }

  /** The channel's default number of candidate lines, if an admin set one. */
  candidates(platform: Platform, channel: string): number | undefined {
    return this.byName.get(channelFileName(platform, channel))?.candidates;
  }

  /** Sets the channel's default number of candidate lines. */
  async setCandidates(platform: Platform, channel: string, candidates: number, by: Person): Promise<void> {
    const name = channelFileName(platform, channel);
    const file: ChannelFile = {
      v: PROTOCOL_VERSION,
      type: 'channel',
      platform,
      channel,
      candidates,
      set_by: { id: by.id, name: by.name },
      set_at: new Date().toISOString(),
    };
    await this.transport.put('stories', name, `${JSON.stringify(file)}\n`);
    this.byName.set(name, file);
  }
}
