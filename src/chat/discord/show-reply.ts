/**
 * Renders core's Reply into an interaction's reply: a queued job becomes a live
 * reply that shows its progress (the line itself is posted in the thread when it
 * comes); anything else is shown at once: a human line with its buttons, a
 * message (split when long), an exported file.
 */
import type { CommandContext, Reply } from '../../core/types.ts';
import type { LiveReplies } from './live-replies.ts';
import { lineBodies, requestFrame, textBodies, type Frame } from './render.ts';
import type { Responder } from './responder.ts';

/** Shows `reply` through `responder`; a queued job's reply is followed with `frame` (default: who asked for what). */
export async function showReply(live: LiveReplies, responder: Responder, ctx: CommandContext, reply: Reply, frame?: Frame): Promise<void> {
  if (reply.jobId) {
    const purpose = reply.story?.pending?.purpose ?? 'continue';
    live.follow(reply.jobId, responder, frame ?? requestFrame(ctx.actor.name, purpose), reply.text);
    return;
  }
  const bodies = reply.line ? lineBodies(reply.line, reply.buttons ?? []) : textBodies(reply.text, reply.buttons);
  if (reply.file) bodies[0].files = [{ attachment: Buffer.from(reply.file.content, 'utf8'), name: reply.file.name }];
  await responder.show(bodies[0]);
  for (const body of bodies.slice(1)) await responder.more(body);
}
