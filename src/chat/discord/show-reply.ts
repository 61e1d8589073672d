/**
 * Role: shows core's answer to a command (on Slack, show-reply.ts too). On Discord,
 * core's Reply becomes an interaction's reply: a queued job becomes the job's status
 * message, showing its progress (the line itself is posted in the thread when it
 * comes); anything else is shown at once: a human line with its buttons, a message
 * (split when long), an export's files (the Markdown and the tree's JSON, attached
 * to one message: Discord takes up to 10 attachments a message, per its Create Message
 * body, `attachments` maxItems 10).
 */
import type { CommandContext, Reply } from '../../core/types.ts';
import { lineBodies, requestFrame, textBodies, type Frame } from './render.ts';
import type { Responder } from './responder.ts';
import type { StatusMessages } from './status-messages.ts';

/** Shows `reply` through `responder`; a queued job's reply is followed with `frame` (default: who asked for what). */
export async function showReply(
  status: StatusMessages,
  responder: Responder,
  ctx: CommandContext,
  reply: Reply,
  frame?: Frame,
): Promise<void> {
  if (reply.jobId) {
    const pending = reply.story?.pending;
    const asked = frame ?? requestFrame(ctx.person.name, pending?.purpose ?? 'continue', pending?.candidates);
    status.follow(reply.jobId, responder, asked, reply.text);
    return;
  }
  const bodies = reply.line ? lineBodies(reply.line, reply.buttons ?? []) : textBodies(reply.text, reply.buttons);
  if (reply.file) {
    const files = [reply.file, ...(reply.moreFiles ?? [])];
    bodies[0].files = files.map((f) => ({ attachment: Buffer.from(f.content, 'utf8'), name: f.name }));
  }
  await responder.show(bodies[0]);
  for (const body of bodies.slice(1)) await responder.more(body);
}
