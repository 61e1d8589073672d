/**
 * The Web API calls the adapter makes, with storyloom's defaults: posts go
 * through the channel pacer (about one per second per channel) and never let
 * Slack link names or parse mentions (`parse: 'none'`, `link_names: false`);
 * links are not unfurled. Edits, deletions, reactions and ephemeral messages
 * have their own, looser limits and are not paced.
 */
import type { types, webApi } from '@slack/bolt';
import type { Story } from '../../core/types.ts';
import type { ChannelPacer } from './pacer.ts';
import type { MessageBody } from './render.ts';

/** A message in a channel: its channel and ts. */
export interface MessageRef {
  channel: string;
  ts: string;
}

/** Where to post: a channel, and a thread's root ts if any. */
export interface SlackPlace {
  channel: string;
  thread: string | null;
}

/** Where a story's messages go: its thread, or its channel when it has none. */
export function placeOf(story: Story): SlackPlace {
  return { channel: story.place.channel, thread: story.place.thread };
}

const NO_MENTIONS = { parse: 'none', link_names: false } as const;

function blocksOf(body: MessageBody): (types.KnownBlock | types.Block)[] | undefined {
  return body.blocks as (types.KnownBlock | types.Block)[] | undefined;
}

/** Posts, edits and uploads for the Slack adapter. */
export class SlackPoster {
  constructor(
    private readonly client: webApi.WebClient,
    private readonly pacer: ChannelPacer,
  ) {}

  /** Posts a message in its channel's turn; resolves with its ref, or null when `stillWanted` said no. */
  async post(place: SlackPlace, body: MessageBody, stillWanted?: () => boolean): Promise<MessageRef | null> {
    const ts = await this.pacer.run(
      place.channel,
      async () => {
        const answer = await this.client.chat.postMessage({
          channel: place.channel,
          ...(place.thread ? { thread_ts: place.thread } : {}),
          text: body.text,
          blocks: blocksOf(body),
          mrkdwn: true,
          unfurl_links: false,
          unfurl_media: false,
          ...NO_MENTIONS,
          ...(body.metadata ? { metadata: body.metadata } : {}),
        });
        return answer.ts!;
      },
      stillWanted,
    );
    return ts === undefined ? null : { channel: place.channel, ts };
  }

  /** Replaces a message's content (and its metadata, when the body has some). */
  async update(ref: MessageRef, body: MessageBody): Promise<void> {
    await this.client.chat.update({
      channel: ref.channel,
      ts: ref.ts,
      text: body.text,
      blocks: blocksOf(body) ?? [],
      ...NO_MENTIONS,
      ...(body.metadata ? { metadata: body.metadata } : {}),
    });
  }

  /** Deletes one of the bot's messages. */
  async delete(ref: MessageRef): Promise<void> {
    await this.client.chat.delete({ channel: ref.channel, ts: ref.ts });
  }

  /** A message only `user` sees, in the channel (and thread). */
  async ephemeral(place: SlackPlace, user: string, body: MessageBody): Promise<void> {
    await this.client.chat.postEphemeral({
      channel: place.channel,
      user,
      ...(place.thread ? { thread_ts: place.thread } : {}),
      text: body.text,
      blocks: blocksOf(body),
      ...NO_MENTIONS,
    });
  }

  /** Adds the bot's reaction to a message (an emoji name without colons). */
  async react(ref: MessageRef, name: string): Promise<void> {
    await this.client.reactions.add({ channel: ref.channel, timestamp: ref.ts, name });
  }

  /** Uploads a file into the thread (`files.uploadV2`); sharing it posts a message, so it is paced too. */
  async upload(
    place: SlackPlace,
    file: { name: string; content: string; title: string },
    comment: string,
  ): Promise<void> {
    const upload = { filename: file.name, title: file.title, content: file.content, initial_comment: comment };
    await this.pacer.run(place.channel, async () => {
      if (place.thread) {
        await this.client.files.uploadV2({ channel_id: place.channel, thread_ts: place.thread, ...upload });
      } else await this.client.files.uploadV2({ channel_id: place.channel, ...upload });
    });
  }
}
