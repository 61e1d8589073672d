/**
 * Role: shows core's answer to a command (on Discord, show-reply.ts too). On
 * Slack: an ephemeral answer to its user; a queued job as its status message in
 * the story's thread; an export's files (the Markdown, then the tree's JSON) uploaded
 * into the thread one after the other, so they show in that order;
 * anything else (an undo, the end) as a notice in the thread with the story's
 * buttons.
 */
import type { Reply } from '../../core/types.ts';
import { placeOf, type SlackPlace, type SlackPoster } from './poster.ts';
import { escapeMrkdwn } from './mrkdwn.ts';
import { noticeMessage } from './render.ts';
import type { StatusMessages } from './status-messages.ts';

/** Tells one person something only they see. */
export type Tell = (text: string) => Promise<unknown>;

/** Renders core's replies. */
export class ReplyRenderer {
  constructor(
    private readonly poster: SlackPoster,
    private readonly status: StatusMessages,
  ) {}

  /** Shows `reply`; `place` is where the command was given (used when the reply names no story). */
  async show(reply: Reply, place: SlackPlace, tell: Tell): Promise<void> {
    if (reply.ephemeral) {
      await tell(reply.text);
      return;
    }
    const where = reply.story ? placeOf(reply.story) : place;
    if (reply.jobId && reply.story) {
      this.status.show(reply.jobId, reply.story.id, where, reply.text);
      return;
    }
    if (reply.file) {
      for (const [i, file] of [reply.file, ...(reply.moreFiles ?? [])].entries()) {
        const title = i === 0 ? (reply.story?.title ?? file.name) : file.name;
        await this.poster.upload(where, { ...file, title }, escapeMrkdwn(`📄 ${file.name}: ${file.about}`));
      }
      return;
    }
    await this.poster.post(where, noticeMessage(reply.text, reply.buttons ?? []));
  }
}
